/// What a successful `verify` checked.
public struct VerificationReport: Sendable, Equatable {
    /// Entries checked (the log's size).
    public let size: UInt64
    /// The recomputed root of the whole log.
    public let root: TreeHash
    /// Commits whose bytes, id and signature were checked.
    public let commits: Int
    /// Signed checkpoints checked against the recomputed roots.
    public let checkpoints: Int
    /// Stored interior Merkle nodes checked against the recomputed ones.
    public let nodes: Int
    /// The key the ledger's checkpoints are signed with, as its genesis names it (`nil` for an
    /// empty ledger), and the checkpoints' origin.
    public let checkpointKey: VerifierKey?
    public let origin: String
}

/// Recomputes a whole ledger from its stored bytes and stops at the first position that is wrong.
///
/// Every commit is replayed through the same admission as when it was appended (its id from its
/// bytes, its key valid at that point of the log, its signature, its stream versions, the ledger's
/// and the domain's rules), every stored entry must be exactly the bytes that commit and position
/// give, every leaf and interior node hash is recomputed, and every signed checkpoint must match
/// the recomputed root at its size. Reading is paged: memory stays flat however long the log is,
/// apart from one version number per stream.
public struct LedgerVerifier<Domain: LedgerDomain>: Sendable {
    public let store: any LedgerStore
    public let domain: Domain

    public init(store: any LedgerStore, domain: Domain) {
        self.store = store
        self.domain = domain
    }

    /// Runs the verification; throws `LedgerError.corrupted` naming the first wrong position.
    /// `progress` is called with the number of entries checked so far, every few thousand.
    public func run(progress: (@Sendable (UInt64) -> Void)? = nil) async throws -> VerificationReport {
        if let problem = try await store.storageProblems().first {
            throw LedgerError.corrupted(position: nil, reason: "the storage engine's own check finds the stored log damaged: \(problem)")
        }
        if let row = try await store.rowsBeforeTheLog().first {
            throw LedgerError.corrupted(position: nil, reason: "\(row), before the log's first position: it was added outside the ledger")
        }
        var run = VerificationRun(store: store, domain: domain, size: try await store.size())
        while run.tree.size < run.size {
            let commit = try await run.nextCommit()
            let document = try run.checkStoredCommit(commit)
            let recorded = try run.admit(document, of: commit)
            for (index, event) in recorded.enumerated() {
                let leaf = try run.checkEntry(index, event, of: commit)
                try await run.grow(with: leaf)
                try await run.checkCheckpoints()
                let next = event.position + 1
                if next % 16384 == 0 { progress?(next) }
            }
        }
        try await run.checkNothingBeyondTheEnd()
        progress?(run.size)
        return run.report
    }
}

/// The state of one verification: the log replayed so far, and the cursors over what the store
/// holds beside it (commits, nodes, checkpoints), each read in pages.
private struct VerificationRun<Domain: LedgerDomain> {
    let store: any LedgerStore
    let size: UInt64
    let admission: CommitAdmission<Domain>
    var state: LedgerState<Domain.State>
    var versions: [String: StreamHead] = [:]
    var tree = CompactRange()
    var lastRecordedAt: Timestamp?
    var commitPages: PreparedCommits
    var nodePages: Pager<(node: TreeNode, hash: TreeHash)>
    var checkpointPages: Pager<StoredCheckpoint>
    var counts = (commits: 0, checkpoints: 0, nodes: 0)
    /// The size of the last checkpoint checked (0 before the first), and whether the checkpoints
    /// so far record the one before them (stores record it from a schema version on).
    var lastCheckpoint: (size: UInt64, chained: Bool) = (0, false)

    init(store: any LedgerStore, domain: Domain, size: UInt64) {
        self.store = store
        self.size = size
        admission = CommitAdmission(domain: domain)
        state = LedgerState(domain: domain.initialState())
        // Room for a stream per entry, up to a million, rather than rehashing every string each
        // time the table doubles.
        versions.reserveCapacity(Int(min(size, 1 << 20)))
        commitPages = PreparedCommits(store: store)
        nodePages = Pager { key in try await store.storedNodes(fromKey: Int64(key), limit: 8192) }
        checkpointPages = Pager { size in try await store.checkpoints(fromSize: size, limit: 1000) }
    }

    var report: VerificationReport {
        VerificationReport(
            size: size, root: tree.root, commits: counts.commits, checkpoints: counts.checkpoints, nodes: counts.nodes,
            checkpointKey: state.registry.checkpointKey, origin: state.registry.origin)
    }

    private func corrupted(_ position: UInt64?, _ reason: Phrase) -> LedgerError {
        .corrupted(position: position, reason: reason)
    }

