import Crypto
import Foundation
import GRDB
import LedgerCore
import LedgerSQLite
import SQLiteSupport

/// The least that any `verify` of this storage layout must do, with nothing else: read the bytes
/// of every entry and commit from SQLite, hash every leaf and interior node, and hash every
/// commit's document for its id (SHA-256) and for its Ed25519 signature (the SHA-512 that
/// verifying one runs over the signed bytes). No parsing, rendering, comparing, curve arithmetic,
/// stream versions or rules. Each core reads and hashes its own share of the commits on its own
/// connection, so nothing waits for anything: the figure is a ceiling for verify on this machine.
enum VerifyFloor {
    /// Returns the entries covered and the seconds taken; the root must be the log's.
    static func run(_ store: SQLiteLedgerStore) async throws -> (events: UInt64, seconds: Double, root: TreeHash) {
        let path = store.writer.path
        let start = Date()
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let commits = try await store.writer.read { db in try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_commits") ?? 0 }
        // One child task per core, each on its own connection: a second or so of blocking work
        // each, which the cooperative pool (one thread per core) can take here.
        let shares = try await withThrowingTaskGroup(of: (Int, [TreeHash]).self) { group in
            for worker in 0..<workers {
                let offset = commits * Int64(worker) / Int64(workers)
                let end = commits * Int64(worker + 1) / Int64(workers)
                group.addTask { (worker, try share(path: path, offset: offset, count: end - offset)) }
            }
            var shares = [[TreeHash]](repeating: [], count: workers)
            for try await (worker, leaves) in group { shares[worker] = leaves }
            return shares
        }
        var tree = CompactRange()
        for leaf in shares.joined() { tree.append(leaf) }
        return (tree.size, Date().timeIntervalSince(start), tree.root)
    }

    /// The leaf hashes of the entries of `count` commits from the `offset`th on, in position
    /// order, with each commit's document hashed twice.
    private static func share(path: String, offset: Int64, count: Int64) throws -> [TreeHash] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            let commits = try Row.fetchAll(
                db,
                sql: """
                    SELECT first_position, last_position, signed, signed_is_header FROM ledger_commits
                    ORDER BY first_position LIMIT ? OFFSET ?
                    """, arguments: [count, offset])
            let statement = try db.makeStatement(sql: "SELECT entry FROM ledger_entries WHERE position BETWEEN ? AND ? ORDER BY position")
            var leaves: [TreeHash] = []
            for commit in commits {
                var document = [UInt8](commit[2] as Data)
                let isHeader: Bool = commit[3]
                try statement.setArguments([commit[0] as Int64, commit[1] as Int64])
                try BulkRead(statement).forEach { row in
                    let entry = row.bytes(0)
                    leaves.append(TreeHash.leaf(entry))
                    if isHeader {
                        document += try StoredEntry.eventLineBytes(of: entry)
                        document.append(0x0A)
                    }
                }
                withExtendedLifetime((CommitID(of: document), SHA512.hash(data: document))) {}
            }
            return leaves
        }
    }

}
