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
    /// The clock commits are recorded by.
    public nonisolated let clock: LedgerClock
    /// What new appends may carry.
    public nonisolated let limits: AdmissionLimits
    private let checkpointKey: SigningKey?
    var state: LedgerState<Domain.State>

    /// Opens the ledger in `store`. Without a `checkpointKey` the ledger can be read, proved and
    /// verified, but not written to. `clock` gives the times commits are recorded at (the system
    /// clock unless a test or a sample builder drives its own). `limits` bound what new appends
    /// may carry; they never apply to what the log already holds.
    public init(
        store: any LedgerStore, domain: Domain, checkpointKey: SigningKey? = nil, clock: LedgerClock = .system,
        limits: AdmissionLimits = AdmissionLimits()
    ) async throws {
        self.store = store
        self.domain = domain
        self.clock = clock
        self.limits = limits
        self.checkpointKey = checkpointKey
        let state = try await Self.folding(LedgerState(domain: domain.initialState()), store: store, domain: domain)
        if let checkpointKey, let expected = state.registry.checkpointKey, expected != checkpointKey.verifier {
            throw LedgerError.wrongCheckpointKey(expected: expected.description)
        }
        self.state = state
    }

    /// `state` with the entries of the state streams that the store holds beyond it folded in,
    /// page by page, up to the store's size.
    static func folding(
        _ state: LedgerState<Domain.State>, store: any LedgerStore, domain: Domain
    ) async throws -> LedgerState<Domain.State> {
        let size = try await store.size()
        guard size > state.size || state.size == 0 else { return state }
        var next = state
        let prefixes = CoreEvent.streamPrefixes + domain.stateStreamPrefixes
        var position = state.size
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
        return next
    }

    /// The coalition as this ledger last saw it.
    public var registry: CoalitionRegistry { state.registry }

    /// The domain state as this ledger last saw it.
    public var domainState: Domain.State { state.domain }

    /// Appends one signed commit, all or nothing, and returns when it is durable.
    ///
    /// Commits appended concurrently are grouped. Each is parsed and prepared (signature checked,
    /// entries rendered and hashed for the position it is expected to take, the domain's
    /// stateless checks done) in its caller's task, while the commits ahead of it are being
    /// written; then it joins the queue. The caller whose commit is first in the queue while no
    /// write runs writes the queue's prepared commits in one store transaction, sharing its fsync
    /// (group commit), hands the writing on to the next waiting caller and returns. Every write
    /// thus runs in the task of a caller that waits for it, and each commit is still accepted or
    /// refused on its own, inside the transaction. A caller cancelled before its commit's
    /// transaction begins leaves with `CancellationError`, and nothing of its commit is written;
    /// a transaction once begun is finished.
    public nonisolated func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        guard checkpointKey != nil else { throw LedgerError.missingCheckpointKey }
        let bytes = commit.bytes
        let large = bytes.count >= Self.offPoolBytes
        let document =
            large
            ? try await Parallel.offPool { () throws(LedgerError) in try CommitDocument(parsing: bytes) }
            : try CommitDocument(parsing: bytes)
        let ticket = await reserve(document)
        let signature = commit.signature
        let domain = domain
        let prepare = { @Sendable in
            PreparedAppend(
                document, signature: signature, position: ticket.position, recordedAt: ticket.received,
                registry: ticket.registry, domain: domain)
        }
        // Large commits are prepared on Dispatch workers below the writing callers' priority, so
        // that when a write ends the next one starts without waiting for a thread.
        let prepared = large ? await Parallel.offPool(prepare) : prepare()
        var submission = CommitSubmission(document: document, signature: signature, received: ticket.received)
        submission.prepared = prepared
        return try await deliver(submission, ticket: ticket.id)
    }

    /// Where a commit is expected to land, and what it was prepared against.
    private struct Ticket: Sendable {
        let id: Int
        let position: UInt64
        let received: Timestamp
        let registry: CoalitionRegistry
    }

    /// A commit in the queue: its submission once prepared, and its caller while it waits.
    private struct Queued {
        let ticket: Int
        let events: Int
        var submission: CommitSubmission?
        var waiter: CheckedContinuation<Turn, Never>?
    }

    /// What wakes a waiting caller: its commit's outcome, or its turn to write the queue.
    private enum Turn: Sendable {
        case done(Result<AppendReceipt, any Error>)
        case write
    }

    private var queue: [Queued] = []
    private var writing = false
    private var nextTicket = 0
    /// Where the next commit to arrive is expected to start, if every commit ahead is accepted.
    private var expectedSize: UInt64 = 0

    /// Commits from this size on are parsed and prepared on Dispatch workers; smaller ones, where
    /// the hop would cost more than the work, in their caller's task.
    private static var offPoolBytes: Int { 1 << 16 }

    /// The most events one group commit writes.
    private static var groupLimit: Int { 20_000 }

    /// Takes a place in the queue for a parsed commit and says where it is expected to land.
    private func reserve(_ document: CommitDocument) -> Ticket {
        let position = max(expectedSize, state.size)
        expectedSize = position + UInt64(document.events.count)
        defer { nextTicket += 1 }
        queue.append(Queued(ticket: nextTicket, events: document.events.count))
        return Ticket(id: nextTicket, position: position, received: clock.now(), registry: state.registry)
    }

    /// Hands a prepared commit to the queue and waits for its outcome, writing the queue itself
    /// when its turn comes.
    private func deliver(_ submission: CommitSubmission, ticket: Int) async throws -> AppendReceipt {
        guard let index = queue.firstIndex(where: { $0.ticket == ticket }) else {
            preconditionFailure("a reserved commit stays in the queue until it is delivered")
        }
        queue[index].submission = submission
        if !Task.isCancelled, writing || index != 0 {
            if case .done(let result) = await withCheckedContinuation({ queue[index].waiter = $0 }) {
                return try result.get()
            }
            writing = false // the turn handed to this caller
        }
        guard !Task.isCancelled else {
            withdraw(ticket)
            throw CancellationError()
        }
        writing = true
        await writeGroup()
        writing = false
        handOn()
        guard let outcome = outcomes.removeValue(forKey: ticket) else {
            preconditionFailure("the writing caller's commit heads the group it writes")
        }
        return try outcome.get()
    }

    /// Takes a cancelled caller's commit out of the queue before it is written.
    private func withdraw(_ ticket: Int) {
        queue.removeAll { $0.ticket == ticket }
        guard !writing else { return }
        recomputeExpectedSize()
        handOn()
    }

    /// The outcome of the writing caller's own commit, until it collects it.
    private var outcomes: [Int: Result<AppendReceipt, any Error>] = [:]

    /// Writes the prepared commits at the head of the queue in one transaction and wakes their
    /// callers with their outcomes (the writing caller collects its own afterwards).
    private func writeGroup() async {
        var group: [Queued] = []
        var events = 0
        while let next = queue.first, next.submission != nil, group.isEmpty || events + next.events <= Self.groupLimit {
            group.append(queue.removeFirst())
            events += next.events
        }
        guard !group.isEmpty else { return }
        let results: [Result<AppendReceipt, any Error>]
        do {
            results = try await append(submissions: group.map { $0.submission! }).map { $0.mapError { $0 } }
        } catch {
            results = group.map { _ in .failure(error) }
        }
        for (member, result) in zip(group, results) {
            if let waiter = member.waiter {
                waiter.resume(returning: .done(result))
            } else {
                outcomes[member.ticket] = result
            }
        }
        recomputeExpectedSize()
    }

    /// When no write runs: the caller of the commit at the head of the queue writes next, now if
    /// its commit is prepared and it waits, otherwise as soon as it delivers its commit.
    private func handOn() {
        guard !writing, let head = queue.first, head.submission != nil, let waiter = head.waiter else { return }
        queue[0].waiter = nil
        writing = true
        waiter.resume(returning: .write)
    }

    private func recomputeExpectedSize() {
        expectedSize = state.size + queue.reduce(0) { $0 + UInt64($1.events) }
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
                submissions.append(.init(document: try CommitDocument(parsing: commit.bytes), signature: commit.signature, received: clock.now()))
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
        let planner = AppendPlanner(domain: domain, checkpointKey: checkpointKey, limits: limits)
        let query = AppendQuery(
            commitIDs: submissions.map(\.document.id), streams: streams, assumedNew: assumedNew.subtracting(streams),
            tailStart: state.size, tailPrefixes: CoreEvent.streamPrefixes + domain.stateStreamPrefixes,
            knownFrontier: state.frontier)
        let known = state
        let store = store
        // A transaction, once begun, is finished whatever happens to the task that writes it: it
        // carries other callers' commits too, and an interrupted one would fail them all.
        let outcome = try await Task.detached(priority: Task.currentPriority) {
            try await store.append(query) { snapshot in
                try planner.plan(submissions, snapshot: snapshot, state: known)
            }
        }.value
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
        let next = try await Self.folding(state, store: store, domain: domain)
        if next.size > state.size { state = next }
    }
}
