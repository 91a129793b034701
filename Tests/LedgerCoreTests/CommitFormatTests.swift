import Foundation
import LedgerCore
import Testing

struct CommitFormatTests {
    static let ledger = CommitID(of: Array("genesis".utf8))
    static let header =
        "{\"format\":\"chainledger.commit/1\",\"ledger\":\"\(ledger.hex)\",\"organisation\":\"gemeente-heuvelstad\",\"key\":\"0123456789abcdef\",\"time\":\"2026-03-01T09:30:00Z\",\"events\":1}"
    static let event =
        "{\"stream\":\"chain/hf\",\"expectedVersion\":0,\"type\":\"ChainDefined\",\"schema\":1,\"data\":{\"name\":\"Van straat naar thuis\"}}"

    @Test func aWellFormedCommitParses() throws {
        let bytes = Array((Self.header + "\n" + Self.event + "\n").utf8)
        let commit = try CommitDocument(parsing: bytes)
        #expect(commit.ledger == Self.ledger && commit.organisation == "gemeente-heuvelstad" && commit.keyID == "0123456789abcdef")
        #expect(commit.time == Timestamp(rfc3339: "2026-03-01T09:30:00Z"))
        #expect(commit.events.count == 1 && commit.events[0].stream == "chain/hf" && commit.events[0].version == 1)
        #expect(String(decoding: commit.events[0].data, as: UTF8.self) == "{\"name\":\"Van straat naar thuis\"}")
        #expect(commit.id == CommitID(of: bytes))
    }

