import ChainDomain
import ChainProjections
import ChainSamples
import Crypto
import Foundation
import GRDB
import LedgerConformance
import LedgerCore
import LedgerSQLite

/// Ledger-core benchmark: appends (batched and one event per commit) against the plain-SQLite
/// floor measured in the same run, verify, and proof times at 1,000,000 leaves. Prints figures;
/// asserts nothing. Run with `tools/bench` (release build).
@main
struct Benchmarks {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.contains("--postgres-writer") {
            try await PostgresBenchmark.writer(arguments: arguments)
            return
        }
        let events = Int(value(of: "--events", in: arguments) ?? "1000000")!
        let singles = Int(value(of: "--single-commits", in: arguments) ?? "10000")!
        let batch = 1000
        let pipeline = Int(value(of: "--pipeline", in: arguments) ?? "2")!
        let phases = Set((value(of: "--phases", in: arguments) ?? "floor,append,single,verify,proofs").split(separator: ",").map(String.init))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        print("ChainLedger ledger-core benchmark: \(events) events in commits of \(batch); \(singles) single-event commits")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, SQLite \(sqliteVersion()), WAL + synchronous=FULL")

        if arguments.contains("--postgres") {
            try await PostgresBenchmark.run(events: events)
            return
        }
        if arguments.contains("--witness") {
            let seconds = Int(value(of: "--seconds", in: arguments) ?? "30")!
            try await WitnessBenchmark.run(folder: folder, leaves: Int(value(of: "--leaves", in: arguments) ?? "1000000")!, seconds: seconds)
            return
        }
        if arguments.contains("--replica") {
            let seconds = Int(value(of: "--follow-seconds", in: arguments) ?? "30")!
            try await ReplicaBenchmark.run(events: events, folder: folder, followSeconds: seconds)
            return
        }
        if arguments.contains("--server") {
            try await ServerBenchmark.run(events: events, folder: folder)
            return
        }
        if arguments.contains("--projections") {
            try await ProjectionBenchmark.run(events: events, ledgerPath: value(of: "--ledger", in: arguments), folder: folder)
            return
        }
        if phases.contains("micro") {
            try await micro(folder: folder)
            return
        }
        if let existing = value(of: "--ledger", in: arguments), FileManager.default.fileExists(atPath: existing) {
            try await verifyAndProve(SQLiteLedgerStore(path: existing))
            return
        }
        // Reference: only the signed event lines into a plain table.
        let linesOnly = phases.contains("floor") ? try plainInsert(folder: folder, name: "lines", events: events, perTransaction: batch) : .nan

        if value(of: "--domain", in: arguments) == "chain" {
            try await chainDomainAppend(folder: folder, events: events, batch: batch, pipeline: pipeline, verify: phases.contains("verify"))
            return
        }
        // The ledger (kept at --ledger PATH when given; an existing one there is only verified and proved).
        var coalition = try TestCoalition()
        let ledgerPath = value(of: "--ledger", in: arguments) ?? folder.appendingPathComponent("ledger.sqlite").path
        let store = try SQLiteLedgerStore(path: ledgerPath)
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        let floor =
            phases.contains("floor")
            ? try await Floor(copying: store, folder: folder, name: "floor-batched") : nil
        var appendSeconds = 0.0
        var signSeconds = 0.0
        var written = 0
        let transactionsBefore = try await transactions(store)
        while written < events {
            let start = Date()
            var chunk: [SignedCommit] = []
            while written < events, chunk.count < 32 {
                chunk.append(coalition.sign(by: coalition.founder, (0..<batch).map { measurement(written + $0) }))
                written += batch
            }
            signSeconds += Date().timeIntervalSince(start)
            let chunkStart = try await store.size()
            appendSeconds += try await timedAppend(chunk, to: ledger, pipeline: pipeline)
            try await floor?.copy(first: chunkStart, count: Int(try await store.size() - chunkStart))
        }
        let batchedRate = Double(events) / appendSeconds
        report("ledger append, commits of \(batch), \(pipeline) in flight", count: events, seconds: appendSeconds, unit: "events")
        print("  \(events / batch) commits written in \(try await transactions(store) - transactionsBefore) store transactions")
        print(String(format: "  (client side: composing and signing the commits took %.2f s, not counted)", signSeconds))
        if let floor {
            report(
                "plain SQLite insert of the same rows in the same \(floor.transactions) transactions, alternating with the ledger (floor)",
                count: events, seconds: floor.seconds, unit: "rows")
            print(String(format: "  batched append = %.0f %% of the floor (goal ≥ 70 %%)", 100 * batchedRate / (Double(events) / floor.seconds)))
            headline(
                "batched append (commits of \(batch), \(pipeline) in flight) against the plain-SQLite floor",
                percent(batchedRate / (Double(events) / floor.seconds)), goal: "≥ 70 %")
            report("  for reference: plain insert of the signed event lines alone", count: events, seconds: linesOnly, unit: "rows")
        }