    /// The commit that must start where the tree ends.
    mutating func nextCommit() async throws -> PreparedCommit {
        let position = tree.size
        guard let prepared = try await commitPages.next() else {
            throw corrupted(position, "no commit carries this entry: entries were added outside a commit")
        }
        let commit = prepared.commit
        guard commit.first == position else {
            throw commit.first < position
                ? corrupted(commit.first, "commit \(commit.id) claims positions \(commit.first)…\(commit.last), which an earlier commit holds")
                : corrupted(position, "no commit carries this entry (the next commit starts at \(commit.first))")
        }
        if let failure = prepared.failure { throw failure }
        return prepared
    }

    /// The commit's document, once its bytes, id, signer, positions and time agree with how it is
    /// filed.
    mutating func checkStoredCommit(_ prepared: PreparedCommit) throws -> CommitDocument {
        let commit = prepared.commit
        let position = commit.first
        let document: CommitDocument
        switch prepared.document {
        case .success(let parsed): document = parsed
        case .failure(let error): throw corrupted(position, "commit \(commit.id) is unreadable: \(error)")
        }
        guard document.id == commit.id else {
            throw corrupted(position, "the bytes of commit \(commit.id) hash to \(document.id): the commit was altered")
        }
        guard document.organisation == commit.organisation, document.keyID == commit.keyID else {
            throw corrupted(
                position,
                "commit \(commit.id) is filed under \(commit.organisation)/\(commit.keyID) but was signed as \(document.organisation)/\(document.keyID)"
            )
        }
        guard commit.last >= commit.first, commit.last - commit.first + 1 == UInt64(document.events.count) else {
            throw corrupted(position, "commit \(commit.id) holds \(document.events.count) events but claims positions \(commit.first)…\(commit.last)")
        }
        guard commit.last < size else {
            let end = size == 0 ? "holds no entries" : "ends at \(size - 1)"
            throw corrupted(size, "commit \(commit.id) claims positions up to \(commit.last), but the log \(end): entries were removed")
        }
        if let lastRecordedAt, commit.recordedAt < lastRecordedAt {
            throw corrupted(position, "commit \(commit.id) is recorded at \(commit.recordedAt), before the commit ahead of it (\(lastRecordedAt))")
        }
        lastRecordedAt = commit.recordedAt
        return document
    }

    /// Replays the commit through the same admission as when it was appended.
    mutating func admit(_ document: CommitDocument, of prepared: PreparedCommit) throws -> [RecordedEvent] {
        let commit = prepared.commit
        do {
            let recorded = try admission.admit(
                CommitSubmission(document: document, signature: commit.signature, received: commit.recordedAt),
                position: commit.first, recordedAt: commit.recordedAt, state: &state, versions: &versions)
            counts.commits += 1
            return recorded
        } catch {
            throw corrupted(commit.first, "commit \(commit.id) does not pass the ledger's checks: \(error)")
        }
    }

    /// Checks that the stored entry for the commit's event at `index` is exactly what the commit
    /// and its position give, and returns its leaf hash.
    func checkEntry(_ index: Int, _ event: RecordedEvent, of prepared: PreparedCommit) throws -> TreeHash {
        let commit = prepared.commit
        let entries = try prepared.entries.get()
        guard index < entries.count, entries[index].position == event.position else {
            throw corrupted(event.position, "the entry is missing: it was deleted")
        }
        let stored = entries[index]
        // The bytes were compared with those of version `expectedVersion + 1`, the version
        // admission gives the event.
        guard prepared.matches[index], event.version == event.event.version else {
            let expected = LogEntry(
                position: event.position, version: event.version, recordedAt: commit.recordedAt,
                commit: commit.id, index: index, event: event.event)
            throw corrupted(event.position, LedgerVerifier<Domain>.difference(stored, expected))
        }
        let leaf = prepared.leaves[index]
        guard stored.leafHash == leaf else {
            throw corrupted(event.position, "the stored leaf hash does not match the entry's bytes")
        }
        guard stored.stream == event.stream, stored.version == event.version, stored.type == event.type,
            stored.commit == commit.id, stored.recordedAt == commit.recordedAt
        else {
            throw corrupted(event.position, "the entry's index columns (stream, version, type, commit, time) disagree with its bytes")
        }
        return leaf
    }

    /// Adds a leaf to the tree and checks every stored interior node it completes.
    mutating func grow(with leaf: TreeHash) async throws {
        var expectedNodes: [(TreeNode, TreeHash)] = []
        tree.append(leaf) { node, hash in
            if NodeStorage.isStored(node) { expectedNodes.append((node, hash)) }
        }
        for (node, hash) in expectedNodes {
            guard let stored = try await nodePages.next(after: { UInt64($0.node.storageKey) + 1 }) else {
                throw corrupted(node.firstLeaf, "the stored Merkle \(node) is missing")
            }
            guard stored.node == node else {
                throw corrupted(node.firstLeaf, "the store holds Merkle \(stored.node) where \(node) belongs")
            }
            guard stored.hash == hash else {
                throw corrupted(node.firstLeaf, "the stored Merkle \(node) does not match the recomputed hash")
            }
            counts.nodes += 1
        }
    }

