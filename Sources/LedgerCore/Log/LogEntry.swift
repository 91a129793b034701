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
        Self.render(
            position: position, version: version, recordedAt: Array("\(recordedAt)".utf8),
            commit: Array(commit.hex.utf8), index: index, event: event.bytes)
    }

    /// Writes the entry layout from parts that the ledger renders once per commit.
    static func render(position: UInt64, version: UInt64, recordedAt: [UInt8], commit: [UInt8], index: Int, event: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + event.count)
        bytes += Self.prefix
        appendDecimal(position, to: &bytes)
        bytes += Self.versionKey
        appendDecimal(version, to: &bytes)
        bytes += Self.recordedAtKey
        bytes += recordedAt
        bytes += Self.commitKey
        bytes += commit
        bytes += Self.indexKey
        appendDecimal(UInt64(index), to: &bytes)
        bytes += Self.eventKey
        bytes += event
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private static let prefix = Array("{\"format\":\"\(format)\",\"position\":".utf8)
    private static let versionKey = Array(",\"version\":".utf8)
    private static let recordedAtKey = Array(",\"recordedAt\":\"".utf8)
    private static let commitKey = Array("\",\"commit\":\"".utf8)
    private static let indexKey = Array("\",\"index\":".utf8)
    private static let eventKey = Array(",\"event\":".utf8)

    private static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    static let fields: [String] = ["format", "position", "version", "recordedAt", "commit", "index", "event"]

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
