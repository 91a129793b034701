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
        let size = try await store.size()
        let admission = CommitAdmission(domain: domain)
        var state = LedgerState(domain: domain.initialState())
        var versions: [String: StreamHead] = [:]
        // Room for a stream per entry, up to a million, rather than rehashing every string each
        // time the table doubles.
        versions.reserveCapacity(Int(min(size, 1 << 20)))
        var tree = CompactRange()
        var lastRecordedAt: Timestamp?
        var commitPages = PreparedCommits(store: store)
        var nodePages = Pager { key in try await store.storedNodes(fromKey: Int64(key), limit: 8192) }
        var checkpointPages = Pager { size in try await store.checkpoints(fromSize: size, limit: 1000) }
        var counts = (commits: 0, checkpoints: 0, nodes: 0)
        var nodeFailure: LedgerError?

        func corrupted(_ position: UInt64?, _ reason: String) -> LedgerError {
            .corrupted(position: position, reason: reason)
        }

        while tree.size < size {
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
            let document: CommitDocument
            switch prepared.document {
            case let .success(parsed): document = parsed
            case let .failure(error): throw corrupted(position, "commit \(commit.id) is unreadable: \(error)")
            }
            guard document.id == commit.id else {
                throw corrupted(position, "the bytes of commit \(commit.id) hash to \(document.id): the commit was altered")
            }
            guard document.organisation == commit.organisation, document.keyID == commit.keyID else {
                throw corrupted(position, "commit \(commit.id) is filed under \(commit.organisation)/\(commit.keyID) but was signed as \(document.organisation)/\(document.keyID)")
            }
            guard commit.last >= commit.first, commit.last - commit.first + 1 == UInt64(document.events.count) else {
                throw corrupted(position, "commit \(commit.id) holds \(document.events.count) events but claims positions \(commit.first)…\(commit.last)")
            }
            guard commit.last < size else {
                throw corrupted(size, "commit \(commit.id) claims positions up to \(commit.last), but the log ends at \(size - 1): entries were removed")
            }
            if let lastRecordedAt, commit.recordedAt < lastRecordedAt {
                throw corrupted(position, "commit \(commit.id) is recorded at \(commit.recordedAt), before the commit ahead of it (\(lastRecordedAt))")
            }
            lastRecordedAt = commit.recordedAt

            let recorded: [RecordedEvent]
            do {
                recorded = try admission.admit(
                    CommitSubmission(document: document, signature: commit.signature, received: commit.recordedAt),
                    position: position, recordedAt: commit.recordedAt, state: &state, versions: &versions)
            } catch {
                throw corrupted(position, "commit \(commit.id) does not pass the ledger's checks: \(error)")
            }
            counts.commits += 1

            let entries = try prepared.entries.get()
            for (index, event) in recorded.enumerated() {
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
                    throw corrupted(event.position, Self.difference(stored, expected))
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
                var expectedNodes: [(TreeNode, TreeHash)] = []
                tree.append(leaf) { node, hash in
                    if NodeStorage.isStored(node) { expectedNodes.append((node, hash)) }
                }
                for (node, hash) in expectedNodes where nodeFailure == nil {
                    guard let stored = try await nodePages.next(after: { UInt64($0.node.storageKey) + 1 }) else {
                        nodeFailure = corrupted(node.firstLeaf, "the stored Merkle \(node) is missing")
                        break
                    }
                    if stored.node != node {
                        nodeFailure = corrupted(node.firstLeaf, "the store holds Merkle \(stored.node) where \(node) belongs")
                    } else if stored.hash != hash {
                        nodeFailure = corrupted(node.firstLeaf, "the stored Merkle \(node) does not match the recomputed hash")
                    }
                    counts.nodes += 1
                }
                if let nodeFailure { throw nodeFailure }
                while let checkpoint = try await checkpointPages.peek(after: { $0.size + 1 }), checkpoint.size <= tree.size {
                    _ = try await checkpointPages.next(after: { $0.size + 1 })
                    try Self.check(checkpoint, tree: tree, registry: state.registry)
                    counts.checkpoints += 1
                }
                let next = event.position + 1
                if next % 16384 == 0 { progress?(next) }
            }
        }
        if let extra = try await store.entries(from: tree.size, limit: 1).first {
            throw corrupted(extra.position, "the entry lies beyond the log's end: entries were added outside a commit")
        }
        if let extra = try await commitPages.next()?.commit {
            throw corrupted(extra.first, "commit \(extra.id) claims positions \(extra.first)…\(extra.last), beyond the log's end: its entries were removed")
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
        progress?(size)
        return VerificationReport(size: size, root: tree.root, commits: counts.commits,
                                  checkpoints: counts.checkpoints, nodes: counts.nodes)
    }

    private static func check(_ checkpoint: StoredCheckpoint, tree: CompactRange, registry: CoalitionRegistry) throws(LedgerError) {
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
            throw .corrupted(position: position, reason: "the checkpoint for size \(checkpoint.size) is not validly signed by the ledger's key: \(error)")
        }
        guard note.origin == registry.origin, note.size == checkpoint.size, note.root == checkpoint.root else {
            throw .corrupted(position: position, reason: "the checkpoint note for size \(checkpoint.size) disagrees with its stored size and root")
        }
        guard note.root == tree.root else {
            throw .corrupted(position: position, reason: "the signed checkpoint for size \(checkpoint.size) has root \(note.root), the entries give \(tree.root): the log was changed after it was signed")
        }
    }

    /// Names what differs between a stored entry and the bytes its commit and position give.
    private static func difference(_ stored: StoredEntry, _ expected: LogEntry) -> String {
        guard let found = try? LogEntry(parsing: stored.bytes) else {
            return "the stored entry bytes were altered: they are not a readable entry"
        }
        if found.position != expected.position {
            return "the entry stored here is the one for position \(found.position): entries were moved or reordered"
        }
        if found.commit != expected.commit || found.index != expected.index {
            return "the entry names commit \(found.commit) event \(found.index + 1), but commit \(expected.commit) event \(expected.index + 1) belongs here"
        }
        if found.event != expected.event {
            return "the event differs from event \(expected.index + 1) of commit \(expected.commit) as signed: the entry was altered"
        }
        return "the entry's envelope differs from what the ledger recorded (version or time altered)"
    }
}

