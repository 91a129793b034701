import Foundation
package import GRDB
public import LedgerCore
import SQLiteSupport

/// The log in one SQLite file: the embedded default store.
///
/// WAL journal, `synchronous = FULL` (a commit the store acknowledged survives power loss), one
/// `BEGIN IMMEDIATE` transaction per append so that writers in other processes wait their turn,
/// and triggers that refuse UPDATE and DELETE on every log table.
public final class SQLiteLedgerStore: LedgerStore {
    /// The database connection(s).
    package let writer: any DatabaseWriter

    /// Opens (creating if needed) the ledger file at `path`.
    ///
    /// One connection (GRDB's `DatabaseQueue`) in WAL mode with `synchronous = FULL`, waiting up
    /// to a minute for writers in other processes. Opening an existing ledger writes nothing to
    /// it, so commands that only read, or that are refused, leave the file byte for byte as it was;
    /// only a ledger written by an earlier version is migrated once, when first opened.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            // Set here rather than with GRDB's `.wal` journal mode, which would lower
            // `synchronous` to NORMAL and write to the file on every open.
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            guard mode == "wal" else { throw LedgerError.corrupted(position: nil, reason: "\(path) cannot use a write-ahead log") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try self.init(writer: Self.open(path, configuration))
    }

    private static func open(_ path: String, _ configuration: Configuration) throws -> DatabaseQueue {
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw damaged(error)
        }
    }

    /// A store in memory, for tests.
    public static func inMemory() throws -> SQLiteLedgerStore {
        try SQLiteLedgerStore(writer: DatabaseQueue())
    }

    /// Uses an open database, migrating it to the current schema.
    package init(writer: any DatabaseWriter) throws {
        self.writer = writer
        do {
            try SQLiteSchema.migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw Self.damaged(error)
        }
    }

    // MARK: - Writing

    public func append<Outcome: Sendable>(
        _ query: AppendQuery,
        plan: @Sendable (AppendSnapshot) throws -> (AppendPlan, Outcome)
    ) async throws -> Outcome {
        do {
            return try await write(query, plan: plan)
        } catch let error as DatabaseError {
            throw Self.damaged(error)
        }
    }

    private func write<Outcome: Sendable>(
        _ query: AppendQuery,
        plan: @Sendable (AppendSnapshot) throws -> (AppendPlan, Outcome)
    ) async throws -> Outcome {
        try await writer.writeWithoutTransaction { db in
            var outcome: Outcome?
            try db.inTransaction(.immediate) {
                var query = query
                while true {
                    let snapshot = try Self.snapshot(db, query)
                    let (plan, result) = try plan(snapshot)
                    outcome = result
                    guard !plan.isEmpty else { return .rollback }
                    do {
                        try db.inSavepoint {
                            try Self.write(plan, after: snapshot.size, db)
                            return .commit
                        }
                        return .commit
                    } catch let error as DatabaseError
                        where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && !query.assumedNew.isEmpty
                        && (error.message ?? "").contains("ledger_entries.stream")
                    {
                        // A stream taken as new was not: read every stream and plan again.
                        query.streams.formUnion(query.assumedNew)
                        query.assumedNew = []
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        // The plan was made against what the file holds up to its size, so a row
                        // it cannot add is one nobody appended: the file was altered.
                        throw LedgerError.corrupted(
                            position: snapshot.size,
                            reason:
                                "the ledger file holds a row beyond the log's end (\(error.message ?? "a constraint failed")): it was altered outside the ledger; nothing was appended, and a verification names what changed"
                        )
                    }
                }
            }
            guard let outcome else { preconditionFailure("a transaction that commits has planned") }
            return outcome
        }
    }

    private static func snapshot(_ db: Database, _ query: AppendQuery) throws -> AppendSnapshot {
        let size = try size(db)
        let frontier =
            if let known = query.knownFrontier, known.size == size {
                known
            } else {
                try NodeStorage.frontier(size: size, from: try Self.hashes(of: NodeStorage.storedFrontierNodes(forSize: size), db))
            }
        var versions: [String: StreamHead] = [:]
        // One index lookup per stream: `MAX(version) … GROUP BY stream` would read every entry
        // of each stream, so appends to a long stream would slow down as it grows.
        let headStatement = try db.cachedStatement(
            sql: "SELECT stream, version, position FROM ledger_entries WHERE stream = ? ORDER BY version DESC LIMIT 1")
        for stream in query.streams {
            versions[stream] = try Row.fetchOne(headStatement, arguments: [stream]).map(StoredRow.head) ?? .empty
        }
        var existing: [CommitID: StoredCommit] = [:]
        let commitStatement = try db.cachedStatement(sql: "SELECT * FROM ledger_commits WHERE id = ?")
        for id in query.commitIDs {
            if let row = try Row.fetchOne(commitStatement, arguments: [id.hex]) {
                existing[id] = try commit(row)
            }
        }
        let lastRecordedAt = try Int64.fetchOne(db, sql: "SELECT recorded_at FROM ledger_entries ORDER BY position DESC LIMIT 1")
        var tail: [StoredEntry] = []
        if query.tailStart < size, !query.tailPrefixes.isEmpty {
            tail = try entries(db, prefixes: query.tailPrefixes, from: query.tailStart, limit: Int.max)
        }
        return AppendSnapshot(
            size: size,
            frontier: frontier,
            lastRecordedAt: lastRecordedAt.map(Timestamp.init(milliseconds:)),
            streamVersions: versions, existingCommits: existing, tail: tail)
    }

    private static func write(_ plan: AppendPlan, after size: UInt64, _ db: Database) throws {
        precondition(plan.entries.first.map { $0.position == size } ?? true, "a plan appends at the end of the log")
        let insertEntry = try BulkInsert(
            db,
            sql: """
                INSERT INTO ledger_entries (position, stream, version, type, commit_id, recorded_at, entry, leaf_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for entry in plan.entries {
            try insertEntry.execute(
                .integer(Int64(entry.position)), .text(entry.stream), .integer(Int64(entry.version)), .text(entry.type),
                .text(entry.commit.hex), .integer(entry.recordedAt.milliseconds), .bytes(entry.bytes), .bytes(entry.leafHash.bytes))
        }
        let insertNode = try BulkInsert(db, sql: "INSERT INTO ledger_nodes (node_key, hash) VALUES (?, ?)")
        for (node, hash) in plan.nodes {
            try insertNode.execute(.integer(node.storageKey), .bytes(hash.bytes))
        }
        let insertCommit = try db.cachedStatement(
            sql: """
                INSERT INTO ledger_commits (id, first_position, last_position, organisation, key_id, recorded_at, signed, signature,
                                            signed_is_header)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for commit in plan.commits {
            let signed = plan.signedToKeep(of: commit, after: size)
            try insertCommit.execute(arguments: [
                commit.id.hex, Int64(commit.first), Int64(commit.last), commit.organisation, commit.keyID,
                commit.recordedAt.milliseconds, Data(signed.bytes), Data(commit.signature), signed.isHeader,
            ])
        }
        for checkpoint in plan.checkpoints {
            try db.execute(
                sql: """
                    INSERT INTO ledger_checkpoints (size, root, note, previous_size)
                    VALUES (?, ?, ?, (SELECT COALESCE(MAX(size), 0) FROM ledger_checkpoints))
                    """,
                arguments: [Int64(checkpoint.size), Data(checkpoint.root.bytes), checkpoint.note])
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
