import Foundation
import LedgerCore
import Testing

/// Interoperability with Go's `golang.org/x/mod/sumdb/note`: its published example key and
/// note must come out byte for byte.
struct SignedNoteTests {
    static let goPrivateKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goNote =
        goText + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test func goExampleKeyAndNoteComeOutByteForByte() throws {
        let key = try SigningKey(parsing: Self.goPrivateKey)
        #expect(key.verifier.description == Self.goVerifierKey)
        #expect(key.fileText == Self.goPrivateKey + "\n")
        #expect(SignedNote.sign(Self.goText, with: key).serialized == Self.goNote)
        let verifier = try VerifierKey(parsing: Self.goVerifierKey)
        let note = try SignedNote(parsing: Self.goNote)
        #expect(throws: Never.self) { try note.verify(by: verifier) }
    }

    @Test func keysWhoseBase64HoldsAPlusParse() throws {
        let key = try VerifierKey(parsing: "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")
        #expect(key.name == "TEST" && key.publicKey.count == 32)
    }

    @Test(arguments: [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // wrong hash
        "PeterNeumann+c74f20a3+AhRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10", // wrong algorithm byte
        "PeterNeumann+c74f20a3", "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "",
    ])
    func malformedVerifierKeysAreRefused(_ text: String) {
        #expect(throws: KeyError.self) { try VerifierKey(parsing: text) }
    }

    @Test func alteredNotesAndOtherKeysFail() throws {
        let verifier = try VerifierKey(parsing: Self.goVerifierKey)
        let altered = try SignedNote(parsing: Self.goNote.replacingOccurrences(of: "problem,", with: "problem;"))
        #expect(throws: NoteError.badSignature("PeterNeumann")) { try altered.verify(by: verifier) }
        let other = try SigningKey.generate(name: "PeterNeumann").verifier
        #expect(throws: NoteError.noSignatureBy("PeterNeumann")) { try SignedNote(parsing: Self.goNote).verify(by: other) }
        #expect(throws: NoteError.self) { try SignedNote(parsing: Self.goText) }
    }

    @Test func checkpointsFollowTheTlogCheckpointLayout() throws {
        let key = try SigningKey.generate(name: "ledger.example/heuvelstad")
        let root = TreeHash.leaf([1, 2, 3])
        let note = Checkpoint(origin: "ledger.example/heuvelstad", size: 42, root: root).signed(by: key).serialized
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(Array(lines.prefix(4)) == ["ledger.example/heuvelstad", "42", Substring(root.base64), ""])
        #expect(lines[4].hasPrefix("\u{2014} ledger.example/heuvelstad "))
        let opened = try Checkpoint.open(note, verifier: key.verifier)
        #expect(opened == Checkpoint(origin: "ledger.example/heuvelstad", size: 42, root: root))
        let forged = note.replacingOccurrences(of: "\n42\n", with: "\n43\n")
        #expect(throws: NoteError.self) { try Checkpoint.open(forged, verifier: key.verifier) }
    }

    /// `text` (padded base64 whose last character carries unused bits) with its lowest unused bit
    /// flipped: the same bytes, spelled another way.
    static func twinSpelling(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(text)
        let last = characters.lastIndex { $0 != "=" }!
        characters[last] = alphabet[alphabet.firstIndex(of: characters[last])! ^ 1]
        return String(characters)
    }

    /// The same bytes spelled another way in base64 are refused everywhere the ledger reads
    /// base64, so that two byte-different notes, keys or hashes can never both check.
    @Test func onlyCanonicalBase64IsRead() throws {
        #expect(Data(canonicalBase64: "AQI=") == Data([1, 2]))
        for spelling in ["AQJ=", "AQI", "AQI==", "AQ I=", "AQ==AQ==", "AQI=\n", "-_8="] {
            #expect(Data(canonicalBase64: spelling) == nil, "\(spelling)")
        }
        let key = try SigningKey.generate(name: "ledger.example/heuvelstad")
        let root = TreeHash.leaf([1, 2, 3])
        let note = Checkpoint(origin: "ledger.example/heuvelstad", size: 42, root: root).signed(by: key).serialized
        let signature = String(note.split(separator: " ").last!.dropLast())
        for (original, twin) in [(root.base64, Self.twinSpelling(root.base64)), (signature, Self.twinSpelling(signature))] {
            #expect(twin != original && Data(base64Encoded: twin) == Data(base64Encoded: original), "a twin spelling of \(original)")
            #expect(throws: NoteError.self) { try Checkpoint.open(note.replacingOccurrences(of: original, with: twin), verifier: key.verifier) }
        }
        #expect(TreeHash(base64: Self.twinSpelling(root.base64)) == nil)
        #expect(throws: KeyError.self) { try VerifierKey(parsing: Self.twinSpelling(Self.goVerifierKey)) }
        #expect(throws: NoteError.self) { try SignedNote(parsing: Self.goNote.replacingOccurrences(of: "JnAM=", with: "JnAN=")) }
    }
}