    /// A store keeps only the header line of a commit whose entries hold exactly its event
    /// lines, and puts the document back together from them byte for byte.
    @Test func aCommitKeepsItsHeaderOnlyWhenItsEntriesHoldItsEventLines() throws {
        let events = try (0..<3).map {
            try EventLine(stream: "kpi/\($0)", expectedVersion: 0, type: "ValueRecorded", data: Array("{\"v\":\($0)}".utf8))
        }
        let time = Timestamp(milliseconds: 1_772_000_000_000)
        let bytes = CommitDocument.compose(
            ledger: Self.ledger, organisation: "gemeente-heuvelstad", keyID: "0123456789abcdef",
            time: time, events: events)
        let id = CommitID(of: bytes)
        func commit(_ bytes: [UInt8], _ part: StoredCommit.SignedPart) -> StoredCommit {
            StoredCommit(
                id: id, bytes: bytes, part: part, signature: [], organisation: "gemeente-heuvelstad",
                keyID: "0123456789abcdef", first: 10, last: 12, recordedAt: time)
        }
        func entry(_ index: Int, _ event: EventLine, at position: UInt64) -> StoredEntry {
            let bytes = LogEntry(position: position, version: 1, recordedAt: time, commit: id, index: index, event: event).bytes
            return StoredEntry(
                position: position, stream: event.stream, version: 1, type: event.type, recordedAt: time,
                commit: id, bytes: bytes, leafHash: TreeHash.leaf(bytes))
        }
        let whole = commit(bytes, .document)
        let entries = events.enumerated().map { entry($0, $1, at: 10 + UInt64($0)) }
        let header = try #require(whole.header(keptIn: entries[...]))
        #expect(header == Array(bytes[...bytes.firstIndex(of: 0x0A)!]))
        let kept = commit(header, .header)
        #expect(try kept.reassembled(from: entries[...]) == whole)
        #expect(try whole.reassembled(from: []) == whole)

        #expect(whole.header(keptIn: [entries[0], entry(1, events[2], at: 11), entries[2]][...]) == nil, "an entry holds another event")
        #expect(whole.header(keptIn: entries.prefix(2)) == nil, "an entry is missing")
        #expect(whole.header(keptIn: [entries[0], entry(1, events[1], at: 12), entries[2]][...]) == nil, "an entry is out of place")
        #expect(kept.header(keptIn: entries[...]) == nil, "only a whole document has a header to keep")
        #expect(throws: LedgerError.corrupted(position: 11, reason: "the entry is missing: it was deleted")) {
            try kept.reassembled(from: [entries[0], entries[2]][...])
        }
        #expect(throws: LedgerError.corrupted(position: 12, reason: "the entry is missing: it was deleted")) {
            try kept.reassembled(from: entries.prefix(2))
        }
    }

    @Test func composedCommitsParseBackToTheSameEvents() throws {
        let line = try EventLine(stream: "kpi/intake", expectedVersion: 4, type: "TargetSet", schema: 2, data: Array("{\"value\":90}".utf8))
        let bytes = CommitDocument.compose(
            ledger: Self.ledger, organisation: "stichting-opvang", keyID: "00112233aabbccdd",
            time: Timestamp(milliseconds: 0), events: [line, line])
        let commit = try CommitDocument(parsing: bytes)
        #expect(commit.events == [line, line] && commit.time.milliseconds == 0)
    }

    /// Each malformed document is refused with a message that says what is wrong.
    @Test(arguments: [
        (header + "\n" + event, "newline"),
        (header + "\n" + event + "\n" + event + "\n", "announces 1 events but 2"),
        (header + "\n\n" + event + "\n", "empty line"),
        (header.replacingOccurrences(of: "commit/1", with: "commit/2") + "\n" + event + "\n", "format"),
        (header.replacingOccurrences(of: "\"events\":1", with: "\"events\":1,\"extra\":true") + "\n" + event + "\n", "unknown field \"extra\""),
        (header.replacingOccurrences(of: "\"events\":1", with: "\"events\":1,\"events\":1") + "\n" + event + "\n", "duplicate key"),
        (header.replacingOccurrences(of: "2026-03-01T09:30:00Z", with: "1 maart 2026") + "\n" + event + "\n", "RFC 3339"),
        (header.replacingOccurrences(of: "gemeente-heuvelstad", with: "Gemeente Heuvelstad") + "\n" + event + "\n", "organisation id"),
        (header + "\n" + event.replacingOccurrences(of: "chain/hf", with: "chain hf") + "\n", "event 1 of the commit: stream"),
        (header + "\n" + event.replacingOccurrences(of: "\"expectedVersion\":0", with: "\"expectedVersion\":-1") + "\n", "expectedVersion"),
        (header + "\n" + event.replacingOccurrences(of: "\"expectedVersion\":0", with: "\"expectedVersion\":1.5") + "\n", "expectedVersion"),
        (header + "\n" + event.replacingOccurrences(of: "ChainDefined", with: "chain-defined") + "\n", "type"),
        (header + "\n" + event.replacingOccurrences(of: "\"schema\":1", with: "\"schema\":0") + "\n", "schema"),
        (header + "\n" + event.replacingOccurrences(of: "{\"name\":\"Van straat naar thuis\"}", with: "[1]") + "\n", "data"),
        (header + "\n" + event.replacingOccurrences(of: "straat", with: "str\u{1}aat") + "\n", "control character"),
        (header + "\n" + event.replacingOccurrences(of: "}}", with: "}") + "\n", "event 1 of the commit: not valid JSON"),
        (header + "\r\n" + event + "\n", "carriage returns"),
    ])
    func malformedCommitsAreRefused(_ text: String, _ expected: String) {
        do {
            _ = try CommitDocument(parsing: Array(text.utf8))
            Issue.record("accepted a malformed commit")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    /// An event line holds no line break, not even where JSON allows white space: such a line
    /// parsed, yet could not be composed again nor carried in a commit (found by fuzzing).
    @Test(arguments: ["\n", "\r", "\r\n"])
    func eventLinesHoldNoLineBreak(_ lineBreak: String) {
        for spot in ["\"schema\":1,", "{\"name\":"] {
            let text = Self.event.replacingOccurrences(of: spot, with: spot + lineBreak)
            #expect(throws: FormatError.self) { try EventLine(parsing: Array(text.utf8)) }
        }
    }

    @Test func invalidUTF8IsRefused() {
        var bytes = Array((Self.header + "\n" + Self.event + "\n").utf8)
        let index = bytes.firstIndex(of: UInt8(ascii: "V"))!
        bytes[index] = 0xC3
        #expect(throws: LedgerError.self) { try CommitDocument(parsing: bytes) }
    }

    @Test func logEntriesAreCanonicalAndRoundTrip() throws {
        let line = try EventLine(parsing: Array(Self.event.utf8))
        let entry = LogEntry(
            position: 7, version: 1, recordedAt: Timestamp(milliseconds: 1_772_357_400_123),
            commit: Self.ledger, index: 2, event: line)
        let text = String(decoding: entry.bytes, as: UTF8.self)
        #expect(
            text
                == "{\"format\":\"chainledger.entry/1\",\"position\":7,\"version\":1,\"recordedAt\":\"2026-03-01T09:30:00.123Z\",\"commit\":\"\(Self.ledger.hex)\",\"index\":2,\"event\":\(Self.event)}"
        )
        #expect(try LogEntry(parsing: entry.bytes) == entry)
        let spaced = Array(text.replacingOccurrences(of: "\"position\":7", with: "\"position\": 7").utf8)
        #expect(throws: FormatError.self) { try LogEntry(parsing: spaced) }
    }

    @Test(
        arguments: [
            ("2026-03-01T09:30:00Z", 1_772_357_400_000), ("2026-03-01T09:30:00.5Z", 1_772_357_400_500),
            ("1970-01-01T00:00:00.000Z", 0), ("2024-02-29T23:59:59.999Z", 1_709_251_199_999),
        ] as [(String, Int64)])
    func timestampsParse(_ text: String, _ milliseconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["2026-02-29T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T09:30:00+01:00", "2026-03-01 09:30:00Z", "2026-3-1T09:30:00Z"])
    func badTimestampsAreRefused(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func timestampsPrintWithMilliseconds() {
        #expect("\(Timestamp(milliseconds: 1_772_357_400_005))" == "2026-03-01T09:30:00.005Z")
        #expect("\(Timestamp(milliseconds: -1))" == "1969-12-31T23:59:59.999Z")
    }
}
