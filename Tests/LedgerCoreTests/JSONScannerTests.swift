import LedgerCore
import Testing

/// Inside strings, the scanner validates every byte: an escape, a letter beyond ASCII, a control
/// character or a broken UTF-8 sequence is seen wherever it falls, and a refusal names its offset.
struct JSONScannerTests {
    static let prefix = Array(#"{"k":""#.utf8)

    /// A string of 24 letters with `bytes` put in at `offset`, inside a one-member object.
    static func document(_ bytes: [UInt8], at offset: Int) -> [UInt8] {
        var text = Array(repeating: UInt8(ascii: "a"), count: 24)
        text.replaceSubrange(offset..<(offset + 1), with: bytes)
        return prefix + text + Array(#""}"#.utf8)
    }

    @Test(arguments: 0..<24)
    func escapesAndLettersBeyondASCIIAreReadWhereverTheyFall(offset: Int) throws {
        for inserted in [Array(#"\""#.utf8), Array(#"\u00e9"#.utf8), [0xC3, 0xA9], [0xF0, 0x9F, 0x8F, 0xA0]] {
            let bytes = Self.document(inserted, at: offset)
            let members = try JSONScanner.objectMembers(bytes)
            #expect(members.count == 1 && members[0].range == Self.prefix.count - 1..<bytes.count - 1)
        }
    }

    @Test(arguments: 0..<24)
    func badBytesAreRefusedWhereverTheyFall(offset: Int) {
        for (inserted, reason) in [
            ([UInt8(0x01)], "control character"), ([0x1F], "control character"), ([0x80], "invalid UTF-8"),
            ([0xC3], "invalid UTF-8"), ([0xFF], "invalid UTF-8"), ([0x22], "expected ',' or '}'"),
        ] {
            do {
                _ = try JSONScanner.objectMembers(Self.document(inserted, at: offset))
                Issue.record("accepted \(inserted) at \(offset)")
            } catch {
                #expect(error.reason.contains(reason), "\(inserted) at \(offset): \(error)")
                if reason != "expected ',' or '}'" {
                    #expect(error.offset == Self.prefix.count + offset, "\(inserted) at \(offset): \(error)")
                }
            }
        }
    }
}
