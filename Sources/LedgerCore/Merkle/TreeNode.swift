/// A node of the Merkle tree: the perfect subtree of `2^level` leaves that starts at leaf
/// `index << level`. Leaves are level 0.
public struct TreeNode: Hashable, Sendable, CustomStringConvertible {
    /// Height above the leaves.
    public let level: Int
    /// Position among the nodes of the same level.
    public let index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// The first leaf the node covers.
    public var firstLeaf: UInt64 { index << UInt64(level) }

    /// The last leaf the node covers.
    public var lastLeaf: UInt64 { ((index + 1) << UInt64(level)) - 1 }

    /// A key that orders nodes by the moment they complete while the log grows: by their
    /// last leaf, then by level. Appending leaves only ever appends keys, so a store's index
    /// on it grows at its end.
    public var storageKey: Int64 { Int64(bitPattern: lastLeaf << 6 | UInt64(level)) }

    /// The node a storage key names, or `nil` for a key that names none (a level too high for
    /// a 58-bit leaf number, or a last leaf that does not end a subtree of that level): keys come
    /// from storage, which may have been altered.
    public init?(storageKey: Int64) {
        let raw = UInt64(bitPattern: storageKey)
        let level = Int(raw & 63)
        guard level <= 57 else { return nil }
        let width = UInt64(1) << UInt64(level)
        let end = (raw >> 6) + 1 // one past the last leaf; raw >> 6 < 2^58, so this cannot overflow
        guard end % width == 0 else { return nil }
        self.init(level: level, index: end / width - 1)
    }

    public var description: String { "node(level \(level), leaves \(firstLeaf)…\(lastLeaf))" }
}

/// Arithmetic on RFC 9162 tree shapes. Every function here is pure and cheap.
package enum TreeMath {
    /// The largest power of two strictly below `n` (`n` > 1): where RFC 9162 splits a tree.
    package static func split(_ n: UInt64) -> UInt64 {
        precondition(n > 1)
        return 1 << UInt64(63 - (n - 1).leadingZeroBitCount)
    }

    /// The perfect subtrees that make up the leaves `range`, left to right, provided the range
    /// starts on a multiple of the largest power of two it holds (true of every range an RFC 9162
    /// proof asks for). The hash of the range is these nodes folded from the right.
    package static func perfectNodes(covering range: Range<UInt64>) -> [TreeNode] {
        var nodes: [TreeNode] = []
        var start = range.lowerBound
        var remaining = range.count
        while remaining > 0 {
            let level = 63 - UInt64(remaining).leadingZeroBitCount
            let width = UInt64(1) << UInt64(level)
            nodes.append(TreeNode(level: level, index: start >> UInt64(level)))
            start += width
            remaining -= Int(width)
        }
        return nodes
    }

    /// The perfect subtrees that make up a tree of `size` leaves (its right frontier).
    package static func frontier(size: UInt64) -> [TreeNode] {
        perfectNodes(covering: 0..<size)
    }

    /// Folds the hashes of adjacent perfect subtrees, left to right, into the hash of their range.
    package static func fold(_ hashes: [TreeHash]) -> TreeHash {
        guard var result = hashes.last else { return .emptyTree }
        for hash in hashes.dropLast().reversed() {
            result = .node(hash, result)
        }
        return result
    }

    /// The leaf ranges whose hashes form the RFC 9162 inclusion proof for `index` in a tree of
    /// `size` leaves, ordered from the leaf up to the root (§2.1.3.1).
    package static func inclusionRanges(index: UInt64, size: UInt64) -> [Range<UInt64>] {
        precondition(index < size)
        var ranges: [Range<UInt64>] = []
        var (low, high) = (UInt64(0), size)
        while high - low > 1 {
            let middle = low + split(high - low)
            if index < middle {
                ranges.append(middle..<high)
                high = middle
            } else {
                ranges.append(low..<middle)
                low = middle
            }
        }
        return ranges.reversed()
    }

    /// The leaf ranges whose hashes form the RFC 9162 consistency proof from `old` to `new`
    /// leaves (§2.1.4.1), ordered as the proof carries them. Requires 0 < old ≤ new.
    package static func consistencyRanges(old: UInt64, new: UInt64) -> [Range<UInt64>] {
        precondition(old > 0 && old <= new)
        var ranges: [Range<UInt64>] = []
        var (low, high) = (UInt64(0), new)
        var target = old
        var completeSubtree = true
        while target != high - low {
            let middle = split(high - low)
            if target <= middle {
                ranges.append(low + middle..<high)
                high = low + middle
            } else {
                ranges.append(low..<low + middle)
                low += middle
                target -= middle
                completeSubtree = false
            }
        }
        if !completeSubtree {
            ranges.append(low..<high)
        }
        return ranges.reversed()
    }
}
