import Foundation
import GRDB
public import LedgerCore
import SQLiteSupport

/// Reading the log back: every row through `StoredRow`'s typed, range-checked decoding, and a
/// file SQLite cannot read reported as damaged.
extension SQLiteLedgerStore {
    // MARK: - Reading

    public func size() async throws -> UInt64 {
        try await read(Self.size)
    }

    public func entries(from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read { db in
            try Self.entries(db, where: "position >= ?", order: "position", arguments: [Int64(clamping: position), limit])
        }
    }

    public func entries(stream: String, fromVersion version: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read { db in
            try Self.entries(db, where: "stream = ? AND version >= ?", order: "version", arguments: [stream, Int64(clamping: version), limit])
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
            try Row.fetchOne(db, sql: "SELECT * FROM ledger_checkpoints WHERE size = ?", arguments: [Int64(clamping: size)]).map(Self.checkpoint)
        }
    }

    public func checkpoints(fromSize size: UInt64, limit: Int) async throws -> [StoredCheckpoint] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM ledger_checkpoints WHERE size >= ? ORDER BY size LIMIT ?",
                arguments: [Int64(clamping: size), limit]
            ).map(Self.checkpoint)
        }
    }

    public func storageProblems() async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "PRAGMA quick_check").filter { $0 != "ok" }
                .map { $0.split(separator: "\n").filter { !$0.hasPrefix("***") }.joined(separator: "; ") }
                + Self.mistypedValues(db)
        }
    }

    /// Values of the log tables stored with another type than their column declares: SQLite
    /// keeps what it is given, so `12.0` in an INTEGER column or a blob in a TEXT column reads
    /// back as the same number or text, but is not the row the ledger wrote. One line per table,
    /// naming the first such row and column.
    static func mistypedValues(_ db: Database) throws -> [String] {
        var problems: [String] = []
        for table in [SQLiteSchema.entries, SQLiteSchema.commits, SQLiteSchema.nodes, SQLiteSchema.checkpoints] {
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").compactMap { row -> (name: String, allowed: [String])? in
                let declared = (row["type"] as String).uppercased()
                let type = declared.contains("INT") ? "integer" : declared.contains("TEXT") ? "text" : declared.contains("BLOB") ? "blob" : nil
                guard let type else { return nil }
                return (row["name"], (row["notnull"] as Int) == 1 ? [type] : [type, "null"])
            }
            guard !columns.isEmpty else { continue }
            let tests = columns.map { column in "typeof(\(column.name)) NOT IN (\(column.allowed.map { "'\($0)'" }.joined(separator: ", ")))" }
            let found = "CASE " + zip(columns, tests).map { "WHEN \($1) THEN '\($0.name) ' || typeof(\($0.name))" }.joined(separator: " ") + " END"
            if let row = try Row.fetchOne(db, sql: "SELECT rowid, \(found) FROM \(table) WHERE \(tests.joined(separator: " OR ")) LIMIT 1") {
                let rowid: Int64 = row[0]
                let what = (row[1] as String?)?.split(separator: " ") ?? []
                let declared = columns.first { $0.name == what.first.map(String.init) }?.allowed.first ?? "?"
                problems.append(
                    "\(table) row \(rowid): \(what.first ?? "a column") is stored as \(what.last ?? "another type"), not as \(declared) as the ledger writes it"
                )
            }
        }
        return problems
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
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
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
    static func size(_ db: Database) throws -> UInt64 {
        guard let highest = try DatabaseValue.fetchOne(db, sql: "SELECT MAX(position) FROM ledger_entries"), !highest.isNull else { return 0 }
        return try StoredRow.size(afterHighestPosition: highest)
    }

    static func entries(_ db: Database, prefixes: [String], from position: UInt64, limit: Int) throws -> [StoredEntry] {
        guard !prefixes.isEmpty else { return [] }
        let ranges = prefixes.map { _ in "(stream >= ? AND stream < ?)" }.joined(separator: " OR ")
        var arguments: [any DatabaseValueConvertible] = []
        for prefix in prefixes {
            arguments.append(prefix)
            arguments.append(StreamPrefix.upperBound(of: prefix))
        }
        arguments.append(Int64(clamping: position))
        arguments.append(Int64(min(limit, Int(Int64.max))))
        return try entries(db, where: "(\(ranges)) AND position >= ?", order: "position", arguments: StatementArguments(arguments))
    }

    static func hashes(of nodes: [TreeNode], _ db: Database) throws -> [TreeNode: TreeHash] {
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
    static func entries(_ db: Database, where condition: String, order: String, arguments: StatementArguments) throws -> [StoredEntry] {
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

    static func keptCommits(_ db: Database, from position: UInt64, limit: Int) throws -> [StoredCommit] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM ledger_commits WHERE first_position >= ? ORDER BY first_position LIMIT ?",
            arguments: [Int64(clamping: position), limit]
        ).map(commit)
    }

    /// The commit with its whole document, put back together from its entries if it keeps only
    /// the header.
    static func whole(_ commit: StoredCommit, _ db: Database) throws -> StoredCommit {
        guard commit.part == .header else { return commit }
        let entries = try entries(db, where: "position >= ?", order: "position", arguments: [Int64(clamping: commit.first), commit.keptEventCount])
        return try commit.reassembled(from: entries[...])
    }

    static func commit(_ row: Row) throws -> StoredCommit { try StoredRow.commit(row) }

    static func checkpoint(_ row: Row) throws -> StoredCheckpoint { try StoredRow.checkpoint(row) }
}
