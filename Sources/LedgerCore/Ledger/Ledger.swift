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
    /// Commits appended concurrently are grouped: each is parsed as soon as it arrives (off the
    /// ledger's actor) and prepared (signature checked, entries rendered and hashed for the
    /// position it is expected to take, the domain's stateless checks done) while the commits
    /// ahead of it are being written; all that arrived during a write are written together in the
    /// next store transaction, sharing its fsync (group commit). Each commit is still accepted or
    /// refused on its own, inside the transaction.
    public nonisolated func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        guard checkpointKey != nil else { throw LedgerError.missingCheckpointKey }
        let bytes = commit.bytes
        let document = bytes.count < Self.offPoolBytes
            ? try CommitDocument(parsing: bytes)
            : try await Parallel.offPool { () throws(LedgerError) in try CommitDocument(parsing: bytes) }
        return try await withCheckedThrowingContinuation { continuation in
            Task { await self.enqueue(document, signature: commit.signature, continuation: continuation) }
        }
    }

    /// Queues a parsed commit for the next group and starts preparing it.
    private func enqueue(_ document: CommitDocument, signature: [UInt8], continuation: CheckedContinuation<AppendReceipt, any Error>) {
        let received = Timestamp.now()
        let position = max(expectedSize, state.size)
        expectedSize = position + UInt64(document.events.count)
        let registry = state.registry
        let domain = domain
        // Preparing runs on Dispatch workers below the writing group's priority, so that when a
        // write ends, the next one starts without waiting for a thread.
        let preparation = Task.detached(priority: .utility) {
            let prepare = { @Sendable in
                PreparedAppend(document, signature: signature, position: position, recordedAt: received, registry: registry, domain: domain)
            }
            return document.bytes.count < Self.offPoolBytes ? prepare() : await Parallel.offPool(prepare)
        }
        let submission = CommitSubmission(document: document, signature: signature, received: received)
        waiting.append(Waiting(submission: submission, preparation: preparation, continuation: continuation))
        if !flushing {
            flushing = true
            Task(priority: .high) { await self.flush() }
        }
    }

    /// A commit waiting for the next group, with its preparation and whoever waits for it.
    private struct Waiting {
        let submission: CommitSubmission
        let preparation: Task<PreparedAppend, Never>
        let continuation: CheckedContinuation<AppendReceipt, any Error>
    }

    private var waiting: [Waiting] = []
    private var flushing = false
    /// Where the next commit to arrive is expected to start, if every commit ahead is accepted.
    private var expectedSize: UInt64 = 0

    /// Commits from this size on are parsed and prepared on Dispatch workers; smaller ones, where
    /// the hop would cost more than the work, where they are.
    private static var offPoolBytes: Int { 1 << 16 }

    /// The most events one group commit writes.
    private static var groupLimit: Int { 20_000 }

    /// Writes waiting commits group by group until none are left.
    private func flush() async {
        while !waiting.isEmpty {
            var group: [Waiting] = []
            var events = 0
            while let next = waiting.first, group.isEmpty || events + next.submission.document.events.count <= Self.groupLimit {
                group.append(waiting.removeFirst())
                events += next.submission.document.events.count
            }
            var submissions: [CommitSubmission] = []
            for member in group {
                var submission = member.submission
                submission.prepared = await member.preparation.value
                submissions.append(submission)
            }
            do {
                let results = try await append(submissions: submissions)
                for (member, result) in zip(group, results) { member.continuation.resume(with: result.mapError { $0 }) }
            } catch {
                for member in group { member.continuation.resume(throwing: error) }
            }
            expectedSize = state.size + waiting.reduce(0) { $0 + UInt64($1.submission.document.events.count) }
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
                submissions.append(.init(document: try CommitDocument(parsing: commit.bytes), signature: commit.signature, received: .now()))
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
        let planner = AppendPlanner(domain: domain, checkpointKey: checkpointKey)
        let query = AppendQuery(
            commitIDs: submissions.map(\.document.id), streams: streams, assumedNew: assumedNew.subtracting(streams),
            tailStart: state.size, tailPrefixes: CoreEvent.streamPrefixes + domain.stateStreamPrefixes,
            knownFrontier: state.frontier)
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
        next.frontier = nil
        if next.size > state.size { state = next }
    }
}
