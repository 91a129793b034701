/// The spelling rules for names that end up in signed bytes and stream ids.
package enum Identifiers {
    /// Organisation ids: lowercase letters, digits and hyphens, starting with a letter or digit,
    /// at most 64 characters (`gemeente-heuvelstad`).
    package static func isOrganisation(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard (1...64).contains(utf8.count), let first = utf8.first, isLowerAlphanumeric(first) else { return false }
        return all(text) { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Stream ids: 1–200 characters from letters, digits and `._:/@-`, not starting with `/`
    /// (`organisation/heuvelstad`, `measurement/hf-intake/2026-03/heuvelstad`).
    package static func isStream(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard (1...200).contains(utf8.count), utf8.first != UInt8(ascii: "/") else { return false }
        return all(text) { byte in
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "-"): true
            default: isAlphanumeric(byte)
            }
        }
    }

    /// Event types: an uppercase letter then letters and digits, at most 100 (`MeasurementRecorded`).
    package static func isEventType(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard (1...100).contains(utf8.count), let first = utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else {
            return false
        }
        return all(text, isAlphanumeric)
    }

    /// Key ids: 16 lowercase hexadecimal digits.
    package static func isKeyID(_ text: String) -> Bool {
        text.utf8.count == 16 && all(text, isLowerHex)
    }

    /// Commit ids: 64 lowercase hexadecimal digits.
    package static func isCommitID(_ text: String) -> Bool {
        text.utf8.count == 64 && all(text, isLowerHex)
    }

    /// Whether every UTF-8 byte of `text` passes `test`, read from the string's own storage.
    private static func all(_ text: String, _ test: (UInt8) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { $0.allSatisfy(test) }
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
