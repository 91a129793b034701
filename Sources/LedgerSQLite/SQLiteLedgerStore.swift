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
        for chunk in Array(query.streams).chunked(500) {
            for stream in chunk { versions[stream] = .empty }
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            let rows = try Row.fetchCursor(
                db, sql: "SELECT stream, MAX(version), MAX(position) FROM ledger_entries WHERE stream IN (\(marks)) GROUP BY stream",
                arguments: StatementArguments(Array(chunk)))
            while let row = try rows.next() {
                versions[try row.decode(String.self, atIndex: 0)] = try StoredRow.head(row)
            }
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

    // MARK: - Reading

    public func size() async throws -> UInt64 {
        try await read(Self.size)
    }

    public func entries(from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read { db in
            try Self.entries(db, where: "position >= ?", order: "position", arguments: [Int64(position), limit])
        }
    }

    public func entries(stream: String, fromVersion version: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read { db in
            try Self.entries(db, where: "stream = ? AND version >= ?", order: "version", arguments: [stream, Int64(version), limit])
        }
    }

    public func entries(streamPrefixes prefixes: [String], from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read { db in try Self.entries(db, prefixes: prefixes, from: position, limit: limit) }
    }

    public func version(of stream: String) async throws -> UInt64 {
        try await read { db in
            guard let highest = try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM ledger_entries WHERE stream = ?", arguments: [stream])
            else { return 0 }
            return try StoredRow.unsigned(highest, column: "ledger_entries.version", position: nil)
        }
    }

    public func commit(_ id: CommitID) async throws -> StoredCommit? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ledger_commits WHERE id = ?", arguments: [id.hex])
                .map { try Self.whole(Self.commit($0), db) }
        }
    }

    public func commits(from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await read { db in
            try Self.keptCommits(db, from: position, limit: limit).map { try Self.whole($0, db) }
        }
    }

    public func keptCommits(from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await read { db in try Self.keptCommits(db, from: position, limit: limit) }
    }

    public func hashes(of nodes: [TreeNode]) async throws -> [TreeNode: TreeHash] {
        try await read { db in try Self.hashes(of: nodes, db) }
    }

    public func hashesOnCallingThread(of nodes: [TreeNode]) throws -> [TreeNode: TreeHash]? {
        do {
            return try writer.read { db in try Self.hashes(of: nodes, db) }
        } catch let error as DatabaseError {
            throw Self.damaged(error)
        }
    }

    public func storedNodes(fromKey key: Int64, limit: Int) async throws -> [(node: TreeNode, hash: TreeHash)] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT node_key, hash FROM ledger_nodes WHERE node_key >= ? ORDER BY node_key LIMIT ?",
                arguments: [key, limit]
            ).map { row in
                try StoredRow.node(row)
            }
        }
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ledger_checkpoints ORDER BY size DESC LIMIT 1").map(Self.checkpoint)
        }
    }

    public func checkpoint(size: UInt64) async throws -> StoredCheckpoint? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ledger_checkpoints WHERE size = ?", arguments: [Int64(size)]).map(Self.checkpoint)
        }
    }

    public func checkpoints(fromSize size: UInt64, limit: Int) async throws -> [StoredCheckpoint] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM ledger_checkpoints WHERE size >= ? ORDER BY size LIMIT ?",
                arguments: [Int64(size), limit]
            ).map(Self.checkpoint)
        }
    }

    public func storageProblems() async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check").filter { $0 != "ok" }
                .map { $0.split(separator: "\n").filter { !$0.hasPrefix("***") }.joined(separator: "; ") }
        }
    }

    public func rowsBeforeTheLog() async throws -> [String] {
        try await read { db in
            var rows: [String] = []
            let keys = [
                (SQLiteSchema.entries, "position"), (SQLiteSchema.commits, "first_position"), (SQLiteSchema.nodes, "node_key"),
                (SQLiteSchema.checkpoints, "size"),
            ]
            for (table, column) in keys {
                if let value = try String.fetchOne(db, sql: "SELECT quote(\(column)) FROM \(table) WHERE \(column) < 0 ORDER BY \(column) LIMIT 1") {
                    rows.append("\(table) holds a row with \(column) \(value)")
                }
            }
            return rows
        }
    }

    // MARK: - Damage

    /// Runs a read; a file the storage engine finds damaged is reported as such.
    private func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(value)
        } catch let error as DatabaseError {
            throw Self.damaged(error)
        }
    }

    /// SQLite's word that the file is damaged (`SQLITE_CORRUPT`, `SQLITE_NOTADB`: a page it
    /// cannot read, a file cut short or overwritten) as the ledger's own error; any other error
    /// as it is.
    static func damaged(_ error: DatabaseError) -> any Error {
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            LedgerError.corrupted(
                position: nil,
                reason: "the storage engine cannot read the ledger file (\(error.message ?? "\(error.resultCode)")): "
                    + "it was damaged or altered outside the ledger")
        default:
            error
        }
    }

    // MARK: - Rows

    /// The log's size: one past the highest position (so that a deleted entry shows as a gap).
    private static func size(_ db: Database) throws -> UInt64 {
        guard let highest = try DatabaseValue.fetchOne(db, sql: "SELECT MAX(position) FROM ledger_entries"), !highest.isNull else { return 0 }
        return try StoredRow.size(afterHighestPosition: highest)
    }

    private static func entries(_ db: Database, prefixes: [String], from position: UInt64, limit: Int) throws -> [StoredEntry] {
        guard !prefixes.isEmpty else { return [] }
        let ranges = prefixes.map { _ in "(stream >= ? AND stream < ?)" }.joined(separator: " OR ")
        var arguments: [any DatabaseValueConvertible] = []
        for prefix in prefixes {
            arguments.append(prefix)
            arguments.append(StreamPrefix.upperBound(of: prefix))
        }
        arguments.append(Int64(position))
        arguments.append(Int64(min(limit, Int(Int64.max))))
        return try entries(db, where: "(\(ranges)) AND position >= ?", order: "position", arguments: StatementArguments(arguments))
    }

    private static func hashes(of nodes: [TreeNode], _ db: Database) throws -> [TreeNode: TreeHash] {
        var result: [TreeNode: TreeHash] = [:]
        let leaves = nodes.filter { $0.level == 0 }.map { Int64($0.index) }
        let interior = nodes.filter { $0.level > 0 }.map(\.storageKey)
        for chunk in leaves.chunked(500) {
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            for row in try Row.fetchAll(
                db, sql: "SELECT position, leaf_hash FROM ledger_entries WHERE position IN (\(marks))",
                arguments: StatementArguments(chunk))
            {
                let position = try StoredRow.position(row.decode(Int64.self, atIndex: 0), column: "ledger_entries.position")
                result[TreeNode(level: 0, index: position)] = try StoredRow.hash(row, 1, "ledger_entries.leaf_hash", position: position)
            }
        }
        for chunk in interior.chunked(500) {
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            for row in try Row.fetchAll(
                db, sql: "SELECT node_key, hash FROM ledger_nodes WHERE node_key IN (\(marks))",
                arguments: StatementArguments(chunk))
            {
                let (node, hash) = try StoredRow.node(row)
                result[node] = hash
            }
        }
        return result
    }

    /// Entries matching `condition`, read column by column (the log's hot read path).
    private static func entries(_ db: Database, where condition: String, order: String, arguments: StatementArguments) throws -> [StoredEntry] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT position, stream, version, type, recorded_at, commit_id, entry, leaf_hash
                FROM ledger_entries WHERE \(condition) ORDER BY \(order) LIMIT ?
                """)
        try statement.setArguments(arguments)
        var result: [StoredEntry] = []
        try BulkRead(statement).forEach { row in result.append(try StoredRow.entry(row)) }
        return result
    }

    private static func keptCommits(_ db: Database, from position: UInt64, limit: Int) throws -> [StoredCommit] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM ledger_commits WHERE first_position >= ? ORDER BY first_position LIMIT ?",
            arguments: [Int64(position), limit]
        ).map(commit)
    }

    /// The commit with its whole document, put back together from its entries if it keeps only
    /// the header.
    private static func whole(_ commit: StoredCommit, _ db: Database) throws -> StoredCommit {
        guard commit.part == .header else { return commit }
        let entries = try entries(db, where: "position >= ?", order: "position", arguments: [Int64(commit.first), commit.keptEventCount])
        return try commit.reassembled(from: entries[...])
    }

    private static func commit(_ row: Row) throws -> StoredCommit { try StoredRow.commit(row) }

    private static func checkpoint(_ row: Row) throws -> StoredCheckpoint { try StoredRow.checkpoint(row) }
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
