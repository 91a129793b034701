import Crypto
public import Foundation

/// A SHA-256 hash in the Merkle tree: a leaf hash, an interior node hash or a root.
///
/// Stored as four words so that building a tree of millions of leaves allocates nothing per hash.
public struct TreeHash: Hashable, Sendable, CustomStringConvertible {
    private var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The 32 bytes of the hash.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: self) { Array($0) }
    }

    /// Creates a hash from exactly 32 bytes; `nil` for any other length.
    public init?<Bytes: ContiguousBytes>(bytes: Bytes) {
        var value = TreeHash(w0: 0, w1: 0, w2: 0, w3: 0)
        let copied = bytes.withUnsafeBytes { source in
            guard source.count == 32 else { return false }
            withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: source) }
            return true
        }
        guard copied else { return nil }
        self = value
    }

    /// Parses standard base64 of exactly 32 bytes.
    public init?(base64: String) {
        guard let data = Data(canonicalBase64: base64) else { return nil }
        self.init(bytes: data)
    }

    private init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    init(digest: SHA256.Digest) {
        var value = TreeHash(w0: 0, w1: 0, w2: 0, w3: 0)
        digest.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: source) }
        }
        self = value
    }

    /// Standard base64, as checkpoints and proofs carry it.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// Lowercase hexadecimal.
    public var hex: String { bytes.hexString }

    public var description: String { base64 }

    /// SHA-256 of the empty string: the root of the empty tree (RFC 9162 §2.1.1).
    public static let emptyTree = TreeHash(digest: SHA256.hash(data: [UInt8]()))

    /// The RFC 9162 leaf hash: SHA-256(0x00 ‖ bytes).
    public static func leaf<Bytes: ContiguousBytes>(_ bytes: Bytes) -> TreeHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return TreeHash(digest: hasher.finalize())
    }

    /// The RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right).
    public static func node(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { block in
            block[0] = 1
            withUnsafeBytes(of: left) { UnsafeMutableRawBufferPointer(rebasing: block[1..<33]).copyMemory(from: $0) }
            withUnsafeBytes(of: right) { UnsafeMutableRawBufferPointer(rebasing: block[33..<65]).copyMemory(from: $0) }
            return TreeHash(digest: SHA256.hash(data: UnsafeRawBufferPointer(block)))
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal of the bytes.
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
