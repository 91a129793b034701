/// Why a Merkle proof did not verify.
public enum ProofError: Equatable, Sendable, PhrasedError {
    case indexOutOfRange(index: UInt64, size: UInt64)
    case invalidSizes(String)
    case invalidSubtree(start: UInt64, end: UInt64)
    case wrongProofLength(got: Int, expected: Int)
    case malformedHash(String)
    case rootMismatch(String)

    public var phrase: Phrase {
        switch self {
        case .indexOutOfRange(let index, let size): "leaf index \(index) is not in a tree of \(size) leaves"
        case .invalidSizes(let detail): Phrase(verbatim: detail)
        case .invalidSubtree(let start, let end): "[\(start), \(end)) is not a subtree of any Merkle tree"
        case .wrongProofLength(let got, let expected): "the proof has \(got) hashes; this tree shape needs \(expected)"
        case .malformedHash(let detail): "\(detail) is not a 32-byte SHA-256 hash"
        case .rootMismatch(let detail): "the proof does not lead to the \(detail)"
        }
    }
}

/// Verification of RFC 9162 inclusion and consistency proofs, and of the subtree proofs of the
/// Merkle Tree Certificates draft (a subtree `[start, end)` instead of a tree `[0, size)`).
///
/// Every function takes raw bytes, as a verifier receives them from outside, and rejects hashes
/// of the wrong length instead of trusting them.
public enum ProofVerifier {
    /// Checks that `leafHash` sits at `index` in the tree of `size` leaves whose root is `root`.
    public static func verifyInclusion(
        index: UInt64, size: UInt64, leafHash: [UInt8], proof: [[UInt8]], root: [UInt8]
    ) throws(ProofError) {
        let computed = try rootFromInclusion(index: index, size: size, leafHash: leafHash, proof: proof)
        guard computed.bytes == root else { throw .rootMismatch("expected root") }
    }

