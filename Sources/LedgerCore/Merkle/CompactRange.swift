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
        var hash = leaf
        var level = 0
        var position = size
        // Each trailing one bit of the old size is a full sibling waiting on the left.
        while position & 1 == 1 {
            hash = .node(hashes.removeLast(), hash)
            level += 1
            position >>= 1
            completed(TreeNode(level: level, index: position), hash)
        }
        hashes.append(hash)
        size += 1
    }
}
