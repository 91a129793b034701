/// The right frontier of a growing tree: the hashes of the perfect subtrees that make up its
/// leaves so far (at most one per level). Appending a leaf completes zero or more new nodes;
/// the root of the tree at any size is the frontier folded from the right.
public struct CompactRange: Sendable, Equatable {
    /// Number of leaves covered.
    public private(set) var size: UInt64
    /// Hashes of the frontier nodes, left (largest) to right (smallest).
    public private(set) var hashes: [TreeHash]

    /// An empty tree.
    public init() {
        size = 0
        hashes = []
    }

    /// A frontier read back from storage: `hashes` must be the hashes of
    /// `TreeMath.frontier(size:)`, in that order.
    public init(size: UInt64, hashes: [TreeHash]) {
        precondition(hashes.count == size.nonzeroBitCount, "a frontier has one hash per set bit of its size")
        self.size = size
        self.hashes = hashes
    }

    /// The frontier nodes a store must read to resume a tree of `size` leaves.
    public static func nodes(forSize size: UInt64) -> [TreeNode] {
        TreeMath.frontier(size: size)
    }

    /// The RFC 9162 root of the tree so far.
    public var root: TreeHash { TreeMath.fold(hashes) }

    /// Appends one leaf hash and calls `completed` for each interior node the leaf completes,
    /// lowest first.
    public mutating func append(_ leaf: TreeHash, completed: (TreeNode, TreeHash) -> Void = { _, _ in }) {
        append(subtree: leaf, level: 0, completed: completed)
    }

    /// Appends the hash of a perfect subtree of `2^level` leaves, which must start where the
    /// tree ends on a multiple of its width, and calls `completed` for each interior node above
    /// it that this completes, lowest first. (The nodes inside the subtree are the caller's.)
    package mutating func append(subtree: TreeHash, level subtreeLevel: Int, completed: (TreeNode, TreeHash) -> Void) {
        precondition(size & ((1 << UInt64(subtreeLevel)) - 1) == 0, "a subtree starts on a multiple of its width")
        var hash = subtree
        var level = subtreeLevel
        var position = size >> UInt64(subtreeLevel)
        // Each trailing one bit of the old size (at this level) is a full sibling waiting on the left.
        while position & 1 == 1 {
            hash = .node(hashes.removeLast(), hash)
            level += 1
            position >>= 1
            completed(TreeNode(level: level, index: position), hash)
        }
        hashes.append(hash)
        size += 1 << UInt64(subtreeLevel)
    }
}

/// The leaves of a range of the tree grouped into the largest perfect subtrees that fit, left to
/// right, each hashed, with the interior nodes inside them: all that appending the range needs
/// that does not depend on the leaves before it. Appending the subtrees to a frontier that ends
/// where the range starts gives the same tree, and completes the same nodes, as appending the
/// leaves one by one.
package struct SubtreeCover: Sendable {
    /// The first leaf of the range.
    package let start: UInt64
    /// The subtrees, left to right: their level and hash.
    package let subtrees: [(level: Int, hash: TreeHash)]
    /// The interior nodes inside the subtrees that `keep` selected.
    package let nodes: [(node: TreeNode, hash: TreeHash)]

    package init(leaves: [TreeHash], start: UInt64, keep: (TreeNode) -> Bool) {
        self.start = start
        var subtrees: [(level: Int, hash: TreeHash)] = []
        var nodes: [(node: TreeNode, hash: TreeHash)] = []
        var offset = 0
        var position = start
        while offset < leaves.count {
            var level = 0
            while level < 62, position & ((1 << UInt64(level + 1)) - 1) == 0, offset + (1 << (level + 1)) <= leaves.count {
                level += 1
            }
            var layer = Array(leaves[offset..<(offset + (1 << level))])
            var height = 0
            while layer.count > 1 {
                height += 1
                layer = stride(from: 0, to: layer.count, by: 2).map { TreeHash.node(layer[$0], layer[$0 + 1]) }
                for (index, hash) in layer.enumerated() {
                    let node = TreeNode(level: height, index: (position >> UInt64(height)) + UInt64(index))
                    if keep(node) { nodes.append((node, hash)) }
                }
            }
            subtrees.append((level, layer[0]))
            offset += 1 << level
            position += 1 << UInt64(level)
        }
        self.subtrees = subtrees
        self.nodes = nodes
    }

    /// Appends the range to `frontier`, which must end where the range starts; `completed` is
    /// called for the nodes that joining completes (those inside the subtrees are `nodes`).
    package func append(to frontier: inout CompactRange, completed: (TreeNode, TreeHash) -> Void) {
        precondition(frontier.size == start, "the range starts where the tree ends")
        for subtree in subtrees { frontier.append(subtree: subtree.hash, level: subtree.level, completed: completed) }
    }
}
