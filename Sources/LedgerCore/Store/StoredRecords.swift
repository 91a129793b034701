import Foundation

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

    public init(position: UInt64, stream: String, version: UInt64, type: String, recordedAt: Timestamp,
                commit: CommitID, bytes: [UInt8], leafHash: TreeHash) {
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
        let start: Int? = bytes.withUnsafeBufferPointer { buffer in
            let marker = Self.eventMarker
            guard buffer.count > marker.count else { return nil }
            for index in 0..<(buffer.count - marker.count) where buffer[index] == UInt8(ascii: ",") && buffer[index + 1] == UInt8(ascii: "\"") {
                if memcmp(buffer.baseAddress! + index, marker, marker.count) == 0 { return index + marker.count }
            }
            return nil
        }
        guard let start, bytes.last == UInt8(ascii: "}"), start < bytes.count - 1 else {
            throw .corrupted(position: position, reason: "the stored entry is not in the entry layout")
        }
        do {
            return try EventLine(parsing: Array(bytes[start..<(bytes.count - 1)]))
        } catch {
            throw .corrupted(position: position, reason: "the stored event is unreadable: \(error.message)")
        }
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
    public let bytes: [UInt8]
    public let signature: [UInt8]
    public let organisation: String
    public let keyID: String
    /// Position of the commit's first event.
    public let first: UInt64
    /// Position of the commit's last event.
    public let last: UInt64
    public let recordedAt: Timestamp

    public init(id: CommitID, bytes: [UInt8], signature: [UInt8], organisation: String, keyID: String,
                first: UInt64, last: UInt64, recordedAt: Timestamp) {
        self.id = id
        self.bytes = bytes
        self.signature = signature
        self.organisation = organisation
        self.keyID = keyID
        self.first = first
        self.last = last
        self.recordedAt = recordedAt
    }
}

/// A signed checkpoint as stored: the tree size, its root and the signed note.
public struct StoredCheckpoint: Sendable, Equatable {
    public let size: UInt64
    public let root: TreeHash
    /// The C2SP signed note, as served.
    public let note: String

    public init(size: UInt64, root: TreeHash, note: String) {
        self.size = size
        self.root = root
        self.note = note
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

extension CommitID {
    /// A commit id as a store gives it back (hex): anything else means the store was altered.
    public init(stored hex: String) throws(LedgerError) {
        guard let id = CommitID(hex: hex) else {
            throw .corrupted(position: nil, reason: "\"\(hex)\" is not a commit id")
        }
        self = id
    }
}
