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

        // The floors: the very rows the ledger stored, into plain tables with the same columns and
        // indexes, the same number per transaction, nothing else. Each commit is followed at once
        // by its floors, so the three figures share the machine's moods.
        let floorURL = try server.createDatabase("floor")
        let client = PostgresClient(configuration: try PostgresLocation(url: floorURL, passwordAllowed: false).configuration)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let logger = Logger(label: "bench")
        for table in ["inserted", "copied"] {
            try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE \(table) (position BIGINT PRIMARY KEY, stream TEXT COLLATE "C" NOT NULL, version BIGINT NOT NULL, type TEXT NOT NULL,
                            commit_id TEXT NOT NULL, recorded_at BIGINT NOT NULL, entry BYTEA NOT NULL, leaf_hash BYTEA NOT NULL, UNIQUE (stream, version))
                        """), logger: logger)
        }
        var seconds = (append: 0.0, insert: 0.0, copy: 0.0)
        var written = 0
        while written < events {
            let commit = coalition.sign(by: coalition.founder, (0..<batch).map { Benchmarks.measurement(written + $0) })
            var start = Date()
            let receipt = try await ledger.append(commit)
            seconds.append += Date().timeIntervalSince(start)
            written += batch

            let rows = try await store.entries(from: receipt.first, limit: batch)
            var binds = PostgresBindings(capacity: 8)
            binds.append(rows.map { Int64($0.position) })
            binds.append(rows.map(\.stream))
            binds.append(rows.map { Int64($0.version) })
            binds.append(rows.map(\.type))
            binds.append(rows.map(\.commit.hex))
            binds.append(rows.map(\.recordedAt.milliseconds))
            binds.append(rows.map { ByteBuffer(bytes: $0.bytes) })
            binds.append(rows.map { ByteBuffer(bytes: $0.leafHash.bytes) })
            let insert = PostgresQuery(
                unsafeSQL: """
                    INSERT INTO inserted SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bytea[], $8::bytea[])
                    """, binds: binds)
            let copyRows = CopyText.rows(rows)
            start = Date()
            try await client.withTransaction(logger: logger) { _ = try await $0.query(insert, logger: logger) }
            seconds.insert += Date().timeIntervalSince(start)
            start = Date()
            try await client.withTransaction(logger: logger) { connection in
                try await connection.copyFrom(table: "copied", logger: logger) { writer in try await writer.write(copyRows) }
            }
            seconds.copy += Date().timeIntervalSince(start)
        }
        Benchmarks.report("ledger append on PostgreSQL, commits of \(batch), one at a time", count: events, seconds: seconds.append, unit: "events")
        Benchmarks.report(
            "plain multi-row INSERT of the same rows, \(batch) per transaction (floor)", count: events, seconds: seconds.insert, unit: "rows")
        Benchmarks.report("plain COPY of the same rows, \(batch) per transaction (floor)", count: events, seconds: seconds.copy, unit: "rows")
        print(
            String(
                format: "  ledger append = %.0f %% of the plain multi-row INSERT, %.0f %% of the plain COPY (goal ≥ 50 %%)",
                100 * seconds.insert / seconds.append, 100 * seconds.copy / seconds.append))
        Benchmarks.headline(
            "append on PostgreSQL against a plain multi-row INSERT", Benchmarks.percent(seconds.insert / seconds.append), goal: "≥ 50 %")
        Benchmarks.headline("append on PostgreSQL against a plain COPY", Benchmarks.percent(seconds.copy / seconds.append), goal: "≥ 50 %")

        // Writer processes: the same number of commits of 1,000 events, from 1 and from 4
        // processes, in alternating rounds. Each process connects and reads the ledger first; the
        // clock starts when all are ready and stops when the last has finished.
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-bench-keys-\(UUID().uuidString)").path
        try (coalition.checkpointKey.fileText + "\n" + coalition.keys[coalition.founder]!.fileText).write(
            toFile: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let commits = max(40, events / batch / 2) / 4 * 4
        var rates: [Int: [Double]] = [1: [], 4: []]
        for round in 1...3 {
            for processes in [1, 4] {
                let elapsed = try writers(processes, url: url, keyFile: keyFile, commits: commits, batch: batch, round: round)
                rates[processes]!.append(Double(commits * batch) / elapsed)
                Benchmarks.report(
                    "round \(round), \(processes) writer process\(processes == 1 ? "" : "es"), commits of \(batch), one at a time each",
                    count: commits * batch, seconds: elapsed, unit: "events")
            }
        }
        let one = median(rates[1]!)
        let four = median(rates[4]!)
        print(
            String(
                format: "  median of 3 rounds: 1 process %.0f events/s, 4 processes %.0f events/s = %.0f %% (goal: no loss)", one, four,
                100 * four / one))
        Benchmarks.headline("4 writer processes on one PostgreSQL log against 1", Benchmarks.percent(four / one), goal: "no loss")
        let report = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
        print("verify after all writers: \(report.size) entries, \(report.commits) commits, \(report.checkpoints) checkpoints: ok")
    }

    /// Runs `processes` writer processes sharing `commits` commits; returns the seconds from the
    /// moment all were ready until the last finished.
    static func writers(_ processes: Int, url: String, keyFile: String, commits: Int, batch: Int, round: Int) throws -> Double {
        let children = try (0..<processes).map { index -> (Process, Pipe, Pipe) in
            let process = Process()
            let input = Pipe()
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = [
                "--postgres-writer", url, "--keys", keyFile, "--commits", "\(commits / processes)",
                "--name", "r\(round)-p\(processes)-w\(index)", "--batch", "\(batch)",
            ]
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            return (process, input, output)
        }
        for (_, _, output) in children {
            precondition(readLine(output.fileHandleForReading) == "ready", "a writer process failed to start")
        }
        let start = Date()
        for (_, input, _) in children { input.fileHandleForWriting.write(Data("go\n".utf8)) }
        for (process, _, _) in children {
            process.waitUntilExit()
            precondition(process.terminationStatus == 0, "a writer process failed")
        }
        return Date().timeIntervalSince(start)
    }

    private static func readLine(_ handle: FileHandle) -> String {
        var line = Data()
        while let byte = try? handle.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") { line.append(first) }
        return String(decoding: line, as: UTF8.self)
    }

    private static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

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
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        _ = Swift.readLine()
        for index in 0..<commits {
            let events = (0..<batch).map { offset in
                try! EventLine(
                    stream: "bench/\(name)/\(index)/\(offset)", expectedVersion: 0, type: "NoteTaken",
                    data: Array(#"{"note":"written by \#(name)"}"#.utf8))
            }
            _ = try await ledger.append(SignedCommit.sign(ledger: id, organisation: "gemeente-heuvelstad", key: keys[1], events: events))
        }
    }
}
