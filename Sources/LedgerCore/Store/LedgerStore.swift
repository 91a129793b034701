/// What a write transaction reads before the ledger decides what to append.
public struct AppendQuery: Sendable {
    /// Ids of the commits being appended, to recognise re-sent ones.
    public var commitIDs: [CommitID]
    /// Streams whose current versions the ledger needs.
    public var streams: Set<String>
    /// Streams the commits start at version 0 (new streams). The store need not read them: the
    /// plan assumes they are empty, and the store's unique (stream, version) index proves it when
    /// the rows are written. If the index refuses a row, the store rolls the rows back, reads these
    /// streams too and plans again, within the same transaction.
    public var assumedNew: Set<String>
    /// Return the entries from this position on whose stream starts with one of `tailPrefixes`:
    /// what other writers appended since the caller's in-memory state was built.
    public var tailStart: UInt64
    public var tailPrefixes: [String]
    /// The Merkle frontier the caller knows, for the size it has. When the log still has that
    /// size, the store may give it back as the snapshot's frontier instead of reading the nodes:
    /// the entries below a size never change, and neither does their tree.
    public var knownFrontier: CompactRange?

    public init(
        commitIDs: [CommitID], streams: Set<String>, assumedNew: Set<String> = [], tailStart: UInt64, tailPrefixes: [String],
        knownFrontier: CompactRange? = nil
    ) {
        self.commitIDs = commitIDs
        self.streams = streams
        self.assumedNew = assumedNew
        self.tailStart = tailStart
        self.tailPrefixes = tailPrefixes
        self.knownFrontier = knownFrontier
    }
}

/// The state of the log inside a write transaction, as the ledger needs it to plan an append.
public struct AppendSnapshot: Sendable {
    /// Number of entries in the log.
    public var size: UInt64
    /// The Merkle frontier at `size`.
    public var frontier: CompactRange
    /// The recorded time of the last entry.
    public var lastRecordedAt: Timestamp?
    /// Current version and head of each queried stream (version 0 and no head for a stream
    /// with no events). Streams of `AppendQuery.assumedNew` that were not read are absent: the
    /// plan takes them as new.
    public var streamVersions: [String: StreamHead]
    /// The queried commits that are already in the log, as kept (`LedgerStore.keptCommits`): the
    /// plan needs their positions only.
    public var existingCommits: [CommitID: StoredCommit]
    /// The entries requested by `AppendQuery.tailStart` and `tailPrefixes`, in position order.
    public var tail: [StoredEntry]

    public init(
        size: UInt64, frontier: CompactRange, lastRecordedAt: Timestamp?, streamVersions: [String: StreamHead],
        existingCommits: [CommitID: StoredCommit], tail: [StoredEntry]
    ) {
        self.size = size
        self.frontier = frontier
        self.lastRecordedAt = lastRecordedAt
        self.streamVersions = streamVersions
        self.existingCommits = existingCommits
        self.tail = tail
    }
}

/// Where a stream stands: its version (the number of its events) and the position of its latest
/// event.
public struct StreamHead: Sendable, Equatable {
    public var version: UInt64
    public var position: UInt64?

    public init(version: UInt64, position: UInt64?) {
        self.version = version
        self.position = position
    }

    /// A stream without events.
    public static let empty = StreamHead(version: 0, position: nil)
}

/// What one write transaction adds. Entries start at the snapshot's size and are contiguous.
public struct AppendPlan: Sendable {
    public var entries: [StoredEntry] = []
    /// New interior Merkle nodes (level ≥ 1); leaf hashes travel with the entries.
    public var nodes: [(node: TreeNode, hash: TreeHash)] = []
    public var commits: [StoredCommit] = []
    /// The signed checkpoints to store, in size order: the one for the new size, signed by the
    /// ledger, or, when mirroring another copy of the ledger, the source's for each size it
    /// signed within the plan.
    public var checkpoints: [StoredCheckpoint] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty && commits.isEmpty && checkpoints.isEmpty }

    /// The checkpoint for the plan's new size.
    public var checkpoint: StoredCheckpoint? {
        get { checkpoints.last }
        set { checkpoints = newValue.map { [$0] } ?? [] }
    }

    /// What a store that keeps each event line once stores of `commit`, one of this plan's
    /// commits, when the plan appends after `size` entries: the document's header line alone
    /// when the plan's entries hold exactly its event lines (`StoredCommit.SignedPart.header`),
    /// the whole document otherwise.
    public func signedToKeep(of commit: StoredCommit, after size: UInt64) -> (bytes: [UInt8], isHeader: Bool) {
        let start = Int(commit.first) - Int(size)
        let end = Int(commit.last) - Int(size)
        guard start >= 0, end >= start, end < entries.count, let header = commit.header(keptIn: entries[start...end]) else {
            return (commit.bytes, false)
        }
        return (header, true)
    }
}

