/// Copies a whole log from one store to another (SQLite to PostgreSQL and back), row for row:
/// the same entries, commits, nodes and checkpoints, so both hold byte-identical logs. One write
/// transaction per source checkpoint, so an interrupted copy leaves a valid prefix, and a copy
/// into a store that holds a prefix of the same log resumes where it stopped.
public struct LedgerCopy: Sendable {
    public let source: any LedgerStore
    public let target: any LedgerStore

    public init(from source: any LedgerStore, to target: any LedgerStore) {
        self.source = source
        self.target = target
    }

    /// Copies what the target lacks; returns the number of entries copied. `progress` gets the
    /// target's size after every transaction.
    @discardableResult
    public func run(progress: (@Sendable (UInt64) -> Void)? = nil) async throws -> UInt64 {
        let start = try await target.size()
        if start > 0 {
            // The target must hold a prefix of this very log.
            let theirs = try await target.checkpoint(size: start)
            let ours = try await source.checkpoint(size: start)
            guard let theirs, let ours, theirs.root == ours.root else {
                throw LedgerError.corrupted(
                    position: start, reason: "the target already holds a different log (\(start) entries); copy into an empty one")
            }
        }
        let end = try await source.size()
        var size = start
        while size < end {
            let checkpoint = try await source.checkpoints(fromSize: size + 1, limit: 1).first
            let next = min(checkpoint?.size ?? end, end)
            try await copy(from: size, to: next, checkpoint: checkpoint?.size == next ? checkpoint : nil)
            size = next
            progress?(size)
        }
        return end - start
    }

    /// One transaction: entries `from ..< to`, the commits and nodes they complete, the checkpoint.
    private func copy(from: UInt64, to: UInt64, checkpoint: StoredCheckpoint?) async throws {
        var plan = AppendPlan()
        var position = from
        while position < to {
            let page = try await source.entries(from: position, limit: Int(min(to - position, 10_000)))
            guard let last = page.last, page.first?.position == position else {
                throw LedgerError.corrupted(position: position, reason: "the source has no entry at this position")
            }
            plan.entries += page
            position = last.position + 1
        }
        plan.commits = try await source.commits(from: from, limit: Int(to - from)).filter { $0.first < to }
        var key = Int64(bitPattern: from << 6)
        let endKey = Int64(bitPattern: to << 6)
        while key < endKey {
            let nodes = try await source.storedNodes(fromKey: key, limit: 10_000).filter { $0.node.storageKey < endKey }
            guard let last = nodes.last else { break }
            plan.nodes += nodes
            key = last.node.storageKey + 1
        }
        plan.checkpoint = checkpoint
        let copied = plan
        try await target.append(AppendQuery(commitIDs: [], streams: [], tailStart: 0, tailPrefixes: [])) { snapshot in
            guard snapshot.size == from else {
                throw LedgerError.corrupted(position: snapshot.size, reason: "another writer appended to the target during the copy")
            }
            return (copied, ())
        }
    }
}
