/// One event as the signing organisation wrote it: a single line of a commit document.
///
/// `{"stream":…,"expectedVersion":…,"type":…,"schema":…,"data":{…}}` (members in any order, no
/// others). The line's bytes are stored exactly as signed, inside the log entry.
public struct EventLine: Sendable, Equatable {
    /// The stream the event extends.
    public let stream: String
    /// The stream's version before this event (0 for a new stream). The event gets version
    /// `expectedVersion + 1`.
    public let expectedVersion: UInt64
    /// The event type, a past-tense name (`KeyRegistered`).
    public let type: String
    /// The version of the event type's data layout.
    public let schema: UInt64
    /// The line, exactly as signed (no newline).
    public let bytes: [UInt8]
    /// Where `data` sits in `bytes`.
    public let dataRange: Range<Int>

    /// The exact bytes of the event's `data` object.
    public var data: ArraySlice<UInt8> { bytes[dataRange] }

    /// The version this event gives its stream.
    public var version: UInt64 { expectedVersion + 1 }

    static let fields: [String] = ["stream", "expectedVersion", "type", "schema", "data"]

    /// Parses and checks one event line. A line break is refused even where JSON allows white
    /// space: the line must fit in a commit document as one line, as composing it requires.
    public init(parsing bytes: [UInt8]) throws(FormatError) {
        guard !bytes.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
            throw .init(message: "an event is one line: it holds no line break")
        }
        let fields = try JSONFields(bytes, allowed: Self.fields)
        stream = try fields.string("stream")
        guard Identifiers.isStream(stream) else {
            throw .init(message: "stream \"\(stream)\" is not a valid stream id (1–200 characters from letters, digits and ._:/@-)")
        }
        expectedVersion = try fields.unsigned("expectedVersion")
        type = try fields.string("type")
        guard Identifiers.isEventType(type) else {
            throw .init(message: "type \"\(type)\" is not a valid event type (a capital letter, then letters and digits)")
        }
        schema = try fields.unsigned("schema")
        guard schema >= 1 else { throw .init(message: "schema must be 1 or higher") }
        guard let data = fields.member("data"), data.kind == .object else {
            throw .init(message: fields.has("data") ? "field \"data\" must be a JSON object" : "missing field \"data\"")
        }
        self.bytes = bytes
        dataRange = data.range
    }

    /// Composes an event line from its parts; `data` must be one JSON object on one line.
    public init(stream: String, expectedVersion: UInt64, type: String, schema: UInt64 = 1, data: [UInt8]) throws(FormatError) {
        var line = Array(
            "{\"stream\":\(JSONText.quoted(stream)),\"expectedVersion\":\(expectedVersion),\"type\":\(JSONText.quoted(type)),\"schema\":\(schema),\"data\":"
                .utf8)
        line += data
        line.append(UInt8(ascii: "}"))
        guard !data.contains(0x0A), !data.contains(0x0D) else { throw .init(message: "the event data must fit on one line") }
        try self.init(parsing: line)
    }
}
