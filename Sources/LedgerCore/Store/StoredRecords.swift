public import Foundation

/// An event as a store keeps it: the entry bytes (the Merkle leaf) and the columns indexed for
/// reading, which are copies of what the bytes say (`verify` checks that they agree).
public struct StoredEntry: Sendable, Equatable {
    public let position: UInt64
    public let stream: String
    public let version: UInt64
    public let type: String
    public let recordedAt: Timestamp
    public let commit: CommitID
    /// The exact bytes hashed as the Merkle leaf.
    public let bytes: [UInt8]
    /// SHA-256(0x00 ‖ bytes), kept so that proofs need not rehash the leaves.
    public let leafHash: TreeHash

    public init(
        position: UInt64, stream: String, version: UInt64, type: String, recordedAt: Timestamp,
        commit: CommitID, bytes: [UInt8], leafHash: TreeHash
    ) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.recordedAt = recordedAt
        self.commit = commit
        self.bytes = bytes
        self.leafHash = leafHash
    }

    /// The event line inside the stored entry, found by the entry's fixed layout (`…,"event":<line>}`)
    /// without reading the whole envelope: for readers of a verified log that need only the event.
    public func eventLine() throws(LedgerError) -> EventLine {
        let line = try eventLineBytes()
        do {
            return try EventLine(parsing: Array(line))
        } catch {
            throw .corrupted(position: position, reason: "the stored event is unreadable: \(error.message)")
        }
    }

    /// The bytes of the event line inside the stored entry (`…,"event":<line>}`), unparsed. The
    /// envelope's members before `event` (numbers, a time, a commit id) cannot hold the marker, so
    /// its first occurrence is the event's.
    public func eventLineBytes() throws(LedgerError) -> ArraySlice<UInt8> {
        do {
            return try Self.eventLineBytes(of: bytes)
        } catch {
            throw .corrupted(position: position, reason: "the stored entry is not in the entry layout")
        }
    }

    /// The event line inside entry bytes; throws when they are not in the entry layout.
    package static func eventLineBytes(of bytes: [UInt8]) throws(FormatError) -> ArraySlice<UInt8> {
        let start: Int? = bytes.withUnsafeBytes { buffer in
            // From comma to comma: the envelope has a handful before the event.
            let marker = Self.eventMarker
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset + marker.count < buffer.count,
                let comma = memchr(base + offset, Int32(UInt8(ascii: ",")), buffer.count - marker.count - offset)
            {
                let index = base.distance(to: UnsafeRawPointer(comma))
                if memcmp(comma, marker, marker.count) == 0 { return index + marker.count }
                offset = index + 1
            }
            return nil
        }
        guard let start, bytes.last == UInt8(ascii: "}"), start < bytes.count - 1 else {
            throw .init(message: "not in the entry layout")
        }
        return bytes[start..<(bytes.count - 1)]
    }

    private static let eventMarker = Array(#","event":"#.utf8)

    /// Parses the stored bytes.
    public func entry() throws(LedgerError) -> LogEntry {
        do {
            return try LogEntry(parsing: bytes)
        } catch {
            throw .corrupted(position: position, reason: "the stored entry is unreadable: \(error.message)")
        }
    }
}

/// A commit as a store keeps it: the signed bytes and signature exactly as received, plus the
/// positions of its events.
public struct StoredCommit: Sendable, Equatable {
    public let id: CommitID
    /// The signed bytes: the whole document, or only its header line where `part` says so.
    public let bytes: [UInt8]
    /// How much of the signed document `bytes` holds.
    public let part: SignedPart
    public let signature: [UInt8]
    public let organisation: String
    public let keyID: String
    /// Position of the commit's first event.
    public let first: UInt64
    /// Position of the commit's last event.
    public let last: UInt64
    public let recordedAt: Timestamp

    public init(
        id: CommitID, bytes: [UInt8], part: SignedPart = .document, signature: [UInt8], organisation: String,
        keyID: String, first: UInt64, last: UInt64, recordedAt: Timestamp
    ) {
        self.id = id
        self.bytes = bytes
        self.part = part
        self.signature = signature
        self.organisation = organisation
        self.keyID = keyID
        self.first = first
        self.last = last
        self.recordedAt = recordedAt
    }

