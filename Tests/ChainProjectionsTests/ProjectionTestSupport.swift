import ChainDomain
import ChainProjections
import ChainSamples
import Foundation
import GRDB
import LedgerCore
import LedgerSQLite

/// The log as it was with its first `size` entries: what a from-scratch replay up to a position sees.
struct PrefixStore: LedgerStore {
    let base: any LedgerStore
    let limit: UInt64

    func append<Outcome: Sendable>(_ query: AppendQuery, plan: @Sendable (AppendSnapshot) throws -> (AppendPlan, Outcome)) async throws -> Outcome {
        fatalError("a prefix of the log is read-only")
    }
    func size() async throws -> UInt64 { min(limit, try await base.size()) }
    func entries(from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await base.entries(from: position, limit: limit).filter { $0.position < self.limit }
    }
    func entries(stream: String, fromVersion version: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await base.entries(stream: stream, fromVersion: version, limit: limit).filter { $0.position < self.limit }
    }
    func entries(streamPrefixes prefixes: [String], from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await base.entries(streamPrefixes: prefixes, from: position, limit: limit).filter { $0.position < self.limit }
    }
    func version(of stream: String) async throws -> UInt64 {
        try await entries(stream: stream, fromVersion: 1, limit: Int.max).last?.version ?? 0
    }
    func commit(_ id: CommitID) async throws -> StoredCommit? { try await base.commit(id).flatMap { $0.first < limit ? $0 : nil } }
    func commits(from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await base.commits(from: position, limit: limit).filter { $0.first < self.limit }
    }
    func hashes(of nodes: [TreeNode]) async throws -> [TreeNode: TreeHash] { try await base.hashes(of: nodes) }
    func storedNodes(fromKey key: Int64, limit: Int) async throws -> [(node: TreeNode, hash: TreeHash)] { [] }
    func latestCheckpoint() async throws -> StoredCheckpoint? { nil }
    func checkpoint(size: UInt64) async throws -> StoredCheckpoint? { nil }
    func checkpoints(fromSize size: UInt64, limit: Int) async throws -> [StoredCheckpoint] { [] }
}

enum Ledgers {
    /// A sample coalition in an in-memory ledger.
    static func sample(_ name: String, syntheticEvents: Int = 5_000) async throws -> SQLiteLedgerStore {
        let store = try SQLiteLedgerStore.inMemory()
        let key = try SigningKey.generate(name: "ledger.test/\(name)")
        _ = try await Samples.write(name, into: store, checkpointKey: key, syntheticEvents: syntheticEvents)
        return store
    }

    static func projector(_ store: any LedgerStore) throws -> Projector {
        try Projector(database: DatabaseQueue(), store: store)
    }
}