        var singleSeconds = 0.0
        let singlesFloor =
            phases.contains("floor") && phases.contains("single")
            ? try await Floor(copying: store, folder: folder, name: "floor-single") : nil
        let singlesStart = try await store.size()
        for index in 0..<(phases.contains("single") ? singles : 0) {
            let commit = coalition.sign(by: coalition.founder, [measurement(events + index)])
            let start = Date()
            _ = try await ledger.append(commit)
            singleSeconds += Date().timeIntervalSince(start)
            if let singlesFloor, index % 100 == 99 || index == singles - 1 {
                try await singlesFloor.copy(first: singlesStart + UInt64(singlesFloor.rows), count: index + 1 - singlesFloor.rows)
            }
        }
        if phases.contains("single") {
            report("ledger append, 1 event per commit, each durable", count: singles, seconds: singleSeconds, unit: "commits")
        }
        if let singlesFloor {
            report(
                "plain SQLite insert of the same rows in the same \(singlesFloor.transactions) transactions, alternating with the ledger (floor)",
                count: singles, seconds: singlesFloor.seconds, unit: "rows")
            print(String(format: "  single-event commits = %.0f %% of the floor", 100 * singlesFloor.seconds / singleSeconds))
            headline("single-event durable commits against the plain-SQLite floor", percent(singlesFloor.seconds / singleSeconds))
        }

