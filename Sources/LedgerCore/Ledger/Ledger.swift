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

    /// Appends one signed commit, all or nothing, and returns when it is durable.
    ///
    /// Commits appended concurrently are grouped: each is parsed as soon as it arrives (while the
    /// previous group is being written), and all that arrived during a write are written together
    /// in the next store transaction, sharing its fsync (group commit). Each commit is still
    /// accepted or refused on its own.
    public func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        guard checkpointKey != nil else { throw LedgerError.missingCheckpointKey }
        let submission = CommitSubmission(document: try CommitDocument(parsing: commit.bytes), signature: commit.signature)
        return try await withCheckedThrowingContinuation { continuation in
            waiting.append((submission, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    /// Commits waiting for the next group, with whoever waits for each.
    private var waiting: [(CommitSubmission, CheckedContinuation<AppendReceipt, any Error>)] = []
    private var flushing = false

    /// The most events one group commit writes.
    private static var groupLimit: Int { 20_000 }

    /// Writes waiting commits group by group until none are left.
    private func flush() async {
        while !waiting.isEmpty {
            var group: [(CommitSubmission, CheckedContinuation<AppendReceipt, any Error>)] = []
            var events = 0
            while let next = waiting.first, group.isEmpty || events + next.0.document.events.count <= Self.groupLimit {
                group.append(waiting.removeFirst())
                events += next.0.document.events.count
            }
            do {
                let results = try await append(submissions: group.map(\.0))
                for ((_, continuation), result) in zip(group, results) { continuation.resume(with: result.mapError { $0 }) }
            } catch {
                for (_, continuation) in group { continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }

    /// Appends several commits in one store transaction (group commit). Each commit is accepted or
    /// refused on its own; the accepted ones become durable together, under one checkpoint.
    public func append(_ commits: [SignedCommit]) async throws -> [Result<AppendReceipt, LedgerError>] {
        guard checkpointKey != nil else { throw LedgerError.missingCheckpointKey }
        var results = [Result<AppendReceipt, LedgerError>?](repeating: nil, count: commits.count)
        var submissions: [CommitSubmission] = []
        var slots: [Int] = []
        for (slot, commit) in commits.enumerated() {
            do throws(LedgerError) {
                submissions.append(.init(document: try CommitDocument(parsing: commit.bytes), signature: commit.signature))
                slots.append(slot)
            } catch {
                results[slot] = .failure(error)
            }
        }
        if !submissions.isEmpty {
            for (slot, result) in zip(slots, try await append(submissions: submissions)) { results[slot] = result }
        }
        return results.map { $0! }
    }

    /// One store transaction for parsed commits.
    private func append(submissions: [CommitSubmission]) async throws -> [Result<AppendReceipt, LedgerError>] {
        guard let checkpointKey else { throw LedgerError.missingCheckpointKey }
        var streams = Set<String>()
        var assumedNew = Set<String>()
        for submission in submissions {
            for event in submission.document.events {
                if event.expectedVersion == 0 { assumedNew.insert(event.stream) } else { streams.insert(event.stream) }
            }
            streams.formUnion(domain.streamsToRead(for: submission.document))
        }
        let planner = AppendPlanner(domain: domain, checkpointKey: checkpointKey, clock: .now())
        let query = AppendQuery(
            commitIDs: submissions.map(\.document.id), streams: streams, assumedNew: assumedNew.subtracting(streams),
            tailStart: state.size, tailPrefixes: CoreEvent.streamPrefixes + domain.stateStreamPrefixes)
        let known = state
        let outcome = try await store.append(query) { snapshot in
            try planner.plan(submissions, snapshot: snapshot, state: known)
        }
        if outcome.state.size > state.size { state = outcome.state }
        return outcome.results
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
