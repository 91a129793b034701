/// An RFC 9162 inclusion proof, as `prove inclusion` prints it.
public struct InclusionProof: Sendable, Equatable {
    public let index: UInt64
    public let size: UInt64
    public let leafHash: TreeHash
    public let root: TreeHash
    /// Sibling hashes from the leaf up.
    public let hashes: [TreeHash]

    public init(index: UInt64, size: UInt64, leafHash: TreeHash, root: TreeHash, hashes: [TreeHash]) {
        self.index = index
        self.size = size
        self.leafHash = leafHash
        self.root = root
        self.hashes = hashes
    }

    /// Checks the proof with the stand-alone verifier.
    public func verify() throws(ProofError) {
        try ProofVerifier.verifyInclusion(
            index: index, size: size, leafHash: leafHash.bytes, proof: hashes.map(\.bytes), root: root.bytes)
    }
}

/// An RFC 9162 consistency proof, as `prove consistency` prints it.
public struct ConsistencyProof: Sendable, Equatable {
    public let oldSize: UInt64
    public let newSize: UInt64
    public let oldRoot: TreeHash
    public let newRoot: TreeHash
    public let hashes: [TreeHash]

    public init(oldSize: UInt64, newSize: UInt64, oldRoot: TreeHash, newRoot: TreeHash, hashes: [TreeHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.oldRoot = oldRoot
        self.newRoot = newRoot
        self.hashes = hashes
    }

    /// Checks the proof with the stand-alone verifier.
    public func verify() throws(ProofError) {
        try ProofVerifier.verifyConsistency(
            oldSize: oldSize, newSize: newSize, proof: hashes.map(\.bytes), oldRoot: oldRoot.bytes, newRoot: newRoot.bytes)
    }
}

/// Proofs computed from the nodes a store keeps: each proof reads O(log n) node hashes in one
/// request, never the log itself.
public struct ProofBuilder: Sendable {
    public let store: any TreeNodeSource
    /// Whether node hashes are read on the calling thread where the store can
    /// (`TreeNodeSource.hashesOnCallingThread`). A server whose threads must never wait for a
    /// write in progress turns it off.
    public let readsOnCallingThread: Bool

    public init(store: any TreeNodeSource, readsOnCallingThread: Bool = true) {
        self.store = store
        self.readsOnCallingThread = readsOnCallingThread
    }

    /// The root of the tree of `size` leaves.
    public func root(size: UInt64) async throws -> TreeHash {
        let nodes = TreeMath.frontier(size: size)
        let hashes = try await fetch(nodes, size: size)
        return TreeMath.fold(nodes.map { hashes[$0]! })
    }

    /// Proves that the entry at `index` is in the tree of `size` leaves (default: the whole log).
    public func inclusion(index: UInt64, size: UInt64? = nil) async throws -> InclusionProof {
        let size = try await resolve(size)
        guard index < size else {
            throw LedgerError.outOfRange(
                size == 0
                    ? "position \(index) is not in a tree of 0 entries: it holds none"
                    : "position \(index) is not in a tree of \(size) entries; positions run from 0 to \(size - 1)")
        }
        let ranges = TreeMath.inclusionRanges(index: index, size: size)
        let groups = ranges.map(TreeMath.perfectNodes(covering:))
        let leaf = TreeNode(level: 0, index: index)
        let frontier = TreeMath.frontier(size: size)
        let hashes = try await fetch(groups.flatMap { $0 } + frontier + [leaf], size: size)
        return InclusionProof(
            index: index, size: size, leafHash: hashes[leaf]!,
            root: TreeMath.fold(frontier.map { hashes[$0]! }),
            hashes: groups.map { group in TreeMath.fold(group.map { hashes[$0]! }) })
    }

    /// Proves that the tree of `old` leaves is a prefix of the tree of `new` leaves (default: the
    /// whole log).
    public func consistency(old: UInt64, new: UInt64? = nil) async throws -> ConsistencyProof {
        let new = try await resolve(new)
        guard old > 0, old <= new else {
            throw LedgerError.outOfRange("a consistency proof needs 0 < old size ≤ new size; got \(old) and \(new)")
        }
        let groups = old == new ? [] : TreeMath.consistencyRanges(old: old, new: new).map(TreeMath.perfectNodes(covering:))
        let oldFrontier = TreeMath.frontier(size: old)
        let newFrontier = TreeMath.frontier(size: new)
        let hashes = try await fetch(groups.flatMap { $0 } + oldFrontier + newFrontier, size: new)
        return ConsistencyProof(
            oldSize: old, newSize: new,
            oldRoot: TreeMath.fold(oldFrontier.map { hashes[$0]! }),
            newRoot: TreeMath.fold(newFrontier.map { hashes[$0]! }),
            hashes: groups.map { group in TreeMath.fold(group.map { hashes[$0]! }) })
    }

    /// The size asked for, or the log's. A size beyond the log is found out by `fetch`, which
    /// then lacks the nodes of its frontier: one read fewer per proof.
    private func resolve(_ size: UInt64?) async throws -> UInt64 {
        if let size { return size }
        return try await store.size()
    }

    /// The hashes of `nodes` of the tree of `size` leaves, in one read.
    private func fetch(_ nodes: [TreeNode], size: UInt64) async throws -> [TreeNode: TreeHash] {
        let unique = Array(Set(nodes))
        let wanted = NodeStorage.storedNodes(for: unique)
        let stored: [TreeNode: TreeHash]
        if readsOnCallingThread, let read = try store.hashesOnCallingThread(of: wanted) {
            stored = read
        } else {
            stored = try await store.hashes(of: wanted)
        }
        switch NodeStorage.resolve(unique, from: stored) {
        case .success(let hashes): return hashes
        case .failure(let missing):
            let current = try await store.size()
            guard size <= current else {
                throw LedgerError.outOfRange("the log has \(current) entries; there is no tree of size \(size) yet")
            }
            throw LedgerError.corrupted(position: missing.node.firstLeaf, reason: "the store has no hash for \(missing.node)")
        }
    }
}
