/// The checks a new append meets before admission and that replay never repeats: the
/// ``AdmissionLimits`` and plain text. What a ledger once admitted stays readable, verifiable and
/// replicable; these only keep new input from adding to it.
enum CommitScreening {
    /// Refuses `document` when it breaks a limit or carries a refused character in its events.
    static func screen(_ document: CommitDocument, received: Timestamp, limits: AdmissionLimits) throws(LedgerError) {
        if document.bytes.count > limits.commitBytes {
            throw .refusedCommit(
                rule: "commit-size", detail: "the commit is \(document.bytes.count) bytes; this ledger takes at most \(limits.commitBytes): split it")
        }
        if document.events.count > limits.eventsPerCommit {
            throw .refusedCommit(
                rule: "events-per-commit",
                detail:
                    "the commit holds \(document.events.count) events; this ledger takes at most \(limits.eventsPerCommit) in one commit: split it")
        }
        let (skew, overflow) = document.time.milliseconds.subtractingReportingOverflow(received.milliseconds)
        if overflow || skew.magnitude > UInt64(limits.clockSkew) {
            throw .refusedCommit(
                rule: "signing-time",
                detail: "the commit was signed at \(document.time), but the ledger's clock says \(received); "
                    + "a commit's time may differ from the ledger's by at most \(Self.duration(limits.clockSkew)): check the signing machine's clock")
        }
        for (index, event) in document.events.enumerated() {
            if let found = PlainText.firstRefused(in: event.data) {
                let field = found.field.map { "field \"\($0)\": " } ?? ""
                throw .invalidEvent(
                    index: index,
                    reason: "\(event.type): \(field)\(PlainText.name(of: found.scalar)) is not allowed in text; "
                        + "control characters (other than tab and line feed) and bidirectional controls are refused")
            }
        }
    }

    /// `milliseconds` in words: "24 hours", "90 minutes", "5 seconds".
    static func duration(_ milliseconds: Int64) -> String {
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000) hours" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000) minutes" }
        return "\(Double(milliseconds) / 1000) seconds"
    }
}

/// Which characters text in an event may hold. Every string of an event's JSON (its values and
/// its member names) is text: tab and line feed are the only control characters it may hold, and
/// none of Unicode's bidirectional controls (embeddings, overrides, isolates and the directional
/// marks), which make a text display differently from what was signed.
package enum PlainText {
    /// Whether `scalar` is refused in text.
    package static func isRefused(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `U+202E (right-to-left override)` and the like.
    package static func name(of scalar: UInt32) -> String {
        let hex = String(scalar, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let names: [UInt32: String] = [
            0x00: "NUL", 0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete", 0x061C: "Arabic letter mark",
            0x200E: "left-to-right mark", 0x200F: "right-to-left mark", 0x202A: "left-to-right embedding",
            0x202B: "right-to-left embedding", 0x202C: "pop directional formatting", 0x202D: "left-to-right override",
            0x202E: "right-to-left override", 0x2066: "left-to-right isolate", 0x2067: "right-to-left isolate",
            0x2068: "first strong isolate", 0x2069: "pop directional isolate",
        ]
        if let name = names[scalar] { return "\(code) (\(name))" }
        return scalar < 0x20 || (0x7F...0x9F).contains(scalar) ? "\(code) (a control character)" : code
    }

    /// The first refused character in the strings of the JSON text `bytes`, with the name of the
    /// member it was found in (or under); `nil` when there is none. Reads escapes (`\u202e`,
    /// `\u0000`, `\r`) and raw UTF-8 alike; never traps on malformed input (it stops reading).
    package static func firstRefused(in bytes: ArraySlice<UInt8>) -> (field: String?, scalar: UInt32)? {
        var index = bytes.startIndex
        // The last member name seen, as the byte range of its string token (quotes included):
        // decoded only when a refused character is found.
        var member: Range<Int>?
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            let start = index
            index += 1
            var refused: UInt32?
            reading: while index < bytes.endIndex {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    break reading
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.endIndex else { return nil }
                    let escaped = bytes[index + 1]
                    index += 2
                    var scalar: UInt32
                    switch escaped {
                    case UInt8(ascii: "u"):
                        guard let unit = hex4(bytes, at: index) else { return nil }
                        index += 4
                        scalar = unit
                        if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.endIndex, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(bytes, at: index + 2), (0xDC00...0xDFFF).contains(low)
                        {
                            index += 6
                            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        }
                    case UInt8(ascii: "b"): scalar = 0x08
                    case UInt8(ascii: "f"): scalar = 0x0C
                    case UInt8(ascii: "r"): scalar = 0x0D
                    case UInt8(ascii: "n"): scalar = 0x0A
                    case UInt8(ascii: "t"): scalar = 0x09
                    default: scalar = UInt32(escaped)
                    }
                    if refused == nil, isRefused(scalar) { refused = scalar }
                default:
                    let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 1
                    guard index + length <= bytes.endIndex else { return nil }
                    var scalar = length == 1 ? UInt32(byte) : UInt32(byte) & (0xFF >> (length + 1))
                    for next in bytes[(index + 1)..<(index + length)] { scalar = scalar << 6 | UInt32(next & 0x3F) }
                    if refused == nil, isRefused(scalar) { refused = scalar }
                    index += length
                }
            }
            var after = index
            while after < bytes.endIndex, bytes[after] == 0x20 || bytes[after] == 0x09 || bytes[after] == 0x0A || bytes[after] == 0x0D {
                after += 1
            }
            let isName = after < bytes.endIndex && bytes[after] == UInt8(ascii: ":")
            let token = start..<index
            if let refused { return ((isName ? token : member).map { decode(bytes, $0) }, refused) }
            if isName { member = token }
        }
        return nil
    }

    /// The text of the string token at `range` of `bytes`.
    private static func decode(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> String {
        let shift = bytes.startIndex
        return JSONScanner.decodeString(Array(bytes), (range.lowerBound - shift)..<(range.upperBound - shift))
    }

    private static func hex4(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32? {
        guard index + 4 <= bytes.endIndex else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
