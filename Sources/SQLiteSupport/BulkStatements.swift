package import GRDB
import GRDBSQLite

/// Binds values straight to a prepared statement and runs it: the append path inserts thousands
/// of rows per transaction, and GRDB's general argument handling (boxing every value) costs more
/// than SQLite's own work there. Everything else goes through GRDB as usual.
package struct BulkInsert {
    private let statement: Statement

    package init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    /// Binds `values` by position and executes the statement once.
    package func execute(_ values: Value...) throws {
        try execute(values)
    }

    /// Binds `values` by position and executes the statement once.
    package func execute(_ values: [Value]) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32 =
                switch value {
                case .integer(let number): sqlite3_bind_int64(handle, index, number)
                case .text(var text):
                    text.withUTF8 { bytes in
                        bytes.withMemoryRebound(to: CChar.self) {
                            sqlite3_bind_text(handle, index, $0.baseAddress ?? Self.emptyText, Int32($0.count), transient)
                        }
                    }
                case .bytes(let bytes):
                    bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
                case .real(let number): sqlite3_bind_double(handle, index, number)
                case .null: sqlite3_bind_null(handle, index)
                }
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: lastMessage) }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: lastMessage, sql: statement.sql)
        }
    }

    private var lastMessage: String {
        String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)))
    }

    /// A zero-length C string, for binding "" (a NULL pointer would bind SQL NULL).
    nonisolated(unsafe) private static let emptyText = UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)

    /// SQLite copies the value (SQLITE_TRANSIENT).
    private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    package enum Value {
        case integer(Int64)
        case text(String)
        case bytes([UInt8])
        case real(Double)
        case null
    }
}

/// Reads rows of a prepared statement column by column, without GRDB's row boxing: the log is
/// read in long runs (verify, projection rebuilds), a few hundred bytes per row.
package struct BulkRead {
    private let handle: OpaquePointer

    package init(_ statement: Statement) {
        handle = statement.sqliteStatement
    }

    /// Steps through every row, calling `body` with a reader positioned on it.
    package func forEach(_ body: (BulkRead) throws -> Void) throws {
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
            }
            try body(self)
        }
    }

    package func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The column's integer, or `nil` when it holds anything else (NULL, a real, text, a blob):
    /// for reading rows that may have been altered outside the program.
    package func storedInteger(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_INTEGER ? sqlite3_column_int64(handle, column) : nil
    }

    /// The column's text, or `nil` when it holds anything else.
    package func storedText(_ column: Int32) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_TEXT ? text(column) : nil
    }

    /// The column's blob, or `nil` when it holds anything else.
    package func storedBytes(_ column: Int32) -> [UInt8]? {
        sqlite3_column_type(handle, column) == SQLITE_BLOB ? bytes(column) : nil
    }

    package func real(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    package func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    package func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
