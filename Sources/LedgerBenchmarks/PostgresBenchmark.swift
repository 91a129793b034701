import Foundation
import LedgerConformance
import LedgerCore
import LedgerPostgres
import Logging
import NIOCore
import PostgresNIO
import TemporaryPostgres

/// PostgreSQL figures on a throwaway server (fsync on, default durability): batched appends
/// against a plain multi-row INSERT and a plain COPY of the same rows in the same transactions,
/// and 4 writer processes against 1.
enum PostgresBenchmark {
    static func run(events: Int) async throws {
        let server = try TemporaryPostgres()
        defer { server.stop() }
        let batch = 1000
        print("PostgreSQL benchmark: \(events) events in commits of \(batch); throwaway PostgreSQL server on loopback (fsync on)")

        // The ledger.
        let url = try server.createDatabase("ledger")
        let store = try await PostgresLedgerStore(PostgresLocation(url: url, passwordAllowed: false))
        var coalition = try TestCoalition()
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        let first = try await store.size()
        var seconds = 0.0
        var written = 0
        while written < events {
            let commit = coalition.sign(by: coalition.founder, (0..<batch).map { Benchmarks.measurement(written + $0) })
            let start = Date()
            _ = try await ledger.append(commit)
            seconds += Date().timeIntervalSince(start)
            written += batch
        }
        let appendRate = Double(events) / seconds
        Benchmarks.report("ledger append on PostgreSQL, commits of \(batch), one at a time", count: events, seconds: seconds, unit: "events")

        // The floors: the very rows the ledger stored, into a plain table with the same columns
        // and indexes, the same number per transaction; nothing else.
        let floorURL = try server.createDatabase("floor")
        let client = PostgresClient(configuration: try PostgresLocation(url: floorURL, passwordAllowed: false).configuration)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let logger = Logger(label: "bench")
        var floors: [(String, Double)] = []
        for method in ["multi-row INSERT", "COPY"] {
            let table = method == "COPY" ? "copied" : "inserted"
            try await client.query(PostgresQuery(unsafeSQL: """
                CREATE TABLE \(table) (position BIGINT PRIMARY KEY, stream TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL, type TEXT NOT NULL,
                    commit_id TEXT NOT NULL, recorded_at BIGINT NOT NULL, entry BYTEA NOT NULL, leaf_hash BYTEA NOT NULL, UNIQUE (stream, version))
                """), logger: logger)
            var floorSeconds = 0.0
            var position = first
            while position < first + UInt64(events) {
                let rows = try await store.entries(from: position, limit: batch)
                var copyData = ByteBuffer()
                if method == "COPY" { for row in rows { copyData.writeString(copyLine(row)) } }
                let lines = copyData
                let start = Date()
                try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    if method == "COPY" {
                        try await connection.copyFrom(table: table, logger: logger) { writer in try await writer.write(lines) }
                    } else {
                        var binds = PostgresBindings(capacity: 8)
                        binds.append(rows.map { Int64($0.position) })
                        binds.append(rows.map(\.stream))
                        binds.append(rows.map { Int64($0.version) })
                        binds.append(rows.map(\.type))
                        binds.append(rows.map(\.commit.hex))
                        binds.append(rows.map(\.recordedAt.milliseconds))
                        binds.append(rows.map { ByteBuffer(bytes: $0.bytes) })
                        binds.append(rows.map { ByteBuffer(bytes: $0.leafHash.bytes) })
                        try await connection.query(PostgresQuery(unsafeSQL: """
                            INSERT INTO inserted SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bytea[], $8::bytea[])
                            """, binds: binds), logger: logger)
                    }
                    try await connection.query("COMMIT", logger: logger)
                }
                floorSeconds += Date().timeIntervalSince(start)
                position += UInt64(rows.count)
            }
            Benchmarks.report("plain \(method) of the same rows, \(batch) per transaction (floor)", count: events, seconds: floorSeconds, unit: "rows")
            floors.append((method, Double(events) / floorSeconds))
        }
        for (method, rate) in floors {
            print(String(format: "  ledger append = %.0f %% of the plain %@ (goal ≥ 50 %%)", 100 * appendRate / rate, method))
        }

        // Writer processes: the same number of commits of 1,000 events, from 1 and from 4 processes.
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-bench-keys-\(UUID().uuidString)").path
        try (coalition.checkpointKey.fileText + "\n" + coalition.keys[coalition.founder]!.fileText).write(toFile: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let commits = max(8, events / batch / 2)
        var rates: [Int: Double] = [:]
        for processes in [1, 4] {
            let start = Date()
            let children = try (0..<processes).map { index -> Process in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                process.arguments = ["--postgres-writer", url, "--keys", keyFile, "--commits", "\(commits / processes)",
                                     "--name", "p\(processes)-w\(index)", "--batch", "\(batch)"]
                try process.run()
                return process
            }
            for child in children {
                child.waitUntilExit()
                precondition(child.terminationStatus == 0, "a writer process failed")
            }
            let elapsed = Date().timeIntervalSince(start)
            let count = (commits / processes) * processes * batch
            rates[processes] = Double(count) / elapsed
            Benchmarks.report("\(processes) writer process\(processes == 1 ? "" : "es"), commits of \(batch), one at a time each (process start included)",
                              count: count, seconds: elapsed, unit: "events")
        }
        print(String(format: "  4 processes = %.0f %% of 1 process's throughput (goal: no loss)", 100 * rates[4]! / rates[1]!))
        let report = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
        print("verify after all writers: \(report.size) entries, \(report.commits) commits, \(report.checkpoints) checkpoints: ok")
    }

    /// One writer process: appends `commits` commits of `batch` events to the ledger at `url`.
    static func writer(arguments: ArraySlice<String>) async throws {
        let url = Benchmarks.value(of: "--postgres-writer", in: arguments)!
        let keys = try String(contentsOfFile: Benchmarks.value(of: "--keys", in: arguments)!, encoding: .utf8)
            .split(separator: "\n").map { try SigningKey(parsing: String($0)) }
        let commits = Int(Benchmarks.value(of: "--commits", in: arguments)!)!
        let batch = Int(Benchmarks.value(of: "--batch", in: arguments)!)!
        let name = Benchmarks.value(of: "--name", in: arguments)!
        let store = try await PostgresLedgerStore(PostgresLocation(url: url, passwordAllowed: false), connections: 2)
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: keys[0])
        let id = try await ledger.ledgerID()!
        for index in 0..<commits {
            let events = (0..<batch).map { offset in
                try! EventLine(stream: "bench/\(name)/\(index)/\(offset)", expectedVersion: 0, type: "NoteTaken",
                               data: Array(#"{"note":"written by \#(name)"}"#.utf8))
            }
            _ = try await ledger.append(SignedCommit.sign(ledger: id, organisation: "gemeente-heuvelstad", key: keys[1], events: events))
        }
    }

    /// A row in COPY's text format (bytea as \x hex, with the backslash escaped).
    static func copyLine(_ row: StoredEntry) -> String {
        func text(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
        }
        func bytea(_ bytes: [UInt8]) -> String { "\\\\x" + bytes.map { String(format: "%02x", $0) }.joined() }
        return "\(row.position)\t\(text(row.stream))\t\(row.version)\t\(text(row.type))\t\(row.commit.hex)\t\(row.recordedAt.milliseconds)\t\(bytea(row.bytes))\t\(bytea(row.leafHash.bytes))\n"
    }
}