/// The storage protocol of the log. Backends (SQLite, PostgreSQL) store what the ledger tells them
/// and answer reads; every decision (validation, positions, hashes, signatures) is made by
/// `Ledger` in storage-neutral code, so all backends hold byte-identical logs.
///
/// Contract, checked by the conformance suite in `LedgerConformance`:
/// - `append` runs `plan` inside one serialisable write transaction: the snapshot it passes is
///   the state that the plan's rows are written onto, no other writer (thread or process) can
///   append between the read and the write, and either every row of the plan is stored or none.
///   If `plan` throws, nothing is written and the error is rethrown.
/// - Positions are gapless from 0; entries, commits, nodes and checkpoints are never updated or
///   deleted, and the backend refuses such changes in the database itself.
/// - A commit id or a (stream, version) pair is stored at most once; a plan that would store a
///   (stream, version) pair twice (an `assumedNew` stream that was not new) is planned again with
///   that stream's version read.
/// - Reads return what was committed, in position (or storage-key) order. How a store keeps a
///   commit's signed document is its own choice (whole, or the header with the event lines kept
///   only inside the entries), but `commit` and `commits` give it back whole, byte for byte.
public protocol LedgerStore: TreeNodeSource {
    /// Runs one write transaction: reads the snapshot `query` asks for, calls `plan`, stores its rows.
    func append<Outcome: Sendable>(
        _ query: AppendQuery,
        plan: @Sendable (AppendSnapshot) throws -> (AppendPlan, Outcome)
    ) async throws -> Outcome

    /// Up to `limit` entries from `position` on, in position order.
    func entries(from position: UInt64, limit: Int) async throws -> [StoredEntry]
    /// Up to `limit` entries of one stream from `version` on, in version order.
    func entries(stream: String, fromVersion version: UInt64, limit: Int) async throws -> [StoredEntry]
    /// Up to `limit` entries from `position` on whose stream starts with one of `prefixes`.
    func entries(streamPrefixes prefixes: [String], from position: UInt64, limit: Int) async throws -> [StoredEntry]
    /// The current version of a stream (0 if it has no events).
    func version(of stream: String) async throws -> UInt64

    /// A commit by id, with its whole signed document.
    func commit(_ id: CommitID) async throws -> StoredCommit?
    /// Up to `limit` commits whose first event is at or after `position`, in position order, each
    /// with its whole signed document.
    func commits(from position: UInt64, limit: Int) async throws -> [StoredCommit]
    /// `commits(from:limit:)` as the store keeps them: a store that keeps each event line once,
    /// inside its entry, gives only the header of such a commit (`StoredCommit.SignedPart.header`)
    /// and leaves putting the document back together to the reader, which reads the entries
    /// anyway (`verify`). The default gives the whole documents.
    func keptCommits(from position: UInt64, limit: Int) async throws -> [StoredCommit]

    /// Up to `limit` stored interior nodes with a storage key at or after `key`, in key order.
    func storedNodes(fromKey key: Int64, limit: Int) async throws -> [(node: TreeNode, hash: TreeHash)]

    /// The checkpoint with the largest size.
    func latestCheckpoint() async throws -> StoredCheckpoint?
    /// The checkpoint for exactly `size` entries, if one was made.
    func checkpoint(size: UInt64) async throws -> StoredCheckpoint?
    /// Up to `limit` checkpoints with size at or after `size`, by size.
    func checkpoints(fromSize size: UInt64, limit: Int) async throws -> [StoredCheckpoint]
    /// What the storage engine's own consistency check finds wrong with the stored data (for
    /// SQLite, `PRAGMA quick_check`: pages, indexes that miss rows or hold rows no table has);
    /// empty when it finds nothing, or when the engine has no such check. `verify` runs it.
    func storageProblems() async throws -> [String]
    /// Rows that no read of the log reaches because their key lies below zero (an entry's
    /// position, a commit's first position, a node's storage key, a checkpoint's size), each
    /// described by its table, column and value. Only a change to the database itself can store
    /// one; empty when there are none, or when the store cannot hold such rows. `verify` reports
    /// the first.
    func rowsBeforeTheLog() async throws -> [String]
}

extension LedgerStore {
    public func storageProblems() async throws -> [String] { [] }

    public func rowsBeforeTheLog() async throws -> [String] { [] }

    public func keptCommits(from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await commits(from: position, limit: limit)
    }
}

/// Where proofs read node hashes from: a store, or anything else that keeps a tree's nodes.
public protocol TreeNodeSource: Sendable {
    /// Number of leaves (entries).
    func size() async throws -> UInt64
    /// Hashes of the given nodes (leaves included) of the tree as it is now. Nodes that do not
    /// exist yet are absent from the result.
    func hashes(of nodes: [TreeNode]) async throws -> [TreeNode: TreeHash]
    /// `hashes(of:)` read on the calling thread, for stores that can (a local file): a proof is
    /// then one short read without a hand-over between threads, which is most of its time.
    /// `nil` when the store cannot.
    func hashesOnCallingThread(of nodes: [TreeNode]) throws -> [TreeNode: TreeHash]?
}

extension TreeNodeSource {
    public func hashesOnCallingThread(of nodes: [TreeNode]) throws -> [TreeNode: TreeHash]? { nil }
}