        guard phases.contains("verify") || phases.contains("proofs") else { return }
        try await verifyAndProve(store)
    }

    /// Appends with the chain domain's rules: a synthetic coalition (60 organisations, 20 chains,
    /// 240 KPIs), then `events` measurements in commits of `batch`, each signed by its reporter.
    static func chainDomainAppend(folder: URL, events: Int, batch: Int, pipeline: Int, verify: Bool) async throws {
        print("with the chain domain's rules: measurements of a synthetic coalition (60 organisations, 20 chains, 240 KPIs)")
        let store = try SQLiteLedgerStore(path: folder.appendingPathComponent("chain.sqlite").path)
        let checkpointKey = try SigningKey.generate(name: "ledger.example/bench")
        let builder = try await SampleBuilder(store: store, checkpointKey: checkpointKey, seed: 1, start: CalendarDate(1990, 1, 1)!)
        let ledger = builder.ledger
        var synthetic = SyntheticCoalition(seed: 1)
        try await synthetic.setUp(builder, checkpointKey: checkpointKey.verifier)
        var factory = EventFactory()
        let floor = try await Floor(copying: store, folder: folder, name: "floor-chain")
        var appendSeconds = 0.0
        var signSeconds = 0.0
        var written = 0
        let transactionsBefore = try await transactions(store)
        while written < events {
            let start = Date()
            var chunk: [SignedCommit] = []
            while written < events, chunk.count < 32 {
                let (organisation, measurements) = synthetic.nextMeasurements(count: batch)
                chunk.append(try builder.signed(by: organisation, measurements, factory: &factory))
                written += batch
            }
            signSeconds += Date().timeIntervalSince(start)
            let chunkStart = try await store.size()
            appendSeconds += try await timedAppend(chunk, to: ledger, pipeline: pipeline)
            try await floor.copy(first: chunkStart, count: Int(try await store.size() - chunkStart))
        }
        report(
            "ledger append with chain rules, commits of \(batch) measurements, \(pipeline) in flight", count: events, seconds: appendSeconds,
            unit: "events")
        print("  \(events / batch) commits written in \(try await transactions(store) - transactionsBefore) store transactions")
        print(String(format: "  (client side: composing and signing the commits took %.2f s, not counted)", signSeconds))
        report(
            "plain SQLite insert of the same rows in the same \(floor.transactions) transactions, alternating with the ledger (floor)",
            count: floor.rows, seconds: floor.seconds, unit: "rows")
        print(
            String(
                format: "  batched append with domain validation = %.0f %% of the floor (goal ≥ 70 %%)",
                100 * (Double(events) / appendSeconds) / (Double(floor.rows) / floor.seconds)))
        headline(
            "append with the chain rules against the plain-SQLite floor",
            percent((Double(events) / appendSeconds) / (Double(floor.rows) / floor.seconds)), goal: "≥ 70 %")
        if verify {
            let start = Date()
            let report = try await LedgerVerifier(store: store, domain: ChainRules()).run()
            Self.report("verify with chain rules", count: Int(report.size), seconds: Date().timeIntervalSince(start), unit: "events")
        }
        print(String(format: "peak resident memory: %.0f MiB", peakMemoryMiB()))
    }

    /// Appends `commits` keeping `pipeline` of them in flight (1: one after the other, as a single
    /// client waiting for each receipt); returns the wall-clock seconds.
    static func timedAppend<Domain: LedgerDomain>(_ commits: [SignedCommit], to ledger: Ledger<Domain>, pipeline: Int) async throws -> Double {
        let start = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for commit in commits {
                if inFlight == pipeline {
                    try await group.next()
                    inFlight -= 1
                }
                group.addTask { _ = try await ledger.append(commit) }
                inFlight += 1
            }
            try await group.waitForAll()
        }
        return Date().timeIntervalSince(start)
    }

    /// Store transactions so far: each writes one checkpoint.
    static func transactions(_ store: SQLiteLedgerStore) async throws -> Int {
        try await store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_checkpoints") ?? 0 }
    }

    static func verifyAndProve(_ store: SQLiteLedgerStore) async throws {
        let verifyStart = Date()
        let verified = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
        let verifySeconds = Date().timeIntervalSince(verifyStart)
        report("verify (every signature, entry, leaf, node and checkpoint)", count: Int(verified.size), seconds: verifySeconds, unit: "events")
        print("  \(verified.commits) signatures, \(verified.checkpoints) checkpoints, \(verified.nodes) Merkle nodes checked")
        let floor = try await VerifyFloor.run(store)
        precondition(floor.root == verified.root && floor.events == verified.size, "the floor hashed the same log")
        report(
            "verify floor: each core reads its share of the entries and commits and hashes every leaf, node and document (SHA-256, and Ed25519's SHA-512), nothing else",
            count: Int(floor.events), seconds: floor.seconds, unit: "events")
        print(String(format: "  verify = %.0f %% of its floor", 100 * floor.seconds / verifySeconds))
        headline("verify against its floor (reading and hashing the log, nothing else)", percent(floor.seconds / verifySeconds))

        let size = try await store.size()
        let builder = ProofBuilder(store: store)
        var generator = SystemRandomNumberGenerator()
        let samples = 2000
        var inclusion = [Double]()
        var consistency = [Double]()
        for _ in 0..<samples {
            let index = UInt64.random(in: 0..<size, using: &generator)
            var start = Date()
            let proof = try await builder.inclusion(index: index, size: size)
            inclusion.append(Date().timeIntervalSince(start))
            try proof.verify()
            let old = UInt64.random(in: 1..<size, using: &generator)
            start = Date()
            let proof2 = try await builder.consistency(old: old, new: size)
            consistency.append(Date().timeIntervalSince(start))
            try proof2.verify()
        }
        let inclusionP99 = quantiles("inclusion proof at \(size) leaves", inclusion)
        let consistencyP99 = quantiles("consistency proof at \(size) leaves", consistency)
        headline("inclusion proof at \(size) leaves, p99", String(format: "%.2f ms", inclusionP99), goal: "< 1 ms")
        headline("consistency proof at \(size) leaves, p99", String(format: "%.2f ms", consistencyP99), goal: "< 1 ms")
        print(String(format: "peak resident memory: %.0f MiB", peakMemoryMiB()))
    }

    static func micro(folder: URL) async throws {
        var coalition = try TestCoalition()
        _ = try coalition.genesis()
        let commit = coalition.sign(by: coalition.founder, (0..<1000).map { measurement($0) })
        var start = Date()
        var document: CommitDocument?
        for _ in 0..<(ProcessInfo.processInfo.environment["PARSE_LOOPS"].flatMap(Int.init) ?? 100) {
            document = try CommitDocument(parsing: commit.bytes)
        }
        print(String(format: "parse: %.2f µs/event", Date().timeIntervalSince(start) / 100_000 * 1e6))
        start = Date()
        var total = 0
        for _ in 0..<100 {
            for (index, event) in document!.events.enumerated() {
                let entry = LogEntry(position: UInt64(index), version: 1, recordedAt: .now(), commit: document!.id, index: index, event: event)
                total += entry.bytes.count
            }
        }
        print(String(format: "entry bytes: %.2f µs/event", Date().timeIntervalSince(start) / 100_000 * 1e6))
        let bytes = LogEntry(position: 1, version: 1, recordedAt: .now(), commit: document!.id, index: 0, event: document!.events[0]).bytes
        start = Date()
        var range = CompactRange()
        for _ in 0..<100_000 { range.append(.leaf(bytes)) }
        print(String(format: "leaf + nodes hashing: %.2f µs/event (%d bytes)", Date().timeIntervalSince(start) / 100_000 * 1e6, bytes.count))
        let store = try SQLiteLedgerStore(path: folder.appendingPathComponent("micro.sqlite").path)
        start = Date()
        let streams = Set(document!.events.map(\.stream))
        for _ in 0..<20 {
            let _: Int = try await store.append(AppendQuery(commitIDs: [document!.id], streams: streams, tailStart: 0, tailPrefixes: [])) { _ in
                (AppendPlan(), 0)
            }
        }
        print(String(format: "snapshot with 1000 stream versions: %.2f µs/event", Date().timeIntervalSince(start) / 20_000 * 1e6))
        // The hashes verify cannot avoid, on one core, over a commit-sized buffer.
        let buffer = [UInt8](repeating: 0x61, count: 256 << 10)
        for (name, hash) in [
            ("SHA-256", { (bytes: [UInt8]) in withExtendedLifetime(SHA256.hash(data: bytes)) {} }),
            ("SHA-512", { (bytes: [UInt8]) in withExtendedLifetime(SHA512.hash(data: bytes)) {} }),
        ] {
            start = Date()
            for _ in 0..<1024 { hash(buffer) }
            print(String(format: "%@ on one core: %.0f MB/s", name, 256 * 1024 * 1024 / 1e6 / Date().timeIntervalSince(start)))
        }
    }

    /// A measurement-like domain event (about 200 bytes as signed).
    static func measurement(_ index: Int) -> EventLine {
        let kpi = index % 15
        let organisation = "gemeente-\(index % 60)"
        let period = "\(2020 + (index / 720) % 30)-\(String(format: "%02d", index / 60 % 12 + 1))"
        let data =
            "{\"kpi\":\"hf-kpi-\(kpi)\",\"period\":\"\(period)\",\"value\":\(Double(index % 1000) / 10),\"organisation\":\"\(organisation)\",\"source\":\"monthly export\"}"
        return try! EventLine(
            stream: "measurement/hf-kpi-\(kpi)/\(organisation)/\(index)", expectedVersion: 0,
            type: "MeasurementRecorded", data: Array(data.utf8))
    }

    /// Inserts the same event rows into a plain table with the same indexes, `perTransaction` rows
    /// per transaction; returns seconds.
    static func plainInsert(folder: URL, name: String, events: Int, perTransaction: Int) throws -> Double {
        let queue = try plainDatabase(folder.appendingPathComponent("\(name).sqlite"), synchronous: "FULL")
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL,
                                         type TEXT NOT NULL, event BLOB NOT NULL, UNIQUE (stream, version))
                    """)
        }
        var seconds = 0.0
        var written = 0
        while written < events {
            let lines = (0..<perTransaction).map { measurement(written + $0) }
            let start = Date()
            try queue.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO events (position, stream, version, type, event) VALUES (?, ?, ?, ?, ?)")
                for (offset, line) in lines.enumerated() {
                    try statement.execute(arguments: [written + offset, line.stream, line.version, line.type, Data(line.bytes)])
                }
            }
            seconds += Date().timeIntervalSince(start)
            written += perTransaction
        }
        return seconds
    }

    /// A plain SQLite file in WAL mode, for the floors the benchmarks measure against.
    static func plainDatabase(_ url: URL, synchronous: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        return try DatabaseQueue(path: url.path, configuration: configuration)
    }

    /// A figure for the README's headline table: `tools/bench` collects these lines from the
    /// output it records in BENCHMARKS.md.
    static func headline(_ figure: String, _ value: String, goal: String = "") {
        print("headline: \(figure) | \(value) | \(goal)")
    }

    static func percent(_ share: Double) -> String { String(format: "%.0f %%", 100 * share) }

    static func report(_ label: String, count: Int, seconds: Double, unit: String) {
        print(String(format: "%@: %d %@ in %.2f s = %.0f %@/s", label, count, unit, seconds, Double(count) / seconds, unit))
    }

    /// Prints the median, p99 and maximum of `samples` (seconds) in milliseconds, and returns the p99.
    @discardableResult
    static func quantiles(_ label: String, _ samples: [Double]) -> Double {
        let sorted = samples.sorted()
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000 }
        print(
            String(format: "%@: median %.3f ms, p99 %.3f ms, max %.3f ms (%d samples)", label, at(0.5), at(0.99), sorted.last! * 1000, sorted.count))
        return at(0.99)
    }

    static func value(of option: String, in arguments: ArraySlice<String>) -> String? {
        guard let index = arguments.firstIndex(of: option), arguments.index(after: index) < arguments.endIndex else { return nil }
        return arguments[arguments.index(after: index)]
    }

    static func sqliteVersion() -> String {
        (try? DatabaseQueue().read { try String.fetchOne($0, sql: "SELECT sqlite_version()") }) ?? "?"
    }

    static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
