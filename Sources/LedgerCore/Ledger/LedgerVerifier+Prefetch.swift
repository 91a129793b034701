import Foundation

/// A stored commit with everything that can be checked without the log's state: its signed bytes
/// (put back together from its entries where the store keeps only the header) parsed, and its
/// stored entries read, each compared with the bytes that the commit and its position give, and
/// hashed.
struct PreparedCommit: Sendable {
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
            if case .success(let whole) = parsed, let span { count = Int(min(UInt64(whole.events.count - 1), span)) + 1 }
        case .header:
            // The header announces how many event lines follow; the commit must claim as many
            // positions, and its entries give the lines.
            let announced = try? JSONFields(kept.bytes, allowed: CommitDocument.headerFields).unsigned("events")
            if let announced, announced == 0 || span != announced - 1 {
                let mismatch = LedgerError.corrupted(
                    position: kept.first, reason: "commit \(kept.id) holds \(announced) events but claims positions \(kept.first)…\(kept.last)")
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
            (self.document, self.entries, matches, leaves) = (
                document ?? .failure(.corrupted(position: kept.first, reason: "\(error)")), .failure(error), [], []
            )
            return
        }
        if kept.part == .header, failure == nil {
            do {
                commit = try kept.reassembled(from: entries[...])
                let parsed = try CommitDocument(parsing: commit.bytes)
                if parsed.id != kept.id {
                    failure =
                        Self.alteredEntry(entries, of: kept)
                        ?? LedgerError.corrupted(
                            position: kept.first,
                            reason:
                                "the bytes of commit \(kept.id), put back together from its header and its entries \(kept.first)…\(kept.last), hash to \(parsed.id): the commit or one of those entries was altered"
                        )
                }
                document = .success(parsed)
            } catch {
                // An entry missing or out of its layout, or an event line that no longer
                // reads: an altered entry ahead of it is the first wrong position.
                if case .corrupted(let position?, _) = error {
                    failure = Self.alteredEntry(entries.prefix { $0.position < position }, of: kept) ?? error
                } else {
                    failure = Self.alteredEntry(entries, of: kept)
                }
                document = .failure(error)
            }
        }
        self.document = document!
        self.entries = .success(entries)
        guard case .success(let parsed) = document else {
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
                return .corrupted(
                    position: stored.position,
                    reason: "the entry stored here is the one for position \(found.position): entries were moved or reordered")
            }
            if found.commit != commit.id || found.index != index {
                return .corrupted(
                    position: stored.position,
                    reason: "the entry names commit \(found.commit) event \(found.index + 1), but commit \(commit.id) event \(index + 1) belongs here"
                )
            }
            if TreeHash.leaf(stored.bytes) != stored.leafHash {
                return .corrupted(
                    position: stored.position,
                    reason:
                        "the event differs from event \(index + 1) of commit \(commit.id) as signed: the entry was altered (its bytes no longer give its leaf hash, nor the commit its id)"
                )
            }
        }
        return nil
    }
}

/// The stored commits in log order, prepared (`PreparedCommit`) on other threads up to two pages
/// ahead of the verifier, which meanwhile checks the current ones against the log's state.
struct PreparedCommits {
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
            inFlight.append(
                Task {
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
struct Pager<Element: Sendable> {
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
