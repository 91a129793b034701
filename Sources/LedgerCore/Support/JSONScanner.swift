import Foundation

/// A strict RFC 8259 reader for the JSON documents that are signed and hashed: commit headers,
/// event lines and log entries.
///
/// Signed bytes are stored exactly as they came, so the ledger never re-encodes JSON; it needs
/// to validate it, read a few top-level members, and know where a member's value sits in the
/// bytes. It also refuses what makes signed JSON ambiguous: duplicate keys (at any depth),
/// invalid UTF-8, unescaped control characters, and nesting deeper than 64 levels.
package struct JSONScanner {
    /// The kind of a JSON value.
    package enum Kind: Equatable, Sendable {
        case object, array, string, number, bool, null
    }

    /// A top-level member of an object: its decoded key and where its value lies.
    package struct Member: Sendable {
        /// Byte offsets of the member name's string token, quotes included.
        package let keyRange: Range<Int>
        /// Whether the member name holds escapes (and so must be decoded to be compared).
        package let keyEscaped: Bool
        package let kind: Kind
        /// Byte offsets of the value (for a string, including its quotes).
        package let range: Range<Int>

        /// Whether the member's name is `name`, compared without allocating.
        package func hasKey(_ name: String, in bytes: [UInt8]) -> Bool {
            if keyEscaped { return JSONScanner.decodeString(bytes, keyRange) == name }
            let count = keyRange.count - 2
            guard name.utf8.count == count else { return false }
            guard count > 0 else { return true }
            var name = name
            return name.withUTF8 { name in
                bytes.withUnsafeBytes { bytes in
                    memcmp(bytes.baseAddress! + keyRange.lowerBound + 1, name.baseAddress!, count) == 0
                }
            }
        }

        /// The member's decoded name.
        package func key(in bytes: [UInt8]) -> String { JSONScanner.decodeString(bytes, keyRange) }
    }

    /// Where and why a document is not acceptable JSON.
    package struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        package let offset: Int
        package let reason: String
        package var description: String { "\(reason) at byte \(offset + 1)" }
    }

    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    /// The member names of the objects being read, innermost last, for the duplicate check;
    /// one buffer for the whole document rather than one per object.
    private var keys: [(range: Range<Int>, escaped: Bool)] = []
    private static let maximumDepth = 64

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        keys.reserveCapacity(16)
    }

    /// Validates `bytes` as one JSON object (optionally surrounded by spaces) and returns its
    /// members in document order.
    package static func objectMembers(_ bytes: [UInt8]) throws(Failure) -> [Member] {
        let result: Result<[Member], Failure> = bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw)
            do throws(Failure) {
                scanner.skipSpace()
                guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.failure("expected a JSON object") }
                let members = try scanner.object(depth: 1, collect: true)
                scanner.skipSpace()
                guard scanner.offset == raw.count else { throw scanner.failure("unexpected bytes after the JSON object") }
                return .success(members)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes a JSON string token (with its quotes) that `objectMembers` has validated.
    package static func decodeString(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        bytes.withUnsafeBytes { raw in
            let body = UnsafeRawBufferPointer(rebasing: raw[(range.lowerBound + 1)..<(range.upperBound - 1)])
            if !body.contains(UInt8(ascii: "\\")) {
                return String(decoding: body, as: UTF8.self)
            }
            var scanner = JSONScanner(raw)
            scanner.offset = range.lowerBound
            return (try? scanner.string()) ?? ""
        }
    }

    // MARK: - Grammar

    private func failure(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

    private func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        guard peek() == byte else { throw failure("expected \(what)") }
        offset += 1
    }

    @discardableResult
    private mutating func value(depth: Int) throws(Failure) -> Kind {
        guard depth <= Self.maximumDepth else { throw failure("JSON nested deeper than \(Self.maximumDepth) levels") }
        switch peek() {
        case UInt8(ascii: "{"):
            _ = try object(depth: depth + 1, collect: false)
            return .object
        case UInt8(ascii: "["):
            try array(depth: depth + 1)
            return .array
        case UInt8(ascii: "\""):
            _ = try skipString()
            return .string
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case nil:
            throw failure("unexpected end of JSON")
        case let byte?:
            guard byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                throw failure("unexpected character in JSON")
            }
            try number()
            return .number
        }
    }

    private mutating func object(depth: Int, collect: Bool) throws(Failure) -> [Member] {
        try expect(UInt8(ascii: "{"), "'{'")
        var members: [Member] = []
        // The formats' objects have a handful of members: one allocation, not one per doubling.
        if collect { members.reserveCapacity(8) }
        // This object's keys so far, as byte ranges; most objects are small, so a linear scan
        // beats hashing.
        let firstKey = keys.count
        defer { keys.removeSubrange(firstKey...) }
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            offset += 1
            return members
        }
        while true {
            skipSpace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
            let keyStart = offset
            let escaped = try skipString()
            let key = (range: keyStart..<offset, escaped: escaped)
            for other in keys[firstKey...] where sameKey(other, key) {
                throw Failure(offset: keyStart, reason: "duplicate key \"\(decode(key.range))\"")
            }
            keys.append(key)
            skipSpace()
            try expect(UInt8(ascii: ":"), "':' after a member name")
            skipSpace()
            let valueStart = offset
            let kind = try value(depth: depth)
            if collect {
                members.append(Member(keyRange: key.range, keyEscaped: key.escaped, kind: kind, range: valueStart..<offset))
            }
            skipSpace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                return members
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private func sameKey(_ a: (range: Range<Int>, escaped: Bool), _ b: (range: Range<Int>, escaped: Bool)) -> Bool {
        if a.escaped || b.escaped { return decode(a.range) == decode(b.range) }
        guard a.range.count == b.range.count else { return false }
        return memcmp(bytes.baseAddress! + a.range.lowerBound, bytes.baseAddress! + b.range.lowerBound, a.range.count) == 0
    }

    /// The decoded value of a string token that has been validated.
    private func decode(_ range: Range<Int>) -> String {
        let body = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if !body.contains(UInt8(ascii: "\\")) { return String(decoding: body, as: UTF8.self) }
        var scanner = JSONScanner(bytes)
        scanner.offset = range.lowerBound
        return (try? scanner.string()) ?? ""
    }

    /// Validates a string token and moves past it; returns whether it holds escapes.
    private mutating func skipString() throws(Failure) -> Bool {
        try expect(UInt8(ascii: "\""), "'\"'")
        var escaped = false
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return escaped
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                offset += 1
                var ignored: [UInt8] = []
                try escape(into: &ignored)
            } else if byte < 0x20 {
                throw failure("unescaped control character in a string")
            } else if byte >= 0x80 {
                try multibyte()
            } else {
                offset += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func array(depth: Int) throws(Failure) {
        try expect(UInt8(ascii: "["), "'['")
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            skipSpace()
            try value(depth: depth)
            skipSpace()
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                return
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw failure("unexpected end of JSON") }
        for index in 0..<count where bytes[offset + index] != word.utf8Start[index] {
            throw failure("unexpected character in JSON")
        }
        offset += count
    }

    private mutating func digits() -> Int {
        let start = offset
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { offset += 1 }
        return offset - start
    }

    private mutating func number() throws(Failure) {
        if peek() == UInt8(ascii: "-") { offset += 1 }
        if peek() == UInt8(ascii: "0") {
            offset += 1
        } else {
            guard digits() > 0 else { throw failure("malformed number") }
        }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            guard digits() > 0 else { throw failure("malformed number: digits expected after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw failure("malformed number: digits expected in the exponent") }
        }
    }

    /// Reads a string token, validating UTF-8 and escapes, and returns its decoded value.
    private mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""), "'\"'")
        var decoded: [UInt8] = []
        var runStart = offset
        while true {
            guard let byte = peek() else { throw failure("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                decoded.append(contentsOf: bytes[runStart..<offset])
                offset += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                decoded.append(contentsOf: bytes[runStart..<offset])
                offset += 1
                try escape(into: &decoded)
                runStart = offset
            case 0x00..<0x20:
                throw failure("unescaped control character in a string")
            case 0x80...:
                try multibyte()
            default:
                offset += 1
            }
        }
    }

    private mutating func escape(into decoded: inout [UInt8]) throws(Failure) {
        guard let byte = peek() else { throw failure("unterminated escape") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard peek() == UInt8(ascii: "\\"), offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw failure("unpaired surrogate in \\u escape")
                }
                offset += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw failure("unpaired surrogate in \\u escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
            decoded.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            throw failure("invalid escape in a string")
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw failure("unterminated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF).
    private mutating func multibyte() throws(Failure) {
        let lead = bytes[offset]
        let length: Int
        var lowest: UInt8 = 0x80
        var highest: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            highest = 0x9F
        case 0xF0:
            length = 4
            lowest = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            highest = 0x8F
        default: throw failure("invalid UTF-8")
        }
        guard offset + length <= bytes.count else { throw failure("invalid UTF-8") }
        let second = bytes[offset + 1]
        guard second >= lowest, second <= highest else { throw failure("invalid UTF-8") }
        for index in 2..<max(2, length) where bytes[offset + index] & 0xC0 != 0x80 {
            throw failure("invalid UTF-8")
        }
        offset += length
    }
}
