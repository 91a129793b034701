import ChainServer
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LedgerConformance
import LedgerCore
import LedgerSQLite
import LedgerWitness
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Witness figures: `add-checkpoint` over loopback HTTP on a witness of a log of 1,000,000
/// leaves, against a floor of the same durable write to SQLite alone; and appends while three
/// witnesses cosign every second, against appends with no witnesses, in alternating rounds.
enum WitnessBenchmark {
    static func run(folder: URL, leaves: Int, seconds: Int) async throws {
        try await addCheckpoint(folder: folder, leaves: leaves)
        try await appendsWhileCosigning(folder: folder, seconds: seconds)
    }

    static var quiet: Logger {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        return logger
    }

    static func addCheckpoint(folder: URL, leaves: Int) async throws {
        let samples = 1000
        let build = Date()
        let tree = MemoryTree(count: leaves)
        print(String(format: "witness benchmark: a log of %d leaves (built in memory in %.1f s)", leaves, Date().timeIntervalSince(build)))
        let log = try SigningKey.generate(name: "ledger.example/bench")
        let key = try CosignerKey.generate(name: "witness.example/bench")
        let witness = Witness(
            key: key, logs: [(log.name, log.verifier)], state: try WitnessState(path: folder.appendingPathComponent("witness.db").path))
        let builder = ProofBuilder(store: tree)
        let start = UInt64(leaves - samples)
        var bodies: [ByteBuffer] = []
        var old: UInt64 = 0
        for size in [start] + Array(start + 1...UInt64(leaves)) {
            let proof = old == 0 ? [] : try await builder.consistency(old: old, new: size).hashes
            let note = Checkpoint(origin: log.name, size: size, root: try await builder.root(size: size)).signed(by: log).serialized
            bodies.append(ByteBuffer(string: (["old \(old)"] + proof.map(\.base64)).joined(separator: "\n") + "\n\n" + note))
            old = size
        }
        let app = buildWitnessApplication(witness: witness, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: quiet)
        let requests = bodies
        let latencies = NIOLockedValueBox<[Double]>([])
        try await app.test(.live) { client in
            for (index, body) in requests.enumerated() {
                let sent = Date()
                let response = try await client.execute(uri: "/add-checkpoint", method: .post, body: body)
                precondition(response.status == .ok, "\(response.status): \(String(buffer: response.body))")
                if index > 0 { latencies.withLockedValue { $0.append(Date().timeIntervalSince(sent)) } }
            }
        }
        let measured = latencies.withLockedValue { $0 }
        let p99 = Benchmarks.quantiles("add-checkpoint over loopback HTTP, one leaf further each time, proof verified, record kept", measured)
        Benchmarks.headline("add-checkpoint p99 on a witness of a \(leaves)-leaf log", String(format: "%.1f ms", p99), goal: "< 10 ms")

        // Floor: the same durable single-row upsert into SQLite, nothing else.
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("floor.db").path, configuration: configuration)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE t (origin TEXT PRIMARY KEY, size INTEGER, root BLOB, note TEXT) STRICT") }
        var floor: [Double] = []
        for size in 0..<samples {
            let sent = Date()
            try await queue.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO t VALUES (?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note",
                    arguments: ["o", size, Data(repeating: 1, count: 32), String(repeating: "n", count: 200)])
            }
            floor.append(Date().timeIntervalSince(sent))
        }
        Benchmarks.quantiles("  floor: the same durable one-row SQLite write (WAL, synchronous=FULL)", floor)
    }

    static func appendsWhileCosigning(folder: URL, seconds: Int) async throws {
        var coalition = try TestCoalition()
        let store = try SQLiteLedgerStore(path: folder.appendingPathComponent("ledger.sqlite").path)
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        let keys = (1...3).map { try! CosignerKey.generate(name: "witness.example/w\($0)") }
        let ports = NIOLockedValueBox<[Int: Int]>([:])
        let signer = coalition
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                let witness = Witness(
                    key: key, logs: [("ledger.test/heuvelstad", signer.checkpointKey.verifier)],
                    state: try WitnessState(path: folder.appendingPathComponent("w\(index).db").path))
                let app = buildWitnessApplication(witness: witness, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: quiet) { port in
                    ports.withLockedValue { $0[index] = port }
                }
                group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            }
            while ports.withLockedValue({ $0.count }) < keys.count { try await Task.sleep(for: .milliseconds(20)) }
            let founder = CoreEvent.organisationStream(signer.founder)
            var registrations: [EventLine] = []
            for (index, key) in keys.enumerated() {
                let url = "http://127.0.0.1:\(ports.withLockedValue { $0[index]! })"
                registrations.append(
                    try EventLine(
                        stream: founder, expectedVersion: try await store.version(of: founder) + UInt64(index), type: CoreEvent.witnessRegistered,
                        data: CoreEvent.witnessRegisteredData(organisation: signer.founder, witness: "w\(index + 1)", key: key.verifier, url: url)))
            }
            registrations.append(
                try EventLine(
                    stream: CoreEvent.coalitionStream, expectedVersion: try await store.version(of: CoreEvent.coalitionStream),
                    type: CoreEvent.witnessPolicySet, data: CoreEvent.witnessPolicySetData(quorum: "group q 2 w1 w2 w3\nquorum q", reason: "bench")))
            _ = try await ledger.append(signer.sign(by: signer.founder, registrations))

            var version = try await store.version(of: "s/1")
            func appendFor(_ seconds: Double) async throws -> Double {
                let start = Date()
                var events = 0
                while Date().timeIntervalSince(start) < seconds {
                    let lines = (0..<100).map { TestCoalition.event("s/1", expected: version + UInt64($0)) }
                    _ = try await ledger.append(signer.sign(by: signer.founder, lines))
                    version += 100
                    events += 100
                }
                return Double(events) / Date().timeIntervalSince(start)
            }
            // Alternating rounds in ABBA order, so that both meet the same state of the machine
            // and of the ledger, which grows as they go.
            var alone: [Double] = []
            var cosigned: [Double] = []
            var collected = 0
            let round = Double(seconds) / 6
            func cosigning() async throws -> Double {
                let collector = CosignatureCollector(store: store, registry: { await ledger.registry }, cadence: .seconds(1), logger: quiet)
                let running = Task { try await collector.run() }
                let rate = try await appendFor(round)
                running.cancel()
                _ = await running.result
                collected += collector.statuses.values.filter { $0.cosignedSize != nil }.count
                return rate
            }
            for index in 0..<3 {
                if index % 2 == 0 {
                    alone.append(try await appendFor(round))
                    cosigned.append(try await cosigning())
                } else {
                    cosigned.append(try await cosigning())
                    alone.append(try await appendFor(round))
                }
            }
            let plain = alone.reduce(0, +) / Double(alone.count)
            let with = cosigned.reduce(0, +) / Double(cosigned.count)
            print(String(format: "appends, commits of 100 events, no witnesses: %.0f events/s (3 rounds of %.1f s)", plain, round))
            print(String(format: "appends while 3 witnesses cosign every second: %.0f events/s (%d cosigning witnesses seen)", with, collected))
            print(String(format: "  throughput kept: %.1f %% (goal: lose no more than 5 %%)", 100 * with / plain))
            Benchmarks.headline("appends while three witnesses cosign every second", Benchmarks.percent(with / plain), goal: "≥ 95 %")
            group.cancelAll()
        }
    }
}
