import ChainDomain
import ChainProjections
import ChainSamples
import ChainServer
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LedgerClient
import LedgerCore
import LedgerReplica
import LedgerSQLite
import Logging

/// A coalition's server over a ledger file of the housing-first sample, and partners' replicas of
/// it, in a folder of their own, on loopback.
struct ReplicaFixture {
    let folder: URL
    let checkpointKey: SigningKey
    let keys: [String: SigningKey]

    /// Writes the sample into `server.ledger`.
    static func make() async throws -> ReplicaFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-replica-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let checkpointKey = try SigningKey.generate(name: "ledger.test/replica")
        let keys = try await Samples.write(
            "housing-first", into: try SQLiteLedgerStore(path: folder.appendingPathComponent("server.ledger").path), checkpointKey: checkpointKey)
        return ReplicaFixture(folder: folder, checkpointKey: checkpointKey, keys: keys)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The server over the ledger file `name`, with a member's token.
    func server(_ name: String = "server.ledger") async throws -> (service: LedgerService, token: String) {
        let store = try SQLiteLedgerStore(path: path(name))
        let ledger = try await Ledger(store: store, domain: ChainRules(), checkpointKey: checkpointKey)
        let projector = try Projector(database: DatabaseQueue(), store: store)
        let tokens = AccessTokens(store: try SQLiteAccessTokenStore.inMemory())
        let service = LedgerService(ledger: ledger, projector: projector, tokens: tokens)
        let token = try await tokens.issue(organisation: "woonstichting-hoeksteen", person: "it", role: .member, validFor: 30)
        return (service, token)
    }

    /// Runs `body` with the server for `service` listening on a free loopback port.
    static func serving<T: Sendable>(_ service: LedgerService, _ body: @Sendable @escaping (Int) async throws -> T) async throws -> T {
        let app = buildApplication(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: Logger(label: "test"))
        return try await app.test(.live) { client in try await body(client.port!) }
    }

    static func api(_ port: Int, token: String) -> LedgerAPI {
        LedgerAPI(base: "http://127.0.0.1:\(port)", token: token)
    }

    /// A replica at `name`, given the ledger's verifier key.
    func replica(_ name: String, port: Int, token: String, batchEvents: Int = 20_000) async throws -> Replica<ChainRules> {
        try await Replica(
            path: path(name), api: Self.api(port, token: token), domain: ChainRules(), verifierKey: checkpointKey.verifier,
            batchEvents: batchEvents)
    }

    /// A measurement by the shelter for `period`, signed, for the ledger of `service`.
    func measurement(_ service: LedgerService, period: String, value: Double, expected: UInt64 = 0) async throws -> SignedCommit {
        let measurement = ChainEvent.measurementRecorded(
            Measurement(
                kpi: "intake-14d", period: Period(period)!, organisation: "stichting-opvang-heuvelstad", value: value, status: .normal,
                source: "test"))
        var factory = EventFactory(versions: [measurement.stream: expected])
        return SignedCommit.sign(
            ledger: try await service.ledger.ledgerID(), organisation: "stichting-opvang-heuvelstad",
            key: keys["stichting-opvang-heuvelstad"]!, events: try factory.lines([measurement]))
    }

    /// Copies the ledger file `from` (with its write-ahead log folded in) to `to`.
    func copy(_ from: String, to: String) throws {
        let queue = try DatabaseQueue(path: path(from))
        try queue.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        try FileManager.default.copyItem(atPath: path(from), toPath: path(to))
    }

    /// What a ledger file holds, to compare two byte for byte through their rows.
    func rows(_ name: String) async throws -> [String] {
        let store = try SQLiteLedgerStore(path: path(name))
        var rows: [String] = []
        for entry in try await store.entries(from: 0, limit: 1_000_000) {
            rows.append("e \(entry.position) \(Data(entry.bytes).base64EncodedString())")
        }
        for commit in try await store.commits(from: 0, limit: 1_000_000) { rows.append("c \(commit.id) \(commit.first) \(commit.recordedAt)") }
        for checkpoint in try await store.checkpoints(fromSize: 0, limit: 1_000_000) { rows.append("k \(checkpoint.note)") }
        for node in try await store.storedNodes(fromKey: 0, limit: 1_000_000) { rows.append("n \(node.node.storageKey) \(node.hash)") }
        return rows
    }
}
