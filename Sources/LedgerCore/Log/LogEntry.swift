/// The bytes stored for one event: what the Merkle tree hashes as a leaf.
///
/// `{"format":"chainledger.entry/1","position":P,"version":V,"recordedAt":"…","commit":"<id>","index":I,"event":<event line>}`
///
/// The ledger writes this envelope when it appends; the event line inside is copied byte for byte
/// from the signed commit, so the entry binds the event to its position in the log, its stream
/// version, the time the ledger recorded it and the commit (and place in it) that carried it.
public struct LogEntry: Sendable, Equatable {
    public static let format = "chainledger.entry/1"

    /// The entry's leaf index in the log (0, 1, 2, …).
    public let position: UInt64
    /// The stream version the event gave its stream.
    public let version: UInt64
    /// When the ledger recorded the event.
    public let recordedAt: Timestamp
    /// The commit that carried the event.
    public let commit: CommitID
    /// The event's place in that commit (0-based).
    public let index: Int
    /// The event as signed.
    public let event: EventLine

    public init(position: UInt64, version: UInt64, recordedAt: Timestamp, commit: CommitID, index: Int, event: EventLine) {
        self.position = position
        self.version = version
        self.recordedAt = recordedAt
        self.commit = commit
        self.index = index
        self.event = event
    }

    /// The stored bytes of this entry. The same entry always gives the same bytes.
    public var bytes: [UInt8] {
        var text = "{\"format\":\"\(Self.format)\",\"position\":\(position),\"version\":\(version),"
        text += "\"recordedAt\":\"\(recordedAt)\",\"commit\":\"\(commit.hex)\",\"index\":\(index),\"event\":"
        var bytes = Array(text.utf8)
        bytes.reserveCapacity(bytes.count + event.bytes.count + 1)
        bytes += event.bytes
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    static let fields: Set<String> = ["format", "position", "version", "recordedAt", "commit", "index", "event"]

    /// Reads stored entry bytes back, and checks that they are exactly what `bytes` would write.
    public init(parsing bytes: [UInt8]) throws(FormatError) {
        let fields = try JSONFields(bytes, allowed: Self.fields)
        guard try fields.string("format") == Self.format else {
            throw .init(message: "format is not \(Self.format)")
        }
        let recordedText = try fields.string("recordedAt")
        guard let recordedAt = Timestamp(rfc3339: recordedText) else {
            throw .init(message: "recordedAt \"\(recordedText)\" is not a time")
        }
        guard let commit = CommitID(hex: try fields.string("commit")) else {
            throw .init(message: "commit is not a commit id")
        }
        guard let eventMember = fields.member("event"), eventMember.kind == .object else {
            throw .init(message: "event is missing or not an object")
        }
        let event: EventLine
        do {
            event = try EventLine(parsing: Array(bytes[eventMember.range]))
        } catch {
            throw .init(message: "event: \(error.message)")
        }
        self.init(
            position: try fields.unsigned("position"), version: try fields.unsigned("version"),
            recordedAt: recordedAt, commit: commit, index: Int(try fields.unsigned("index")), event: event)
        guard self.bytes == bytes else {
            throw .init(message: "the bytes are not in the canonical entry layout")
        }
    }
}
