import Foundation

/// A ledger: the log in a store, the rules that guard it, and the proofs it serves.
///
/// Opening a ledger folds the ledger's own streams and the domain's state streams into memory.
/// Appends run inside one store transaction each (a batch of commits shares one), so several
/// processes may write to the same store: each catches up on the others' entries before it
/// decides.
public actor Ledger<Domain: LedgerDomain> {
    /// The store the log lives in.
    public nonisolated let store: any LedgerStore
    /// The rules of the domain.
    public nonisolated let domain: Domain
    private let checkpointKey: SigningKey?
    private var state: LedgerState<Domain.State>

    /// Opens the ledger in `store`. Without a `checkpointKey` the ledger can be read, proved and
    /// verified, but not written to.
    public init(store: any LedgerStore, domain: Domain, checkpointKey: SigningKey? = nil) async throws {
        self.store = store
        self.domain = domain
        self.checkpointKey = checkpointKey
        var state = LedgerState(domain: domain.initialState())
        let size = try await store.size()
        let prefixes = CoreEvent.streamPrefixes + domain.stateStreamPrefixes
        var position: UInt64 = 0
        reading: while true {
            let page = try await store.entries(streamPrefixes: prefixes, from: position, limit: 4096)
            for entry in page {
                guard entry.position < size else { break reading }
                try state.fold(entry, domain: domain)
            }
            guard let last = page.last, page.count == 4096 else { break }
            position = last.position + 1
        }
        state.size = size
        if let checkpointKey, let expected = state.registry.checkpointKey, expected != checkpointKey.verifier {
            throw LedgerError.wrongCheckpointKey(expected: expected.description)
        }
        self.state = state
    }

    /// The coalition as this ledger last saw it.
    public var registry: CoalitionRegistry { state.registry }

    /// The domain state as this ledger last saw it.
    public var domainState: Domain.State { state.domain }

    /// Appends one signed commit, all or nothing.
    public func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        try await append([commit])[0].get()
    }

    /// Appends several commits in one store transaction (group commit). Each commit is accepted or
    /// refused on its own; the accepted ones become durable together, under one checkpoint.
    public func append(_ commits: [SignedCommit]) async throws -> [Result<AppendReceipt, LedgerError>] {
        guard let checkpointKey else { throw LedgerError.missingCheckpointKey }
        var results = [Result<AppendReceipt, LedgerError>?](repeating: nil, count: commits.count)
        var submissions: [CommitSubmission] = []
        var slots: [Int] = []
        var streams = Set<String>()
        var assumedNew = Set<String>()
        for (slot, commit) in commits.enumerated() {
            do throws(LedgerError) {
                let document = try CommitDocument(parsing: commit.bytes)
                submissions.append(.init(document: document, signature: commit.signature))
                slots.append(slot)
                for event in document.events {
                    if event.expectedVersion == 0 { assumedNew.insert(event.stream) } else { streams.insert(event.stream) }
                }
                streams.formUnion(domain.streamsToRead(for: document))
            } catch {
                results[slot] = .failure(error)
            }
        }
        if !submissions.isEmpty {
            let planner = AppendPlanner(domain: domain, checkpointKey: checkpointKey, clock: .now())
            let query = AppendQuery(
                commitIDs: submissions.map(\.document.id), streams: streams, assumedNew: assumedNew.subtracting(streams),
                tailStart: state.size, tailPrefixes: CoreEvent.streamPrefixes + domain.stateStreamPrefixes)
            let known = state
            let pending = submissions
            let outcome = try await store.append(query) { snapshot in
                try planner.plan(pending, snapshot: snapshot, state: known)
            }
            if outcome.state.size > state.size { state = outcome.state }
            for (slot, result) in zip(slots, outcome.results) { results[slot] = result }
        }
        return results.map { $0! }
    }

    /// The genesis commit's id, which every later commit names as its ledger (after refreshing).
    public func ledgerID() async throws -> CommitID? {
        try await refresh()
        return state.registry.genesis
    }

    /// Folds entries that other writers appended since this ledger last looked.
    public func refresh() async throws {
        let size = try await store.size()
        guard size > state.size else { return }
        var position = state.size
        let prefixes = CoreEvent.streamPrefixes + domain.stateStreamPrefixes
        var next = state
        reading: while position < size {
            let page = try await store.entries(streamPrefixes: prefixes, from: position, limit: 4096)
            for entry in page {
                guard entry.position < size else { break reading }
                try next.fold(entry, domain: domain)
            }
            guard let last = page.last, page.count == 4096 else { break }
            position = last.position + 1
        }
        next.size = size
        if next.size > state.size { state = next }
    }
}
