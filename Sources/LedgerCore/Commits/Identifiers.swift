/// The spelling rules for names that end up in signed bytes and stream ids.
package enum Identifiers {
    /// Organisation ids: lowercase letters, digits and hyphens, starting with a letter or digit,
    /// at most 64 characters (`gemeente-heuvelstad`).
    package static func isOrganisation(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count), isLowerAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Stream ids: 1–200 characters from letters, digits and `._:/@-`, not starting with `/`
    /// (`organisation/heuvelstad`, `measurement/hf-intake/2026-03/heuvelstad`).
    package static func isStream(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...200).contains(bytes.count), bytes[0] != UInt8(ascii: "/") else { return false }
        return bytes.allSatisfy { byte in
            isAlphanumeric(byte) || Array("._:/@-".utf8).contains(byte)
        }
    }

    /// Event types: an uppercase letter then letters and digits, at most 100 (`MeasurementRecorded`).
    package static func isEventType(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...100).contains(bytes.count), (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy(isAlphanumeric)
    }

    /// Key ids: 16 lowercase hexadecimal digits.
    package static func isKeyID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 16 && bytes.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// Commit ids: 64 lowercase hexadecimal digits.
    package static func isCommitID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 64 && bytes.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
