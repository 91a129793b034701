/// Which Merkle nodes a store keeps. Leaf hashes are kept with the entries and interior nodes
/// from level 4 up (one row per 16 leaves); the nodes of levels 1–3 are recomputed from at most
/// eight leaf hashes when a proof needs them. That keeps every proof to O(log n) reads while the
/// store writes a sixteenth of the node rows.
public enum NodeStorage {
    /// The lowest interior level that stores keep.
    public static let lowestStoredLevel = 4

    /// Whether stores keep this node.
    public static func isStored(_ node: TreeNode) -> Bool {
        node.level == 0 || node.level >= lowestStoredLevel
    }

    /// The stored nodes from which `nodes` can be computed.
    public static func storedNodes(for nodes: [TreeNode]) -> [TreeNode] {
        var result = Set<TreeNode>()
        for node in nodes {
            if isStored(node) {
                result.insert(node)
            } else {
                for leaf in node.firstLeaf...node.lastLeaf { result.insert(TreeNode(level: 0, index: leaf)) }
            }
        }
        return Array(result)
    }

    /// The hashes of `nodes`, computed from the stored hashes read for `storedNodes(for:)`;
    /// `nil` names the first node that cannot be computed.
    public static func resolve(_ nodes: [TreeNode], from stored: [TreeNode: TreeHash]) -> Result<[TreeNode: TreeHash], MissingNode> {
        var result: [TreeNode: TreeHash] = [:]
        for node in nodes {
            if isStored(node) {
                guard let hash = stored[node] else { return .failure(MissingNode(node: node)) }
                result[node] = hash
                continue
            }
            var level = (node.firstLeaf...node.lastLeaf).compactMap { stored[TreeNode(level: 0, index: $0)] }
            guard level.count == 1 << node.level else { return .failure(MissingNode(node: node)) }
            while level.count > 1 {
                level = stride(from: 0, to: level.count, by: 2).map { TreeHash.node(level[$0], level[$0 + 1]) }
            }
            result[node] = level[0]
        }
        return .success(result)
    }

    /// The stored nodes a store reads to rebuild the compact range of a tree of `size` leaves.
    public static func storedFrontierNodes(forSize size: UInt64) -> [TreeNode] {
        storedNodes(for: CompactRange.nodes(forSize: size))
    }

    /// The compact range of a tree of `size` leaves, from the hashes a store read for
    /// `storedFrontierNodes(forSize:)`.
    public static func frontier(size: UInt64, from stored: [TreeNode: TreeHash]) throws(LedgerError) -> CompactRange {
        let nodes = CompactRange.nodes(forSize: size)
        switch resolve(nodes, from: stored) {
        case .success(let hashes):
            return CompactRange(size: size, hashes: nodes.map { hashes[$0]! })
        case .failure(let missing):
            throw .corrupted(position: missing.node.firstLeaf, reason: "the store has no hash for \(missing.node)")
        }
    }

    /// A node a store should have but does not.
    public struct MissingNode: Error, Sendable {
        public let node: TreeNode
    }
}