    /// Checks the signed checkpoints for every size up to the tree's.
    mutating func checkCheckpoints() async throws {
        while let checkpoint = try await checkpointPages.peek(after: { $0.size + 1 }), checkpoint.size <= tree.size {
            _ = try await checkpointPages.next(after: { $0.size + 1 })
            try LedgerVerifier<Domain>.check(checkpoint, tree: tree, registry: state.registry)
            try checkChain(checkpoint)
            counts.checkpoints += 1
        }
    }

    /// Checks that the checkpoint follows the one checked before it as it recorded when it was
    /// stored: a checkpoint removed from between them, or one added, shows here.
    mutating func checkChain(_ checkpoint: StoredCheckpoint) throws {
        let position = checkpoint.size == 0 ? 0 : checkpoint.size - 1
        defer { lastCheckpoint.size = checkpoint.size }
        guard let previous = checkpoint.previousSize else {
            guard !lastCheckpoint.chained else {
                throw corrupted(
                    position,
                    "the checkpoint for size \(checkpoint.size) does not record the checkpoint before it, as those before it do: it was not stored by the ledger"
                )
            }
            return
        }
        // The first checkpoint that records its predecessor may follow older ones that do not:
        // it records the last of them.
        guard previous == lastCheckpoint.size else {
            throw previous > lastCheckpoint.size
                ? corrupted(
                    position,
                    "the checkpoint for size \(checkpoint.size) follows one for size \(previous), which the store no longer holds: a checkpoint was removed"
                )
                : corrupted(
                    position,
                    "the checkpoint for size \(checkpoint.size) follows one for size \(previous), but the store holds one for size \(lastCheckpoint.size) between them: a checkpoint was added"
                )
        }
        lastCheckpoint.chained = true
    }

    /// Checks that the store holds nothing past the log's end, and that a signed checkpoint
    /// covers the whole log.
    mutating func checkNothingBeyondTheEnd() async throws {
        if let extra = try await store.entries(from: tree.size, limit: 1).first {
            throw corrupted(extra.position, "the entry lies beyond the log's end: entries were added outside a commit")
        }
        if let extra = try await commitPages.next()?.commit {
            throw corrupted(
                extra.first, "commit \(extra.id) claims positions \(extra.first)…\(extra.last), beyond the log's end: its entries were removed")
        }
        if let extra = try await nodePages.next(after: { UInt64($0.node.storageKey) + 1 }) {
            throw corrupted(extra.node.firstLeaf, "the store holds Merkle \(extra.node), which no entry produces")
        }
        if let extra = try await checkpointPages.next(after: { $0.size + 1 }) {
            throw corrupted(size, "a checkpoint signs \(extra.size) entries but the log holds \(size): entries were removed")
        }
        let latest = try await store.latestCheckpoint()
        guard size == 0 || latest?.size == size else {
            throw corrupted(size - 1, "the last entries are not covered by a signed checkpoint: they were added outside the ledger")
        }
    }
}

extension LedgerVerifier {
    static func check(_ checkpoint: StoredCheckpoint, tree: CompactRange, registry: CoalitionRegistry) throws(LedgerError) {
        let position = checkpoint.size == 0 ? 0 : checkpoint.size - 1
        guard checkpoint.size == tree.size else {
            throw .corrupted(position: position, reason: "a checkpoint for size \(checkpoint.size) sits between commits")
        }
        guard let key = registry.checkpointKey else {
            throw .corrupted(position: position, reason: "a checkpoint exists before the coalition was founded")
        }
        let note: Checkpoint
        do {
            note = try Checkpoint.open(checkpoint.note, verifier: key)
        } catch {
            throw .corrupted(
                position: position, reason: "the checkpoint for size \(checkpoint.size) is not validly signed by the ledger's key: \(error)")
        }
        guard note.origin == registry.origin, note.size == checkpoint.size, note.root == checkpoint.root else {
            throw .corrupted(position: position, reason: "the checkpoint note for size \(checkpoint.size) disagrees with its stored size and root")
        }
        guard note.root == tree.root else {
            throw .corrupted(
                position: position,
                reason:
                    "the signed checkpoint for size \(checkpoint.size) has root \(note.root), the entries give \(tree.root): the log was changed after it was signed"
            )
        }
    }

    /// Names what differs between a stored entry and the bytes its commit and position give.
    static func difference(_ stored: StoredEntry, _ expected: LogEntry) -> Phrase {
        guard let found = try? LogEntry(parsing: stored.bytes) else {
            return "the stored entry bytes were altered: they are not a readable entry"
        }
        if found.position != expected.position {
            return "the entry stored here is the one for position \(found.position): entries were moved or reordered"
        }
        if found.commit != expected.commit || found.index != expected.index {
            return
                "the entry names commit \(found.commit) event \(found.index + 1), but commit \(expected.commit) event \(expected.index + 1) belongs here"
        }
        if found.event != expected.event {
            return "the event differs from event \(expected.index + 1) of commit \(expected.commit) as signed: the entry was altered"
        }
        return "the entry's envelope differs from what the ledger recorded (version or time altered)"
    }
}
