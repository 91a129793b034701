import ChainProjections
import ChainServer
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerReplica
import LedgerSQLite
import LedgerWitness
import Logging
import NIOConcurrencyHelpers
import Testing

/// A server with three witnesses, two of them validating partners' replicas: the witnessed
/// checkpoint waits until the replicas pulled and verified the tree, and never holds up an append.
struct ValidatingWitnessTests {
    @Test func theWitnessedCheckpointWaitsForTheValidatingReplicas() async throws {
        let fixture = try await ReplicaFixture.make()
        let (service, token) = try await fixture.server()
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let logger = quiet
        try await ReplicaFixture.serving(service) { port in
            let replicas = [
                try await fixture.replica("brug.ledger", port: port, token: token),
                try await fixture.replica("hoeksteen.ledger", port: port, token: token),
            ]
            for replica in replicas { _ = try await replica.pull() }
            let registry = await service.ledger.registry
            let keys = ["brug", "hoeksteen", "uwv"].map { try! CosignerKey.generate(name: "\($0).example/witness") }
            let ports = NIOLockedValueBox<[Int: Int]>([:])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, key) in keys.enumerated() {
                    let validate = index < 2 ? Witness.replicaValidation(try SQLiteLedgerStore(path: replicas[index].path)) : nil
                    let witness = Witness(
                        key: key, logs: [(registry.origin, fixture.checkpointKey.verifier)],
                        state: try WitnessState(path: fixture.path("witness-\(index).db")), validate: validate)
                    let app = buildWitnessApplication(witness: witness, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger) {
                        port in ports.withLockedValue { $0[index] = port }
                    }
                    group.addTask { try await app.runService(gracefulShutdownSignals: []) }
                }
                while ports.withLockedValue({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(20)) }

                // The coordinator registers the three and requires both validating ones.
                let coordinator = "gemeente-heuvelstad"
                let stream = CoreEvent.organisationStream(coordinator)
                var lines: [EventLine] = []
                for (index, name) in ["brug", "hoeksteen", "uwv"].enumerated() {
                    lines.append(
                        try EventLine(
                            stream: stream, expectedVersion: try await service.store.version(of: stream) + UInt64(index),
                            type: CoreEvent.witnessRegistered,
                            data: CoreEvent.witnessRegisteredData(
                                organisation: coordinator, witness: name, key: keys[index].verifier,
                                url: "http://127.0.0.1:\(ports.withLockedValue { $0[index]! })",
                                statement: index < 2 ? CoreEvent.validatingWitnessStatement : nil)))
                }
                lines.append(
                    try EventLine(
                        stream: CoreEvent.coalitionStream, expectedVersion: try await service.store.version(of: CoreEvent.coalitionStream),
                        type: CoreEvent.witnessPolicySet,
                        data: CoreEvent.witnessPolicySetData(
                            quorum: "group validating all brug hoeksteen\nquorum validating", reason: "beide replica's")))
                let ledgerID = try await service.ledger.ledgerID()
                _ = try await service.append(
                    SignedCommit.sign(ledger: ledgerID, organisation: coordinator, key: fixture.keys[coordinator]!, events: lines))

                // The replicas have not pulled the policy's commit yet: no witnessed checkpoint.
                let collector = CosignatureCollector(
                    store: service.store, registry: { await service.ledger.registry }, timeout: .seconds(2), logger: logger)
                try await collector.round()
                #expect(collector.witnessed == nil)
                #expect(collector.statuses["brug"]?.lastError?.contains("503") == true, "\(collector.statuses)")
                #expect(collector.statuses["uwv"]?.cosignedSize == (try await service.store.size()))
                // Appends go on meanwhile.
                _ = try await service.append(try await fixture.measurement(service, period: "2024-03", value: 80))

                // Once the replicas pulled and verified the tree, both cosign.
                for replica in replicas { _ = try await replica.pull() }
                let size = try await service.store.size()
                let later = CosignatureCollector(
                    store: service.store, registry: { await service.ledger.registry }, timeout: .seconds(2), logger: logger)
                try await later.round()
                let witnessed = try #require(later.witnessed)
                let note = try SignedNote(parsing: witnessed)
                #expect(try Checkpoint(text: note.text).size == size)
                let policy = try #require(await service.ledger.registry.witnessPolicy)
                #expect(policy.accepts(note) && policy.cosigners(of: note).isSuperset(of: ["brug", "hoeksteen"]))

                // The coordinator's overview and /metrics show each witness's last cosigned size.
                let tokens = AccessTokens(store: try SQLiteAccessTokenStore.inMemory())
                let watching = LedgerService(
                    ledger: service.ledger, projector: try Projector(database: DatabaseQueue(), store: service.store), tokens: tokens,
                    collector: later, logger: logger)
                let auditor = try await tokens.issue(organisation: coordinator, person: "coördinator", role: .auditor, validFor: 1)
                let app = buildApplication(service: watching, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger)
                try await app.test(.router) { client in
                    let headers: HTTPFields = [.authorization: "Bearer \(auditor)"]
                    let overview = String(buffer: try await client.execute(uri: "/", method: .get, headers: headers).body)
                    for name in ["brug", "hoeksteen"] {
                        #expect(
                            overview.contains("<tr><td>\(name) (controlerend)</td><td>\(coordinator)</td><td class=\"number\">\(size)</td>"),
                            "\(overview)")
                    }
                    #expect(overview.contains("<tr><td>uwv</td><td>\(coordinator)</td><td class=\"number\">\(size)</td>"))
                    let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get, headers: headers).body)
                    for name in ["brug", "hoeksteen", "uwv"] {
                        let line = metrics.split(separator: "\n").first { $0.hasPrefix("chainledger_witness_cosigned_size{witness=\"\(name)\"}") }
                        #expect(line.flatMap { Double($0.split(separator: " ").last ?? "") } == Double(size), "\(metrics)")
                        #expect(metrics.contains("chainledger_witness_cosigned_at_seconds{witness=\"\(name)\"}"))
                    }
                }
                group.cancelAll()
            }
        }
    }
}