    /// How much of a commit's signed document a store keeps in the commit itself.
    public enum SignedPart: Sendable, Equatable {
        /// The whole document, exactly as signed.
        case document
        /// The document's header line (with its newline) alone. The event lines are kept once,
        /// inside the commit's entries: the document is the header followed by the event line of
        /// each entry from `first` to `last`, each ending in a newline.
        case header
    }

    /// The header line of a whole document, if its event lines are exactly those inside `entries`
    /// (the commit's entries, in order): then a store may keep only the header (`SignedPart.header`).
    public func header(keptIn entries: ArraySlice<StoredEntry>) -> [UInt8]? {
        guard part == .document, last >= first, entries.count == Int(last - first + 1),
            let newline = bytes.firstIndex(of: 0x0A)
        else { return nil }
        var offset = newline + 1
        for (index, entry) in entries.enumerated() {
            guard entry.position == first + UInt64(index), let line = try? entry.eventLineBytes(),
                offset + line.count < bytes.count, bytes[offset + line.count] == 0x0A,
                bytes.withUnsafeBytes({ document in
                    line.withUnsafeBytes { memcmp(document.baseAddress! + offset, $0.baseAddress!, $0.count) == 0 }
                })
            else { return nil }
            offset += line.count + 1
        }
        return offset == bytes.count ? Array(bytes[...newline]) : nil
    }

    /// How many entries to read to put the document back together: as many as the commit claims
    /// positions, and never more than a commit may carry.
    public var keptEventCount: Int {
        last >= first ? Int(min(last - first, UInt64(CommitDocument.maximumEvents) - 1)) + 1 : 0
    }

    /// The whole commit, its document put back together from the header it keeps and the event
    /// lines inside `entries` (its entries, in order). A commit that keeps its whole document is
    /// returned as it is. Throws `LedgerError.corrupted` naming the first entry that is missing or
    /// not in the entry layout.
    public func reassembled(from entries: ArraySlice<StoredEntry>) throws(LedgerError) -> StoredCommit {
        guard part == .header else { return self }
        guard last >= first else {
            throw .corrupted(position: first, reason: "commit \(id) claims positions \(first)…\(last)")
        }
        var document = bytes
        document.reserveCapacity(entries.reduce(bytes.count) { $0 + $1.bytes.count })
        var expected = first
        for entry in entries {
            guard expected <= last, entry.position == expected else { break }
            document += try entry.eventLineBytes()
            document.append(0x0A)
            expected += 1
        }
        guard expected > last else {
            throw .corrupted(position: expected, reason: "the entry is missing: it was deleted")
        }
        return StoredCommit(
            id: id, bytes: document, signature: signature, organisation: organisation, keyID: keyID,
            first: first, last: last, recordedAt: recordedAt)
    }
}

/// A signed checkpoint as stored: the tree size, its root and the signed note.
public struct StoredCheckpoint: Sendable, Equatable {
    public let size: UInt64
    public let root: TreeHash
    /// The C2SP signed note, as served.
    public let note: String
    /// The size of the checkpoint the store held before this one (0 for the first), recorded when
    /// it was stored: the checkpoints form a chain, so a removed one shows. `nil` for checkpoints
    /// stored before stores recorded it.
    public let previousSize: UInt64?

    public init(size: UInt64, root: TreeHash, note: String, previousSize: UInt64? = nil) {
        self.size = size
        self.root = root
        self.note = note
        self.previousSize = previousSize
    }
}

extension TreeHash {
    /// A hash as a store gives it back: anything but 32 bytes means the store was altered.
    public init(stored bytes: some ContiguousBytes) throws(LedgerError) {
        guard let hash = TreeHash(bytes: bytes) else {
            throw .corrupted(position: nil, reason: "a stored hash is \(bytes.withUnsafeBytes { $0.count }) bytes, not 32")
        }
        self = hash
    }
}

extension TreeNode {
    /// A node as a store gives back its key: a key that names no node means the store was altered.
    public init(storedKey key: Int64) throws(LedgerError) {
        guard let node = TreeNode(storageKey: key) else {
            throw .corrupted(position: nil, reason: "the stored Merkle node key \(key) names no node of the tree: the store was altered")
        }
        self = node
    }
}

extension CommitID {
    /// A commit id as a store gives it back (hex): anything else means the store was altered.
    public init(stored hex: String) throws(LedgerError) {
        guard let id = CommitID(hex: hex) else {
            throw .corrupted(position: nil, reason: "\"\(hex)\" is not a commit id")
        }
        self = id
    }
}