/// A stored commit with everything that can be checked without the log's state: its signed bytes
/// (put back together from its entries where the store keeps only the header) parsed, and its
/// stored entries read, each compared with the bytes that the commit and its position give, and
/// hashed.
private struct PreparedCommit: Sendable {
    /// The commit, with its whole document where it could be put back together.
    private(set) var commit: StoredCommit
    /// What is wrong with the commit or its entries, found while putting its document back
    /// together from them: the verifier reports it as it stands.
    private(set) var failure: (any Error)?
    let document: Result<CommitDocument, LedgerError>
    /// The stored entries from the commit's first position, as many as it has events (fewer, or
    /// at other positions, when some are missing).
    let entries: Result<[StoredEntry], any Error>
    /// Per entry: whether its bytes are those the commit gives for its event at that index, with
    /// the version `expectedVersion + 1`.
    let matches: [Bool]
    /// Per entry: the leaf hash of the entry the commit gives there, which is that of the stored
    /// bytes wherever `matches` holds.
    let leaves: [TreeHash]

    init(_ kept: StoredCommit, store: any LedgerStore) async {
        commit = kept
        // How many positions past its first the commit claims (nil: its last is before its first).
        let span: UInt64? = kept.last >= kept.first ? kept.last - kept.first : nil
        var document: Result<CommitDocument, LedgerError>?
        var count = 0
        switch kept.part {
        case .document:
            // The whole document says how many entries to read.
            let parsed = Result { () throws(LedgerError) in try CommitDocument(parsing: kept.bytes) }
            document = parsed
            if case let .success(whole) = parsed, let span { count = Int(min(UInt64(whole.events.count - 1), span)) + 1 }
        case .header:
            // The header announces how many event lines follow; the commit must claim as many
            // positions, and its entries give the lines.
            let announced = try? JSONFields(kept.bytes, allowed: CommitDocument.headerFields).unsigned("events")
            if let announced, announced == 0 || span != announced - 1 {
                let mismatch = LedgerError.corrupted(position: kept.first, reason: "commit \(kept.id) holds \(announced) events but claims positions \(kept.first)…\(kept.last)")
                (failure, document) = (mismatch, .failure(mismatch))
            } else if let span {
                count = Int(min(span, UInt64(CommitDocument.maximumEvents) - 1)) + 1
            }
        }
        let entries: [StoredEntry]
        do {
            entries = count == 0 ? [] : try await store.entries(from: kept.first, limit: count)
        } catch {
            if kept.part == .header, failure == nil { failure = error }
            (self.document, self.entries, matches, leaves) = (document ?? .failure(.corrupted(position: kept.first, reason: "\(error)")), .failure(error), [], [])
            return
        }
        if kept.part == .header, failure == nil {
            do {
                commit = try kept.reassembled(from: entries[...])
                let parsed = try CommitDocument(parsing: commit.bytes)
                if parsed.id != kept.id {
                    failure = Self.alteredEntry(entries, of: kept) ?? LedgerError.corrupted(
                        position: kept.first,
                        reason: "the bytes of commit \(kept.id), put back together from its header and its entries \(kept.first)…\(kept.last), hash to \(parsed.id): the commit or one of those entries was altered")
                }
                document = .success(parsed)
            } catch {
                // An entry missing or out of its layout, or an event line that no longer
                // reads: an altered entry ahead of it is the first wrong position.
                if case let .corrupted(position?, _) = error {
                    failure = Self.alteredEntry(entries.prefix { $0.position < position }, of: kept) ?? error
                } else {
                    failure = Self.alteredEntry(entries, of: kept)
                }
                document = .failure(error)
            }
        }
        self.document = document!
        self.entries = .success(entries)
        guard case let .success(parsed) = document else {
            (matches, leaves) = ([], [])
            return
        }
        // The entries the commit gives, as the ledger rendered them when it appended it. Where
        // the stored bytes match, their leaf hash is the rendered entry's.
        let expected = RenderedEntry.all(of: parsed, from: kept.first, recordedAt: kept.recordedAt)
        matches = zip(entries, expected).map { $0.bytes == $1.bytes }
        leaves = expected.prefix(entries.count).map(\.leaf)
    }

