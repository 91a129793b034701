/// Typed access to the top-level members of a validated JSON object, for formats whose fields
/// are fixed: every getter says which field was missing or of the wrong type.
/// A document that does not follow its format, with a message that names the field at fault.
public struct FormatError: PhrasedError, Equatable, Sendable {
    public let phrase: Phrase
    public init(message: Phrase) { phrase = message }
    /// The message in English.
    public var message: String { phrase.description }
}

package struct JSONFields {
    package let bytes: [UInt8]
    package let members: [JSONScanner.Member]

    /// Validates `bytes` as one JSON object. `allowed` (when given) is the complete set of
    /// member names the format knows; any other member is refused.
    package init(_ bytes: [UInt8], allowed: [String]? = nil) throws(FormatError) {
        do {
            members = try JSONScanner.objectMembers(bytes)
        } catch {
            throw FormatError(message: "not valid JSON: \(error)")
        }
        self.bytes = bytes
        if let allowed, let unknown = members.first(where: { member in !allowed.contains { member.hasKey($0, in: bytes) } }) {
            throw FormatError(message: "unknown field \"\(unknown.key(in: bytes))\"")
        }
    }

    package func member(_ key: String) -> JSONScanner.Member? {
        members.first { $0.hasKey(key, in: bytes) }
    }

    package func has(_ key: String) -> Bool { member(key) != nil }

    private func required(_ key: String, _ kind: JSONScanner.Kind, _ noun: String) throws(FormatError) -> JSONScanner.Member {
        guard let member = member(key) else { throw FormatError(message: "missing field \"\(key)\"") }
        guard member.kind == kind else { throw FormatError(message: "field \"\(key)\" must be \(noun)") }
        return member
    }

    package func string(_ key: String) throws(FormatError) -> String {
        let member = try required(key, .string, "a string")
        return JSONScanner.decodeString(bytes, member.range)
    }

    package func optionalString(_ key: String) throws(FormatError) -> String? {
        has(key) ? try string(key) : nil
    }

    /// A non-negative integer written without fraction or exponent, at most 2^53.
    package func unsigned(_ key: String) throws(FormatError) -> UInt64 {
        let member = try required(key, .number, "a whole number")
        let digits = bytes[member.range]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), digits.count <= 16,
            let value = UInt64(String(decoding: digits, as: UTF8.self)), value <= 1 << 53
        else { throw FormatError(message: "field \"\(key)\" must be a whole number from 0 to 2^53") }
        return value
    }

    /// A finite JSON number.
    package func number(_ key: String) throws(FormatError) -> Double {
        let member = try required(key, .number, "a number")
        guard let value = Double(String(decoding: bytes[member.range], as: UTF8.self)), value.isFinite else {
            throw FormatError(message: "field \"\(key)\" is not a usable number")
        }
        return value
    }

    package func bool(_ key: String) throws(FormatError) -> Bool {
        let member = try required(key, .bool, "true or false")
        return bytes[member.range.lowerBound] == UInt8(ascii: "t")
    }

    /// The exact bytes of an object-valued field.
    package func objectBytes(_ key: String) throws(FormatError) -> ArraySlice<UInt8> {
        let member = try required(key, .object, "a JSON object")
        return bytes[member.range]
    }

    /// The exact bytes of any field's value.
    package func rawValue(_ key: String) -> ArraySlice<UInt8>? {
        member(key).map { bytes[$0.range] }
    }
}

/// Writing JSON strings by hand, for the formats whose bytes the ledger itself composes.
package enum JSONText {
    /// `text` as a JSON string literal, quotes included. Escapes `"`, `\` and control characters
    /// only, so that the same text always gives the same bytes.
    package static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
