public import Foundation

/// Why a signed note or checkpoint was not accepted.
public enum NoteError: Equatable, Sendable, PhrasedError {
    case malformed(String)
    case noSignatureBy(String)
    case badSignature(String)

    public var phrase: Phrase {
        switch self {
        case .malformed(let detail): "malformed signed note: \(detail)"
        case .noSignatureBy(let name): "the note carries no signature by \"\(name)\""
        case .badSignature(let name): "the signature by \"\(name)\" does not match the note's text"
        }
    }
}

/// A C2SP signed note: UTF-8 text ending in a newline, a blank line, then one line per
/// signature, `— <key name> <base64(key hash ‖ signature)>`.
public struct SignedNote: Sendable, Equatable {
    /// The signed text, ending in a newline.
    public let text: String
    /// The signatures, as (key name, key hash, Ed25519 signature).
    public let signatures: [(name: String, keyHash: UInt32, signature: Data)]

    public static func == (lhs: SignedNote, rhs: SignedNote) -> Bool {
        lhs.text == rhs.text
            && lhs.signatures.elementsEqual(rhs.signatures) {
                $0.name == $1.name && $0.keyHash == $1.keyHash && $0.signature == $1.signature
            }
    }

    /// Signs `text` (which must end in a newline) with `key`.
    public static func sign(_ text: String, with key: SigningKey) -> SignedNote {
        let signature = key.signature(for: Data(text.utf8))
        return SignedNote(text: text, signatures: [(key.name, key.verifier.keyHash, signature)])
    }

    private init(text: String, signatures: [(name: String, keyHash: UInt32, signature: Data)]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as it travels: text, blank line, signature lines.
    public var serialized: String {
        var output = text + "\n"
        for (name, keyHash, signature) in signatures {
            let blob = withUnsafeBytes(of: keyHash.bigEndian) { Data($0) } + signature
            output += "\u{2014} \(name) \(blob.base64EncodedString())\n"
        }
        return output
    }

    /// Parses a serialized note without checking any signature.
    public init(parsing note: String) throws(NoteError) {
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw .malformed("no blank line before the signatures")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        let block = note[split.upperBound...]
        guard block.hasSuffix("\n") else { throw .malformed("the last signature line does not end in a newline") }
        var signatures: [(name: String, keyHash: UInt32, signature: Data)] = []
        for line in block.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "\u{2014}", !fields[1].isEmpty,
                let blob = Data(canonicalBase64: String(fields[2])), blob.count >= 5
            else { throw .malformed("signature line \"\(line)\"") }
            let keyHash = blob.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            signatures.append((String(fields[1]), keyHash, Data(blob.dropFirst(4))))
        }
        guard !signatures.isEmpty else { throw .malformed("no signature lines") }
        self.init(text: text, signatures: signatures)
    }

    /// Checks the signature by `key`: a line with its name and key hash must hold a valid
    /// Ed25519 signature of the text.
    public func verify(by key: VerifierKey) throws(NoteError) {
        guard let line = signatures.first(where: { $0.name == key.name && $0.keyHash == key.keyHash }) else {
            throw .noSignatureBy(key.name)
        }
        guard line.signature.count == 64, key.isValidSignature(line.signature, for: Data(text.utf8)) else {
            throw .badSignature(key.name)
        }
    }
}

/// A C2SP `tlog-checkpoint`: the log's origin, its size and its root hash, as signed text.
public struct Checkpoint: Hashable, Sendable {
    /// The log's unique name (first line).
    public let origin: String
    /// Number of leaves.
    public let size: UInt64
    /// RFC 9162 root hash of those leaves.
    public let root: TreeHash

    public init(origin: String, size: UInt64, root: TreeHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// `origin\nsize\nbase64(root)\n`: the text that is signed.
    public var text: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    /// Reads a checkpoint from a note's text (extension lines after the root are allowed and ignored).
    public init(text: String) throws(NoteError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard text.hasSuffix("\n"), lines.count >= 4, !lines[0].isEmpty else {
            throw .malformed("a checkpoint needs an origin, a size and a root hash, one per line")
        }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else {
            throw .malformed("\"\(lines[1])\" is not a tree size")
        }
        guard let root = TreeHash(base64: String(lines[2])) else {
            throw .malformed("\"\(lines[2])\" is not a base64 SHA-256 root hash")
        }
        self.init(origin: String(lines[0]), size: size, root: root)
    }

    /// Signs the checkpoint with the ledger's key.
    public func signed(by key: SigningKey) -> SignedNote {
        SignedNote.sign(text, with: key)
    }

    /// Parses a serialized checkpoint note and checks the signature by `key`.
    public static func open(_ note: String, verifier key: VerifierKey) throws(NoteError) -> Checkpoint {
        let parsed = try SignedNote(parsing: note)
        try parsed.verify(by: key)
        return try Checkpoint(text: parsed.text)
    }
}