    /// The first of a commit's entries (from its first position on, in order) whose envelope or
    /// stored leaf hash shows it was changed, for a commit that keeps only its header: its
    /// document was put back together from these entries, so when that fails, or no longer
    /// hashes to the commit's id, such an entry is the first wrong position.
    private static func alteredEntry(_ entries: some Collection<StoredEntry>, of commit: StoredCommit) -> LedgerError? {
        for (index, stored) in entries.enumerated() {
            guard let found = try? LogEntry(parsing: stored.bytes) else {
                return .corrupted(position: stored.position, reason: "the stored entry bytes were altered: they are not a readable entry")
            }
            if found.position != stored.position {
                return .corrupted(position: stored.position, reason: "the entry stored here is the one for position \(found.position): entries were moved or reordered")
            }
            if found.commit != commit.id || found.index != index {
                return .corrupted(position: stored.position, reason: "the entry names commit \(found.commit) event \(found.index + 1), but commit \(commit.id) event \(index + 1) belongs here")
            }
            if TreeHash.leaf(stored.bytes) != stored.leafHash {
                return .corrupted(position: stored.position, reason: "the event differs from event \(index + 1) of commit \(commit.id) as signed: the entry was altered (its bytes no longer give its leaf hash, nor the commit its id)")
            }
        }
        return nil
    }
}

/// The stored commits in log order, prepared (`PreparedCommit`) on other threads up to two pages
/// ahead of the verifier, which meanwhile checks the current ones against the log's state.
private struct PreparedCommits {
    /// A commit holds up to 64 MiB of signed bytes: a few at a time keep memory flat.
    private static let pageSize = 8
    /// A page stops early once its commits claim this many entries.
    private static let pageEntries: UInt64 = 16_384
    /// Pages being prepared at once, so that the preparing threads always have work.
    private static let lookahead = 2
    private let store: any LedgerStore
    private var page: [PreparedCommit] = []
    private var index = 0
    private var inFlight: [Task<[PreparedCommit], Never>] = []
    /// Where the next page to read starts; nil once the commits are all read.
    private var cursor: UInt64? = 0

    init(store: any LedgerStore) {
        self.store = store
    }

    /// Reads the commits of the next pages and starts preparing them, up to `lookahead`.
    private mutating func fill() async throws {
        while inFlight.count < Self.lookahead, let start = cursor {
            var commits: [StoredCommit] = []
            var entries: UInt64 = 0
            for commit in try await store.keptCommits(from: start, limit: Self.pageSize) where entries < Self.pageEntries {
                commits.append(commit)
                entries += commit.last >= commit.first ? commit.last - commit.first + 1 : 0
            }
            guard let last = commits.last else {
                cursor = nil
                break
            }
            cursor = last.first + 1
            let store = store
            inFlight.append(Task {
                var page: [PreparedCommit] = []
                for commit in commits { page.append(await PreparedCommit(commit, store: store)) }
                return page
            })
        }
    }

    mutating func next() async throws -> PreparedCommit? {
        if index == page.count {
            try await fill() // only does something for the first page
            guard !inFlight.isEmpty else { return nil }
            page = await inFlight.removeFirst().value
            index = 0
            try await fill()
        }
        defer { index += 1 }
        return page[index]
    }
}

/// Reads a sorted sequence page by page, for the verifier's parallel cursors.
private struct Pager<Element: Sendable> {
    private let load: (_ from: UInt64) async throws -> [Element]
    private var buffer: [Element] = []
    private var index = 0
    private var exhausted = false
    private var cursor: UInt64 = 0

    init(load: @escaping (_ from: UInt64) async throws -> [Element]) {
        self.load = load
    }

    mutating func peek(after key: (Element) -> UInt64) async throws -> Element? {
        if index == buffer.count {
            guard !exhausted else { return nil }
            buffer = try await load(cursor)
            index = 0
            guard let last = buffer.last else {
                exhausted = true
                return nil
            }
            cursor = key(last)
        }
        return buffer[index]
    }

    mutating func next(after key: (Element) -> UInt64) async throws -> Element? {
        let element = try await peek(after: key)
        if element != nil { index += 1 }
        return element
    }
}
