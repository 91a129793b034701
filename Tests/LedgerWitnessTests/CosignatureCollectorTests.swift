import ChainServer
import Foundation
import Hummingbird
import LedgerConformance
import LedgerCore
import LedgerSQLite
import LedgerWitness
import Logging
import NIOConcurrencyHelpers
import Testing

/// A ledger with three registered witnesses, two of them running on loopback and one down: the
/// witnessed checkpoint appears only when the policy in force is met, a witness that is down never
/// holds up an append, and retiring a witness changes which checkpoints qualify.
struct CosignatureCollectorTests {
    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `body` with witnesses `w1` and `w2` listening on loopback (their prefixes given).
    static func withWitnesses(
        _ keys: [CosignerKey], log: VerifierKey, origin: String, folder: URL, _ body: @escaping @Sendable ([String]) async throws -> Void
    ) async throws {
        let ports = NIOLockedValueBox<[Int: Int]>([:])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in keys.enumerated() {
                let witness = Witness(
                    key: key, logs: [(origin, log)], state: try WitnessState(path: folder.appendingPathComponent("w\(index).db").path))
                let app = buildWitnessApplication(witness: witness, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger) { port in
                    ports.withLockedValue { $0[index] = port }
                }
                group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            }
            while ports.withLockedValue({ $0.count }) < keys.count { try await Task.sleep(for: .milliseconds(20)) }
            let prefixes = ports.withLockedValue { ports in keys.indices.map { "http://127.0.0.1:\(ports[$0]!)" } }
            try await body(prefixes)
            group.cancelAll()
        }
    }

    /// Rounds until `done` holds (a witness that failed once, on a busy machine, is asked again
    /// after its backoff, as in a server), for at most 60 seconds.
    static func settle(_ collector: CosignatureCollector, until done: @Sendable () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(60)
        repeat {
            try await collector.round()
            if try await done() { return }
            try await Task.sleep(for: .milliseconds(200))
        } while Date() < deadline
    }

    @Test func theWitnessedCheckpointFollowsThePolicyInForce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-collector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var coalition = try TestCoalition()
        let store = try SQLiteLedgerStore(path: folder.appendingPathComponent("ledger.sqlite").path)
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        let keys = (1...3).map { try! CosignerKey.generate(name: "witness.example/w\($0)") }
        let signer = coalition
        @Sendable func append(_ events: [EventLine]) async throws -> AppendReceipt {
            try await ledger.append(signer.sign(by: signer.founder, events))
        }
        @Sendable func core(_ stream: String, _ type: String, _ data: [UInt8]) async throws -> EventLine {
            try EventLine(stream: stream, expectedVersion: try await store.version(of: stream), type: type, data: data)
        }
        let founderStream = CoreEvent.organisationStream(coalition.founder)
        try await Self.withWitnesses(Array(keys.prefix(2)), log: coalition.checkpointKey.verifier, origin: "ledger.test/heuvelstad", folder: folder) {
            prefixes in
            let urls = prefixes + ["http://127.0.0.1:9"] // w3: nothing listens there
            for index in 0..<3 {
                _ = try await append([
                    try await core(
                        founderStream, CoreEvent.witnessRegistered,
                        CoreEvent.witnessRegisteredData(
                            organisation: signer.founder, witness: "w\(index + 1)", key: keys[index].verifier, url: urls[index]))
                ])
            }
            let collector = CosignatureCollector(
                store: store, registry: { await ledger.registry }, timeout: .seconds(10), keptAt: folder.appendingPathComponent("witnessed").path,
                logger: Self.logger)
            try await collector.round()
            #expect(collector.witnessed == nil, "no policy yet, no witnessed checkpoint")

            _ = try await append([
                try await core(
                    CoreEvent.coalitionStream, CoreEvent.witnessPolicySet,
                    CoreEvent.witnessPolicySetData(quorum: "group q 2 w1 w2 w3\nquorum q", reason: "2 van 3"))
            ])
            let size = try await store.size()
            try await Self.settle(collector) { collector.witnessed != nil }
            let first = try #require(collector.witnessed)
            let policy = try #require(await ledger.registry.witnessPolicy)
            #expect(policy.accepts(try SignedNote(parsing: first)))
            #expect(try Checkpoint(text: SignedNote(parsing: first).text).size == size)
            #expect(policy.cosigners(of: try SignedNote(parsing: first)) == ["w1", "w2"])
            #expect(collector.statuses["w3"]?.lastError != nil && collector.statuses["w3"]?.retryAt != nil)
            #expect(try String(contentsOf: folder.appendingPathComponent("witnessed"), encoding: .utf8) == first)

            // A receipt for the policy's commit: offline proofs against the witnessed checkpoint.
            let policyCommit = try #require(try await store.entries(from: size - 1, limit: 1).first).commit
            let proofs = try await ReceiptBuilder(store: store).receipt(for: policyCommit, witnessed: first, everyEntry: true)
            #expect(proofs.map(\.index) == [size - 1])
            for proof in proofs {
                #expect(try TlogProof(parsing: proof.text) == proof)
                #expect(try proof.verify(policy: policy).size == size)
                let doctored = TlogProof(extra: Data("other".utf8), index: proof.index, hashes: proof.hashes, checkpoint: proof.checkpoint)
                #expect(throws: TlogProof.Failure.self) { try doctored.verify(policy: policy) }
                let stricter = try WitnessPolicy(parsing: policy.text.replacingOccurrences(of: "group q 2 ", with: "group q all "))
                #expect(throws: TlogProof.Failure.self) { try proof.verify(policy: stricter) }
            }
            await #expect(throws: ReceiptBuilder.Refusal.self) {
                _ = try await ReceiptBuilder(store: store).receipt(for: policyCommit, witnessed: nil)
            }

            // All three required, one down: the witnessed checkpoint stays where it was.
            _ = try await append([
                try await core(
                    CoreEvent.coalitionStream, CoreEvent.witnessPolicySet,
                    CoreEvent.witnessPolicySetData(quorum: "group q all w1 w2 w3\nquorum q", reason: "alle drie"))
            ])
            try await collector.round()
            #expect(collector.witnessed == first)

            // Retiring w3 (with a policy without it) lets the next checkpoint qualify again.
            _ = try await append([
                try await core(
                    CoreEvent.coalitionStream, CoreEvent.witnessPolicySet,
                    CoreEvent.witnessPolicySetData(quorum: "group q all w1 w2\nquorum q", reason: "w3 weg")),
                try await core(
                    founderStream, CoreEvent.witnessRetired,
                    CoreEvent.witnessRetiredData(organisation: signer.founder, witness: "w3", reason: "opgeheven")),
            ])
            let latest = try await store.size()
            try await Self.settle(collector) {
                try collector.witnessed.map { try Checkpoint(text: SignedNote(parsing: $0).text).size } == latest
            }
            #expect(try Checkpoint(text: SignedNote(parsing: try #require(collector.witnessed)).text).size == latest)

            // A collector that knows nothing (a restarted server) learns the witnesses' sizes from
            // their 409s and sends the proofs from there; it serves what it kept meanwhile.
            _ = try await append([TestCoalition.event("s/1", expected: 0)])
            let restarted = CosignatureCollector(
                store: store, registry: { await ledger.registry }, timeout: .seconds(10), keptAt: folder.appendingPathComponent("witnessed").path,
                logger: Self.logger)
            #expect(restarted.witnessed == collector.witnessed)
            try await Self.settle(restarted) {
                restarted.statuses["w1"]?.cosignedSize == latest + 1 && restarted.statuses["w2"]?.cosignedSize == latest + 1
            }
            #expect(restarted.statuses["w1"]?.cosignedSize == latest + 1 && restarted.statuses["w2"]?.cosignedSize == latest + 1)
            #expect(try Checkpoint(text: SignedNote(parsing: try #require(restarted.witnessed)).text).size == latest + 1)
        }
    }
}

