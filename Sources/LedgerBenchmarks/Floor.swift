import Foundation
import GRDB
import LedgerCore
import LedgerSQLite

/// The plain-SQLite floor: the very entry rows the ledger stored, copied into a plain table with
/// the same columns and indexes, in the same transactions as the ledger wrote them (one per
/// checkpoint) and with the same durability (WAL, `synchronous = FULL`), with nothing else: no
/// parsing, validation, signatures, hashing, Merkle nodes, commits or checkpoints.
///
/// The benchmarks copy each chunk right after the ledger appended it, so that the ledger and its
/// floor alternate through the run and meet the same state of the machine (disk, page cache,
/// other load); only the inserts are timed, not reading the rows back.
final class Floor {
    private let queue: DatabaseQueue
    private let store: SQLiteLedgerStore
    /// Seconds spent inserting so far.
    private(set) var seconds = 0.0
    /// Rows inserted so far.
    private(set) var rows = 0
    /// Transactions so far.
    private(set) var transactions = 0

    init(copying store: SQLiteLedgerStore, folder: URL, name: String) async throws {
        queue = try Benchmarks.plainDatabase(folder.appendingPathComponent("\(name).sqlite"), synchronous: "FULL")
        self.store = store
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE entries (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL,
                        type TEXT NOT NULL, commit_id TEXT NOT NULL, recorded_at INTEGER NOT NULL, entry BLOB NOT NULL,
                        leaf_hash BLOB NOT NULL, UNIQUE (stream, version))
                    """)
        }
    }

    /// Copies `count` rows of the ledger from position `first`, one transaction for each store
    /// transaction that wrote them.
    func copy(first: UInt64, count: Int) async throws {
        let end = first + UInt64(count)
        var position = first
        for checkpoint in try await store.checkpoints(fromSize: first + 1, limit: count) where checkpoint.size <= end {
            let rows = try await store.entries(from: position, limit: Int(checkpoint.size - position))
            let start = Date()
            try await queue.write { db in
                let statement = try db.cachedStatement(sql: "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                for row in rows {
                    try statement.execute(arguments: [
                        Int64(row.position), row.stream, Int64(row.version), row.type, row.commit.hex,
                        row.recordedAt.milliseconds, Data(row.bytes), Data(row.leafHash.bytes),
                    ])
                }
            }
            seconds += Date().timeIntervalSince(start)
            self.rows += rows.count
            transactions += 1
            position = checkpoint.size
        }
        precondition(position == end, "the copied range ends at a checkpoint")
    }
}
