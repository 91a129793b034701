import Foundation
import GRDB
import LedgerCore
import SQLiteSupport

/// Reading the log's rows back. Everything read from the file is untrusted: someone with the
/// `sqlite3` shell can store NULL, text, a negative number or a blob of any length in any column.
/// Every value is checked for its type and range, and anything else is reported as a
/// `LedgerError.corrupted` that names the table, the column and, where known, the position.
enum StoredRow {
    static func altered(_ column: String, _ position: UInt64?, _ what: String) -> LedgerError {
        .corrupted(position: position, reason: "the stored \(column) \(what): the ledger file was altered")
    }

    /// A position, version or size: a non-negative integer.
    static func unsigned(_ value: Int64, column: String, position: UInt64?) throws(LedgerError) -> UInt64 {
        try StoredValue.unsigned(value, column: column, position: position)
    }

    static func position(_ value: Int64, column: String) throws(LedgerError) -> UInt64 {
        try unsigned(value, column: column, position: nil)
    }

    /// The log's size from its highest stored position.
    static func size(afterHighestPosition highest: DatabaseValue) throws -> UInt64 {
        guard let value = Int64.fromDatabaseValue(highest) else {
            throw altered("ledger_entries.position", nil, "holds a value that is not a position")
        }
        return try StoredValue.size(afterHighest: value, column: "ledger_entries.position")
    }

    static func hash(_ row: Row, _ index: Int, _ column: String, position: UInt64?) throws -> TreeHash {
        guard let data = Data.fromDatabaseValue(row[index]), let hash = TreeHash(bytes: data) else {
            throw altered(column, position, "is not a 32-byte hash")
        }
        return hash
    }

    /// A `ledger_nodes` row: `node_key, hash`.
    static func node(_ row: Row) throws -> (node: TreeNode, hash: TreeHash) {
        guard let key = Int64.fromDatabaseValue(row[0]) else { throw altered("ledger_nodes.node_key", nil, "is not an integer") }
        let node = try TreeNode(storedKey: key)
        return (node, try hash(row, 1, "ledger_nodes.hash of \(node)", position: node.firstLeaf))
    }

    /// `stream, version, position` of a stream's last entry.
    static func head(_ row: Row) throws -> StreamHead {
        let version = try unsigned(row.decode(Int64.self, atIndex: 1), column: "ledger_entries.version", position: nil)
        let position = try self.position(row.decode(Int64.self, atIndex: 2), column: "ledger_entries.position")
        return StreamHead(version: version, position: position)
    }

    /// A `ledger_entries` row read as `position, stream, version, type, recorded_at, commit_id,
    /// entry, leaf_hash`.
    static func entry(_ row: BulkRead) throws -> StoredEntry {
        guard let rawPosition = row.storedInteger(0) else { throw altered("ledger_entries.position", nil, "is not an integer") }
        let position = try self.position(rawPosition, column: "ledger_entries.position")
        func column<Value>(_ value: Value?, _ name: String, _ what: String) throws(LedgerError) -> Value {
            guard let value else { throw altered(name, position, what) }
            return value
        }
        let stream = try column(row.storedText(1), "ledger_entries.stream", "is not text")
        let version = try unsigned(
            column(row.storedInteger(2), "ledger_entries.version", "is not an integer"), column: "ledger_entries.version", position: position)
        let type = try column(row.storedText(3), "ledger_entries.type", "is not text")
        let recordedAt = try column(row.storedInteger(4), "ledger_entries.recorded_at", "is not an integer")
        let commit = try CommitID(stored: column(row.storedText(5), "ledger_entries.commit_id", "is not text"))
        let bytes = try column(row.storedBytes(6), "ledger_entries.entry", "is not a blob")
        let leaf = try column(row.storedBytes(7).flatMap { TreeHash(bytes: $0) }, "leaf hash", "is not 32 bytes")
        return StoredEntry(
            position: position, stream: stream, version: version, type: type, recordedAt: Timestamp(milliseconds: recordedAt),
            commit: commit, bytes: bytes, leafHash: leaf)
    }

    /// A `ledger_commits` row.
    static func commit(_ row: Row) throws -> StoredCommit {
        func value<Value: DatabaseValueConvertible>(_ type: Value.Type, _ name: String) throws -> Value {
            guard let value = Value.fromDatabaseValue(row[name]) else {
                throw altered("ledger_commits.\(name)", nil, "of a commit holds no \(type)")
            }
            return value
        }
        let id = try CommitID(stored: value(String.self, "id"))
        let first = try unsigned(value(Int64.self, "first_position"), column: "ledger_commits.first_position", position: nil)
        let last = try unsigned(value(Int64.self, "last_position"), column: "ledger_commits.last_position", position: first)
        return StoredCommit(
            id: id, bytes: [UInt8](try value(Data.self, "signed")), part: try value(Bool.self, "signed_is_header") ? .header : .document,
            signature: [UInt8](try value(Data.self, "signature")), organisation: try value(String.self, "organisation"),
            keyID: try value(String.self, "key_id"), first: first, last: last,
            recordedAt: Timestamp(milliseconds: try value(Int64.self, "recorded_at")))
    }

    /// A `ledger_checkpoints` row.
    static func checkpoint(_ row: Row) throws -> StoredCheckpoint {
        guard let rawSize = Int64.fromDatabaseValue(row["size"]) else { throw altered("ledger_checkpoints.size", nil, "is not an integer") }
        let size = try unsigned(rawSize, column: "ledger_checkpoints.size", position: nil)
        guard let data = Data.fromDatabaseValue(row["root"]), let root = TreeHash(bytes: data) else {
            throw altered("ledger_checkpoints.root of the checkpoint for size \(size)", nil, "is not a 32-byte hash")
        }
        guard let note = String.fromDatabaseValue(row["note"]) else {
            throw altered("ledger_checkpoints.note of the checkpoint for size \(size)", nil, "is not text")
        }
        var previous: UInt64?
        if let raw = row["previous_size"] as DatabaseValue?, !raw.isNull {
            guard let value = Int64.fromDatabaseValue(raw) else {
                throw altered("ledger_checkpoints.previous_size of the checkpoint for size \(size)", nil, "is not an integer")
            }
            previous = try unsigned(value, column: "ledger_checkpoints.previous_size", position: nil)
        }
        return StoredCheckpoint(size: size, root: root, note: note, previousSize: previous)
    }
}