    /// Checks that the tree of `oldSize` leaves with `oldRoot` is a prefix of the tree of
    /// `newSize` leaves with `newRoot`. A proof from the empty tree is always rejected: it
    /// proves nothing.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, proof: [[UInt8]], oldRoot: [UInt8], newRoot: [UInt8]
    ) throws(ProofError) {
        guard oldSize <= newSize else { throw .invalidSizes("the old size \(oldSize) is larger than the new size \(newSize)") }
        guard oldSize > 0 else { throw .invalidSizes("a consistency proof from the empty tree proves nothing") }
        if oldSize == newSize {
            guard proof.isEmpty else { throw .wrongProofLength(got: proof.count, expected: 0) }
            guard oldRoot == newRoot else { throw .rootMismatch("new root: equal sizes need equal roots") }
            return
        }
        try verifySubtreeConsistency(start: 0, end: oldSize, size: newSize, proof: proof, subtreeRoot: oldRoot, root: newRoot)
    }

    /// Checks that `leafHash` sits at `index` inside the subtree `[start, end)` whose hash is `subtreeRoot`.
    public static func verifySubtreeInclusion(
        index: UInt64, start: UInt64, end: UInt64, leafHash: [UInt8], proof: [[UInt8]], subtreeRoot: [UInt8]
    ) throws(ProofError) {
        try requireSubtree(start: start, end: end)
        guard index >= start, index < end else { throw .indexOutOfRange(index: index, size: end) }
        let computed = try rootFromInclusion(index: index - start, size: end - start, leafHash: leafHash, proof: proof)
        guard computed.bytes == subtreeRoot else { throw .rootMismatch("subtree hash") }
    }

    /// Checks that the subtree `[start, end)` with hash `subtreeRoot` is part of the tree of
    /// `size` leaves whose root is `root`. The empty subtree is part of every tree.
    public static func verifySubtreeConsistency(
        start: UInt64, end: UInt64, size: UInt64, proof: [[UInt8]], subtreeRoot: [UInt8], root: [UInt8]
    ) throws(ProofError) {
        guard end <= size else { throw .invalidSizes("the subtree ends at \(end), beyond the tree of \(size) leaves") }
        if start == end {
            guard proof.isEmpty else { throw .wrongProofLength(got: proof.count, expected: 0) }
            guard subtreeRoot == TreeHash.emptyTree.bytes else { throw .rootMismatch("empty subtree's hash") }
            return
        }
        try requireSubtree(start: start, end: end)
        if start == 0, end == size {
            guard proof.isEmpty else { throw .wrongProofLength(got: proof.count, expected: 0) }
            guard subtreeRoot == root else { throw .rootMismatch("root: the subtree is the whole tree") }
            return
        }
        guard !proof.isEmpty else { throw .wrongProofLength(got: 0, expected: 1) }
        let hashes = try proof.map { (element) throws(ProofError) -> TreeHash in try hash(element, "a proof element") }
        let computed = try rootFromSubtreeConsistency(start: start, end: end, size: size, proof: hashes, subtreeRoot: subtreeRoot)
        guard computed.bytes == root else { throw .rootMismatch("expected root") }
    }

    // MARK: - Computation

    private static func hash(_ bytes: [UInt8], _ what: String) throws(ProofError) -> TreeHash {
        guard let hash = TreeHash(bytes: bytes) else { throw .malformedHash(what) }
        return hash
    }

    /// A subtree is a node of some tree: `start` is a multiple of the smallest power of two that
    /// holds `end - start` leaves.
    private static func requireSubtree(start: UInt64, end: UInt64) throws(ProofError) {
        guard start < end else { throw .invalidSubtree(start: start, end: end) }
        let width = end - start
        let level = UInt64(64 - (width - 1).leadingZeroBitCount)
        guard level < 64, start & ((1 << level) - 1) == 0 else { throw .invalidSubtree(start: start, end: end) }
    }

    static func bitLength(_ value: UInt64) -> Int { 64 - value.leadingZeroBitCount }

    private static func rootFromInclusion(
        index: UInt64, size: UInt64, leafHash: [UInt8], proof: [[UInt8]]
    ) throws(ProofError) -> TreeHash {
        let leaf = try hash(leafHash, "the leaf hash")
        let hashes = try proof.map { (element) throws(ProofError) -> TreeHash in try hash(element, "a proof element") }
        return try rootFromInclusion(index: index, size: size, seed: leaf, proof: hashes[...])
    }

    /// RFC 9162 §2.1.3.2: walks from the leaf to the root. Below the level where the paths to
    /// `index` and to the last leaf part, siblings sit on either side; above it, only on the left.
    private static func rootFromInclusion(
        index: UInt64, size: UInt64, seed: TreeHash, proof: ArraySlice<TreeHash>
    ) throws(ProofError) -> TreeHash {
        guard index < size else { throw .indexOutOfRange(index: index, size: size) }
        let inner = bitLength(index ^ (size - 1))
        let border = (index >> UInt64(inner)).nonzeroBitCount
        guard proof.count == inner + border else { throw .wrongProofLength(got: proof.count, expected: inner + border) }
        var result = seed
        for (level, sibling) in proof.prefix(inner).enumerated() {
            result = (index >> UInt64(level)) & 1 == 0 ? .node(result, sibling) : .node(sibling, result)
        }
        for sibling in proof.dropFirst(inner) {
            result = .node(sibling, result)
        }
        return result
    }

    /// The subtree consistency walk: rebuild the subtree's hash from the proof (checking it
    /// against `subtreeRoot`) and, in the same walk, the hash of the node that grew over it in the
    /// larger tree; the rest of the proof is then an inclusion proof of that node.
    private static func rootFromSubtreeConsistency(
        start: UInt64, end: UInt64, size: UInt64, proof: [TreeHash], subtreeRoot: [UInt8]
    ) throws(ProofError) -> TreeHash {
        let last = end - 1
        let height = bitLength(last ^ start)
        if end == size {
            // The subtree lies on the right edge: only left siblings lead from it to the root.
            let expected = (start >> UInt64(height)).nonzeroBitCount
            guard proof.count == expected else { throw .wrongProofLength(got: proof.count, expected: expected) }
            var result = try hash(subtreeRoot, "the subtree hash")
            for sibling in proof { result = .node(sibling, result) }
            return result
        }
        let fork = bitLength(last ^ (size - 1))
        let shift = (end - start).trailingZeroBitCount
        let subtreeIsPerfect = end - start == 1 << UInt64(shift)
        let seed = subtreeIsPerfect ? try hash(subtreeRoot, "the subtree hash") : proof[0]
        let consumed = subtreeIsPerfect ? 0 : 1
        let expected = consumed + (fork - shift) + (last >> UInt64(fork)).nonzeroBitCount
        guard proof.count == expected else { throw .wrongProofLength(got: proof.count, expected: expected) }

        var old = seed
        var grown = seed
        var next = consumed
        for level in shift..<height {
            if (last >> UInt64(level)) & 1 == 1 {
                old = .node(proof[next], old)
                grown = .node(proof[next], grown)
                next += 1
            } else if level < fork {
                grown = .node(grown, proof[next])
                next += 1
            }
        }
        guard old.bytes == subtreeRoot else { throw .rootMismatch("subtree hash") }
        return try rootFromInclusion(
            index: start >> UInt64(height),
            size: ((size - 1) >> UInt64(height)) + 1,
            seed: grown,
            proof: proof[next...]
        )
    }
}
