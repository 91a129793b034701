import Foundation
import LedgerCore
import Testing

/// `cosignature/v1` against answers computed independently from the C2SP text
/// (`tools/cosignature-known-answers.py`: Python's hashlib and `cryptography` Ed25519).
struct CosignatureTests {
    struct KnownAnswer: Decodable, CustomStringConvertible {
        let name: String
        let seed: String
        let timestamp: UInt64
        let body: String
        let keyID: String
        let verifierKey: String
        let message: String
        let line: String
        var description: String { name }
    }

    static let knownAnswers: [KnownAnswer] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vectors/cosignature-known-answers.json")
        return (try? JSONDecoder().decode([KnownAnswer].self, from: Data(contentsOf: url))) ?? []
    }()

    @Test func theKnownAnswersAreThere() {
        #expect(Self.knownAnswers.count == 3)
    }

    @Test(arguments: knownAnswers)
    func theCosignerMatchesTheKnownAnswer(_ answer: KnownAnswer) throws {
        let key = try CosignerKey(name: answer.name, seed: try #require(Data(base64Encoded: answer.seed)))
        #expect(key.verifier.description == answer.verifierKey)
        #expect(String(format: "%08x", key.verifier.keyHash) == answer.keyID)
        #expect(Cosignature.message(body: answer.body, timestamp: answer.timestamp) == Data(base64Encoded: answer.message))
        let produced = key.line(key.cosign(body: answer.body, timestamp: answer.timestamp))
        #if !canImport(Darwin)
            // Ed25519 as RFC 8032 defines it is deterministic (BoringSSL signs so; Apple's
            // CryptoKit adds randomness), so here the whole line is the known one.
            #expect(produced == answer.line)
        #endif
        // The verifier key, parsed, accepts the known line and its own, and nothing altered.
        let verifier = try CosignerVerifierKey(parsing: answer.verifierKey)
        #expect(verifier.cosignatureTime(on: try SignedNote(parsing: answer.body + "\n" + produced)) == answer.timestamp)
        let note = try SignedNote(parsing: answer.body + "\n" + answer.line)
        #expect(verifier.cosignatureTime(on: note) == answer.timestamp)
        let altered = try SignedNote(parsing: "X" + answer.body.dropFirst() + "\n" + answer.line)
        #expect(verifier.cosignatureTime(on: altered) == nil)
    }

    @Test func aCosignerKeyIsNotANoteSignerKey() throws {
        let key = try CosignerKey.generate(name: "witness.example/w1")
        #expect(throws: KeyError.self) { try VerifierKey(parsing: key.verifier.description) }
        #expect(throws: KeyError.self) { try SigningKey(parsing: key.fileText) }
        let signer = try SigningKey.generate(name: "witness.example/w1")
        #expect(throws: KeyError.self) { try CosignerVerifierKey(parsing: signer.verifier.description) }
        #expect(try CosignerKey(parsing: key.fileText).verifier == key.verifier)
        // Same name, other type byte: other key IDs, so neither's lines are taken for the other's.
        #expect(signer.verifier.keyHash != (try CosignerVerifierKey(name: signer.name, publicKey: signer.verifier.publicKey)).keyHash)
    }
}
