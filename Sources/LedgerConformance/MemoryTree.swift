public import LedgerCore

/// A tree kept in a dictionary, built leaf by leaf with `CompactRange`, as a store would keep it.
public struct MemoryTree: TreeNodeSource {
    public let leaves: [TreeHash]
    public let nodes: [TreeNode: TreeHash]

    /// A tree of the entries `entries`.
    public init(entries: [[UInt8]]) {
        var range = CompactRange()
        var nodes: [TreeNode: TreeHash] = [:]
        var leaves: [TreeHash] = []
        for (index, entry) in entries.enumerated() {
            let leaf = TreeHash.leaf(entry)
            leaves.append(leaf)
            nodes[TreeNode(level: 0, index: UInt64(index))] = leaf
            range.append(leaf) { node, hash in nodes[node] = hash }
        }
        self.leaves = leaves
        self.nodes = nodes
    }

    /// A tree of `count` entries `leaf-0`, `leaf-1`, …
    public init(count: Int) {
        self.init(entries: (0..<count).map { Array("leaf-\($0)".utf8) })
    }

    public func size() async throws -> UInt64 { UInt64(leaves.count) }

    public func hashes(of nodes: [TreeNode]) async throws -> [TreeNode: TreeHash] {
        self.nodes.filter { nodes.contains($0.key) }
    }
}
