import Crypto
import Foundation
import GRDB

/// The rows of the projections in a fixed order and spelling: what their digests cover, and where
/// two copies of them (the live tables and a rebuild's) first differ.
enum ProjectionContent {
    /// The SHA-256 digest of each projection's tables under `suffix` (empty for the live tables).
    static func digests(_ db: Database, suffix: String) throws -> [(projection: String, digest: String)] {
        try ProjectionSchema.projections.map { projection in
            var hasher = SHA256()
            for table in projection.tables {
                hasher.update(data: Array("table \(table.name)\n".utf8))
                let cursor = try rows(db, table, suffix: suffix)
                while let line = try cursor.next() { hasher.update(data: Array((line + "\n").utf8)) }
            }
            return (projection.name, hasher.finalize().map { String(format: "%02x", $0) }.joined())
        }
    }

    /// The first row in which `projection`'s live tables and those under `suffix` differ, in
    /// digest order; nil when they hold the same rows.
    static func firstDifference(
        _ db: Database, _ projection: ProjectionSchema.Projection, suffix: String, position: UInt64
    ) throws -> ProjectionDrift? {
        for table in projection.tables {
            let live = try rows(db, table, suffix: "")
            let rebuilt = try rows(db, table, suffix: suffix)
            var number = 0
            while true {
                number += 1
                let (a, b) = (try live.next(), try rebuilt.next())
                if a == nil && b == nil { break }
                if a != b {
                    return ProjectionDrift(
                        projection: projection.name, position: position, table: table.name, row: number, live: a, rebuilt: b)
                }
            }
        }
        return nil
    }

    /// Each row of `table` under `suffix` as one line: `column=value` pairs separated by U+001F.
    private static func rows(_ db: Database, _ table: ProjectionSchema.Table, suffix: String) throws -> some Cursor<String> {
        try Row.fetchCursor(db, sql: "SELECT * FROM \(table.name)\(suffix) ORDER BY \(table.orderBy), rowid").map { row in
            var line = ""
            for (column, value) in row { line += column + "=" + spell(value.databaseValue) + "\u{1F}" }
            return line
        }
    }

    private static func spell(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): "'" + text + "'"
        case .blob(let data): "x" + data.map { String(format: "%02x", $0) }.joined()
        }
    }
}

/// Where the live projections and a rebuild of them from the log first differ: a projection bug,
/// or a projections file changed behind the ledger's back.
public struct ProjectionDrift: Error, Sendable, Equatable, CustomStringConvertible {
    /// The projection whose digests differ.
    public let projection: String
    /// The position both reflect.
    public let position: UInt64
    /// Its first table that differs.
    public let table: String
    /// The number (from 1, in digest order) of the first row that differs.
    public let row: Int
    /// That row in the live table (nil: the live table has fewer rows).
    public let live: String?
    /// That row as rebuilt from the log (nil: the rebuilt table has fewer rows).
    public let rebuilt: String?

    public var description: String {
        func spelled(_ line: String?) -> String {
            line.map { $0.split(separator: "\u{1F}").joined(separator: ", ") } ?? "(no such row)"
        }
        return """
            projection \(projection) differs from its rebuild at position \(position): table \(table), row \(row) differs
              live:    \(spelled(live))
              rebuilt: \(spelled(rebuilt))
            """
    }
}
