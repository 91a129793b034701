import Foundation
public import LedgerCore

/// Creates stores for the conformance suite. `makeStore` gives a store on new, empty storage;
/// `connect` opens a second, independent connection to the same storage (as a second process
/// would).
public protocol StoreHarness: Sendable {
    func makeStore() async throws -> any LedgerStore
    func connect(to store: any LedgerStore) async throws -> any LedgerStore
}

/// A broken promise of the store protocol.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
}

/// The storage conformance suite: the behaviour every backend of `LedgerStore` must show,
/// written against the protocol only. Each backend's tests run every case unchanged:
///
///     @Test(arguments: StoreConformance.cases)
///     func conformance(_ check: StoreConformance.Case) async throws { try await check.run(MyHarness()) }
public enum StoreConformance {
    public struct Case: Sendable, CustomStringConvertible {
        public let description: String
        let body: @Sendable (any StoreHarness) async throws -> Void

        public func run(_ harness: any StoreHarness) async throws { try await body(harness) }
    }

    public static let cases: [Case] = [
        Case(description: "append assigns gapless positions and per-stream versions", body: appendAndRead),
        Case(description: "reads by position, stream, prefix and commit", body: reads),
        Case(description: "a re-sent commit returns its positions and writes nothing", body: idempotency),
        Case(description: "a stale expected version is refused and changes nothing", body: conflict),
        Case(description: "a commit is all or nothing", body: atomicity),
        Case(description: "a plan that throws leaves the store unchanged", body: failedPlan),
        Case(description: "two writers racing on one stream: exactly one wins", body: race),
        Case(description: "concurrent writers on separate connections keep the log gapless", body: concurrentWriters),
        Case(description: "a writer behind the log appends at its end, not where it expected", body: writerBehind),
        Case(description: "a group commit stores accepted commits and skips refused ones", body: groupCommit),
        Case(description: "commits appended concurrently to one ledger share transactions", body: concurrentAppendsGroup),
        Case(description: "an append cancelled before it is written writes nothing", body: cancelledAppend),
        Case(description: "commits are recorded by the ledger's clock, never going backwards", body: drivenClock),
        Case(description: "inclusion and consistency proofs verify for every position", body: proofs),
        Case(description: "checkpoints are signed for every size written", body: checkpoints),
        Case(description: "each checkpoint records the one stored before it", body: checkpointChain),
        Case(description: "unknown, foreign and revoked keys and bad signatures are refused", body: keys),
        Case(description: "verify passes on a log written through the store", body: verifies),
    ]

    // MARK: - Helpers

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(description: message()) }
    }

    /// A snapshot of everything a store holds, to prove that a refused write changed nothing.
    struct Fingerprint: Equatable {
        let size: UInt64
        let entries: [StoredEntry]
        let commits: [StoredCommit]
        let checkpoints: [StoredCheckpoint]
        let nodes: [Int64]

        init(_ store: any LedgerStore) async throws {
            size = try await store.size()
            entries = try await store.entries(from: 0, limit: 100_000)
            commits = try await store.commits(from: 0, limit: 100_000)
            checkpoints = try await store.checkpoints(fromSize: 0, limit: 100_000)
            nodes = try await store.storedNodes(fromKey: 0, limit: 100_000).map(\.node.storageKey)
        }
    }

    static func founded(_ harness: any StoreHarness) async throws -> (any LedgerStore, Ledger<OpenDomain>, TestCoalition) {
        let store = try await harness.makeStore()
        var coalition = try TestCoalition()
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        return (store, ledger, coalition)
    }

    static func refusal(_ work: () async throws -> Void) async throws -> LedgerError {
        do {
            try await work()
        } catch let error as LedgerError {
            return error
        }
        throw ConformanceFailure(description: "the write was accepted but should have been refused")
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
