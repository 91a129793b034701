import Crypto
public import Foundation

/// An Ed25519 cosigner's public key (C2SP tlog-cosignature, `cosignature/v1`): a witness's key,
/// as a log and its verifiers hold it. Written as a verifier key of signature type 0x04,
/// `name+hash+base64(0x04 ‖ public key)`, where `hash` is the first four bytes of
/// SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key): the key ID of its signature lines.
public struct CosignerVerifierKey: Hashable, Sendable, CustomStringConvertible {
    /// The cosigner's name in signature lines (a schema-less URL, such as `witness.example/w1`).
    public let name: String
    /// The raw 32-byte Ed25519 public key.
    public let publicKey: Data
    /// The four-byte key ID that its signature lines carry.
    public let keyHash: UInt32

    public init(name: String, publicKey: Data) throws(KeyError) {
        keyHash = try NoteKeyFormat.checkedKeyHash(name: name, publicKey: publicKey, type: NoteKeyFormat.cosignatureV1)
        self.name = name
        self.publicKey = Data(publicKey)
    }

    /// Parses `name+hash+base64(0x04 ‖ key)`, rejecting a key whose hash does not match.
    public init(parsing text: String) throws(KeyError) {
        let (name, hash, key) = try NoteKeyFormat.parse(text, what: "the cosigner key \"\(text)\"", type: NoteKeyFormat.cosignatureV1)
        try self.init(name: name, publicKey: key)
        guard keyHash == hash else { throw .hashMismatch(name) }
    }

    public var description: String {
        "\(name)+\(NoteKeyFormat.hex(keyHash))+\((Data([NoteKeyFormat.cosignatureV1]) + publicKey).base64EncodedString())"
    }

    /// The time of this key's valid cosignature on `checkpoint` (a note), or nil when the note
    /// carries none: lines with another name or key ID are ignored, as the spec requires.
    public func cosignatureTime(on note: SignedNote) -> UInt64? {
        for line in note.signatures where line.name == name && line.keyHash == keyHash {
            guard let cosignature = Cosignature(line.signature), verifies(cosignature, body: note.text) else { continue }
            return cosignature.timestamp
        }
        return nil
    }

    /// Whether `cosignature` is this key's signature of `body` (a checkpoint's text).
    public func verifies(_ cosignature: Cosignature, body: String) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(cosignature.signature, for: Cosignature.message(body: body, timestamp: cosignature.timestamp))
    }
}

/// A `timestamped_signature`: when the cosigner signed, and its Ed25519 signature of the
/// `cosignature/v1` message.
public struct Cosignature: Hashable, Sendable {
    /// Seconds since the Epoch; at most 2⁶³ − 1.
    public let timestamp: UInt64
    /// The 64-byte Ed25519 signature.
    public let signature: Data

    public init(timestamp: UInt64, signature: Data) {
        self.timestamp = timestamp
        self.signature = signature
    }

    /// Reads the bytes after a signature line's key ID: u64 timestamp (big-endian) ‖ signature.
    public init?(_ bytes: Data) {
        guard bytes.count == 72 else { return nil }
        let timestamp = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard timestamp <= UInt64(Int64.max) else { return nil }
        self.init(timestamp: timestamp, signature: Data(bytes.suffix(64)))
    }

    /// The bytes after the key ID in a signature line.
    public var bytes: Data {
        withUnsafeBytes(of: timestamp.bigEndian) { Data($0) } + signature
    }

    /// The signed message: `cosignature/v1`, `time <timestamp>`, then the checkpoint's whole
    /// body (every line up to the blank line, extension lines included).
    public static func message(body: String, timestamp: UInt64) -> Data {
        Data("cosignature/v1\ntime \(timestamp)\n\(body)".utf8)
    }
}

/// An Ed25519 cosigner: a witness's private key. Its key file reads
/// `PRIVATE+KEY+name+hash+base64(0x04 ‖ seed)`.
public struct CosignerKey: @unchecked Sendable { // the private key is an immutable value
    public let name: String
    private let key: Curve25519.Signing.PrivateKey
    public let verifier: CosignerVerifierKey

    /// A new random key.
    public static func generate(name: String) throws(KeyError) -> CosignerKey {
        try CosignerKey(name: name, key: Curve25519.Signing.PrivateKey())
    }

    /// The key with this 32-byte Ed25519 seed.
    public init(name: String, seed: Data) throws(KeyError) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else { throw .malformed("a \(seed.count)-byte seed") }
        try self.init(name: name, key: key)
    }

    private init(name: String, key: Curve25519.Signing.PrivateKey) throws(KeyError) {
        self.name = name
        self.key = key
        verifier = try CosignerVerifierKey(name: name, publicKey: key.publicKey.rawRepresentation)
    }

    /// Parses the key file text (surrounding whitespace ignored).
    public init(parsing text: String) throws(KeyError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "PRIVATE+KEY+"
        guard trimmed.hasPrefix(prefix) else { throw .malformed("the cosigner key file") }
        let (name, hash, seed) = try NoteKeyFormat.parse(
            String(trimmed.dropFirst(prefix.count)), what: "the cosigner key file", type: NoteKeyFormat.cosignatureV1)
        try self.init(name: name, seed: seed)
        guard verifier.keyHash == hash else { throw .hashMismatch(name) }
    }

    public var fileText: String {
        let seed = Data([NoteKeyFormat.cosignatureV1]) + key.rawRepresentation
        return "PRIVATE+KEY+\(name)+\(NoteKeyFormat.hex(verifier.keyHash))+\(seed.base64EncodedString())\n"
    }

    /// The cosignature of a checkpoint's body at `timestamp`.
    public func cosign(body: String, timestamp: UInt64) -> Cosignature {
        // Signing with a well-formed private key does not fail.
        let signature = (try? key.signature(for: Cosignature.message(body: body, timestamp: timestamp))) ?? Data()
        return Cosignature(timestamp: timestamp, signature: signature)
    }

    /// The signature line of a cosignature: `— name base64(key ID ‖ timestamp ‖ signature)` and a newline.
    public func line(_ cosignature: Cosignature) -> String {
        let blob = withUnsafeBytes(of: verifier.keyHash.bigEndian) { Data($0) } + cosignature.bytes
        return "\u{2014} \(name) \(blob.base64EncodedString())\n"
    }
}
