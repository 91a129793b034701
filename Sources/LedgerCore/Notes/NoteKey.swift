import Crypto
public import Foundation

/// Why a key string or key file could not be used.
public enum KeyError: Equatable, Sendable, PhrasedError {
    case invalidName(String)
    case malformed(String)
    case hashMismatch(String)

    public var phrase: Phrase {
        switch self {
        case .invalidName(let name):
            "\"\(name)\" is not a usable key name: it must be non-empty, without spaces or '+'"
        case .malformed(let what):
            "\(what) is not an Ed25519 key in the signed-note format (name+hash+base64)"
        case .hashMismatch(let name):
            "the key hash in the key for \"\(name)\" does not match the key: the key was altered or mistyped"
        }
    }
}

/// The signed-note key format of C2SP (`golang.org/x/mod/sumdb/note`), Ed25519 only.
///
/// A verifier key reads `name+hash+base64(0x01 ‖ public key)`; a private key file reads
/// `PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)`. `hash` is the first four bytes of
/// SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), in hexadecimal: it names the key in signature lines.
enum NoteKeyFormat {
    /// The signature type of a note signer's Ed25519 key.
    static let ed25519: UInt8 = 1
    /// The signature type of an Ed25519 cosigner's key (C2SP tlog-cosignature, `cosignature/v1`).
    static let cosignatureV1: UInt8 = 4

    static func validateName(_ name: String) throws(KeyError) {
        guard !name.isEmpty, !name.contains("+"),
            !name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
        else { throw .invalidName(name) }
    }

    static func keyHash(name: String, publicKey: Data, type: UInt8 = ed25519) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, type])
        hasher.update(data: publicKey)
        return hasher.finalize().prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Checks a key's name and length and returns its key hash for signature type `type`.
    static func checkedKeyHash(name: String, publicKey: Data, type: UInt8) throws(KeyError) -> UInt32 {
        try validateName(name)
        guard publicKey.count == 32 else { throw .malformed("a \(publicKey.count)-byte public key") }
        return keyHash(name: name, publicKey: publicKey, type: type)
    }

    static func hex(_ keyHash: UInt32) -> String {
        let digits = String(keyHash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Splits `name+hash+base64`, checking the hash field's spelling and the algorithm byte.
    static func parse(_ text: String, what: String, type: UInt8 = ed25519) throws(KeyError) -> (name: String, hash: UInt32, key: Data) {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count == 8, let hash = UInt32(parts[1], radix: 16),
            let raw = Data(canonicalBase64: String(parts[2])), raw.count == 33, raw.first == type
        else { throw .malformed(what) }
        let name = String(parts[0])
        try validateName(name)
        return (name, hash, raw.dropFirst())
    }
}

/// A public Ed25519 key with its signed-note name, as partners and verifiers hold it.
public struct VerifierKey: Hashable, Sendable, CustomStringConvertible {
    /// The key's name in signature lines.
    public let name: String
    /// The raw 32-byte Ed25519 public key.
    public let publicKey: Data
    /// The four-byte key hash that signature lines carry.
    public let keyHash: UInt32

    /// Creates the verifier key of a raw public key.
    public init(name: String, publicKey: Data) throws(KeyError) {
        keyHash = try NoteKeyFormat.checkedKeyHash(name: name, publicKey: publicKey, type: NoteKeyFormat.ed25519)
        self.name = name
        self.publicKey = Data(publicKey)
    }

    /// Parses `name+hash+base64`, rejecting a key whose hash does not match.
    public init(parsing text: String) throws(KeyError) {
        let (name, hash, key) = try NoteKeyFormat.parse(text, what: "the verifier key \"\(text)\"")
        try self.init(name: name, publicKey: key)
        guard keyHash == hash else { throw .hashMismatch(name) }
    }

    /// `name+hash+base64(0x01 ‖ key)`.
    public var description: String {
        "\(name)+\(NoteKeyFormat.hex(keyHash))+\((Data([NoteKeyFormat.ed25519]) + publicKey).base64EncodedString())"
    }

    /// Checks an Ed25519 signature over `message`.
    public func isValidSignature<Message: DataProtocol>(_ signature: Data, for message: Message) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// A private Ed25519 key with its signed-note name: an organisation's signing key or the
/// ledger's checkpoint key.
public struct SigningKey: @unchecked Sendable { // the private key is an immutable value
    /// The key's name.
    public let name: String
    private let key: Curve25519.Signing.PrivateKey

    /// The matching public key.
    public let verifier: VerifierKey

    /// A new random key.
    public static func generate(name: String) throws(KeyError) -> SigningKey {
        try SigningKey(name: name, key: Curve25519.Signing.PrivateKey())
    }

    private init(name: String, key: Curve25519.Signing.PrivateKey) throws(KeyError) {
        self.name = name
        self.key = key
        verifier = try VerifierKey(name: name, publicKey: key.publicKey.rawRepresentation)
    }

    /// Parses the `PRIVATE+KEY+name+hash+base64` form of a key file (surrounding whitespace ignored).
    public init(parsing text: String) throws(KeyError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "PRIVATE+KEY+"
        guard trimmed.hasPrefix(prefix) else { throw .malformed("the key file") }
        let (name, hash, seed) = try NoteKeyFormat.parse(String(trimmed.dropFirst(prefix.count)), what: "the key file")
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else { throw .malformed("the key file") }
        try self.init(name: name, key: key)
        guard verifier.keyHash == hash else { throw .hashMismatch(name) }
    }

    /// The key file text: `PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)`.
    public var fileText: String {
        let seed = Data([NoteKeyFormat.ed25519]) + key.rawRepresentation
        return "PRIVATE+KEY+\(name)+\(NoteKeyFormat.hex(verifier.keyHash))+\(seed.base64EncodedString())\n"
    }

    /// An Ed25519 signature over `message`.
    public func signature<Message: DataProtocol>(for message: Message) -> Data {
        // Signing with a well-formed private key does not fail.
        (try? key.signature(for: message)) ?? Data()
    }
}