/// A validating witness cosigns only what its own replica holds.
struct ValidatingWitnessTests {
    @Test func itCosignsOnlyTheTreeItsReplicaVerified() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-validating-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var coalition = try TestCoalition()
        let store = try SQLiteLedgerStore(path: folder.appendingPathComponent("replica.sqlite").path)
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        let size = try await store.size()
        let root = try await ProofBuilder(store: store).root(size: size)
        let witness = Witness(
            key: try CosignerKey.generate(name: "brug.example/witness"), logs: [("ledger.test/heuvelstad", coalition.checkpointKey.verifier)],
            state: try WitnessState(path: folder.appendingPathComponent("witness.db").path), validate: Witness.replicaValidation(store))
        func body(_ size: UInt64, _ root: TreeHash) -> [UInt8] {
            Array("old 0\n\n".utf8)
                + Array(Checkpoint(origin: "ledger.test/heuvelstad", size: size, root: root).signed(by: coalition.checkpointKey).serialized.utf8)
        }
        let ahead = await witness.addCheckpoint(body(size + 5, root))
        #expect(ahead.status == 503 && ahead.body.contains("once it pulled and verified"), "\(ahead.body)")
        let other = await witness.addCheckpoint(body(size, TreeHash.leaf([1])))
        #expect(other.status == 422, "\(other.body)")
        let held = await witness.addCheckpoint(body(size, root))
        #expect(held.status == 200, "\(held.body)")
    }
}
