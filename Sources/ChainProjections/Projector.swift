import ChainDomain
import Crypto
import Foundation
package import GRDB
public import LedgerCore

/// Keeps the read models in step with the log: incrementally (from the position they have
/// reached, in the same transaction as their rows, so a crash never leaves them half-applied or
/// applied twice) or by a full rebuild into shadow tables that replace the live ones in one
/// transaction (readers never see a half-built state).
public final class Projector: Sendable {
    /// The projections' database (its own SQLite file, which may be thrown away and rebuilt). Inside
    /// the package only, so that GRDB stays out of the public API.
    package let database: any DatabaseWriter
    /// The log the projections follow.
    public let store: any LedgerStore

    /// Opens (creating if needed) the projections file at `path`.
    public convenience init(path: String, store: any LedgerStore) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        // A pool: readers run side by side, and alongside a catch-up.
        try self.init(database: DatabasePool(path: path, configuration: configuration), store: store)
    }

    /// Projections in `database` (an in-memory `DatabaseQueue` in tests), migrated to the current schema.
    package init(database: any DatabaseWriter, store: any LedgerStore) throws {
        self.database = database
        self.store = store
        try ProjectionSchema.migrator.migrate(database)
    }

    /// Queries on these projections.
    public var readModels: ReadModels { ReadModels(database: database) }

    /// How many log entries the live tables reflect.
    public func position() async throws -> UInt64 {
        try await database.read { db in try Self.position(db) }
    }

    private static func position(_ db: Database) throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT position FROM projection_state WHERE name = 'log'") ?? 0)
    }

    /// Applies the entries the live tables have not seen yet, `pageSize` per transaction; returns
    /// the number applied.
    @discardableResult
    public func catchUp(pageSize: Int = 10_000) async throws -> UInt64 {
        var applied: UInt64 = 0
        while true {
            let start = try await position()
            let entries = try await store.entries(from: start, limit: pageSize)
            guard !entries.isEmpty else { return applied }
            let previous = start == 0 ? nil : try await store.entries(from: start - 1, limit: 1).first?.commit
            let prepared = try Self.prepare(entries)
            let moved: Bool = try await database.write { db in
                // Another catch-up may have got here first: apply only from where the tables are.
                guard try Self.position(db) == start else { return false }
                var applier = ProjectionApplier(db, suffix: "")
                for entry in prepared { try applier.apply(entry, previousCommit: previous) }
                try db.execute(
                    sql: "UPDATE projection_state SET position = ? WHERE name = 'log'",
                    arguments: [Int64(entries.last!.position + 1)])
                return true
            }
            if moved { applied += UInt64(entries.count) }
        }
    }

    /// Reads and decodes entries on every core.
    private static func prepare(_ entries: [StoredEntry]) throws -> [ProjectionApplier.Prepared] {
        try Parallel.map(entries.count) { (index) throws(LedgerError) in try ProjectionApplier.Prepared(entries[index]) }
    }

    /// Rebuilds every projection from position 0 into shadow tables and swaps them in at once.
    /// `progress` is told the number of entries applied so far. If anything fails (or the process
    /// dies) before the swap, the live tables go on serving unchanged.
    public func rebuild(pageSize: Int = 20_000, failAfter: UInt64? = nil, progress: (@Sendable (UInt64, UInt64) -> Void)? = nil) async throws {
        let suffix = "__rebuild"
        let generation = String(UInt64(Date().timeIntervalSince1970 * 1000))
        // Measurements, the bulk, get their index after loading; the other tables are small and
        // are looked up while loading.
        let isBulk: @Sendable (ProjectionSchema.Table) -> Bool = { $0.name == "measurements" }
        try await database.write { db in
            for table in ProjectionSchema.tables { try db.execute(sql: "DROP TABLE IF EXISTS \(table.name)\(suffix)") }
            try ProjectionSchema.create(db, suffix: suffix)
            try ProjectionSchema.createIndexes(db, suffix: suffix, generation: generation) { !isBulk($0) }
        }
        let target = try await store.size()
        var position: UInt64 = 0
        /// Reads and decodes a page while the previous one is written. Decoding runs on Dispatch
        /// workers, so that the writing task resumes as soon as a page is written.
        func page(from start: UInt64) async throws -> [ProjectionApplier.Prepared]? {
            guard start < target else { return nil }
            let entries = try await store.entries(from: start, limit: Int(min(UInt64(pageSize), target - start)))
            return try await Parallel.offPool { try Self.prepare(entries) }
        }
        var next = try await page(from: 0)
        var previous: CommitID?
        while let entries = next {
            let following = position + UInt64(entries.count)
            async let upcoming = page(from: following)
            let before = previous
            try await database.write { db in
                var applier = ProjectionApplier(db, suffix: suffix, deferClosingMeasurements: true)
                for entry in entries { try applier.apply(entry, previousCommit: before) }
            }
            previous = entries.last?.commit
            position = following
            if let failAfter, position >= failAfter {
                _ = try? await upcoming
                throw RebuildInterrupted(position: position)
            }
            progress?(position, target)
            next = try await upcoming
        }
        try await database.write { db in
            try ProjectionSchema.createIndexes(db, suffix: suffix, generation: generation, only: isBulk)
            try ProjectionApplier.closeSupersededMeasurements(
                db, suffix: suffix, corrections: ProjectionSchema.correctionsIndex(generation: generation))
        }
        try await database.write { db in
            for table in ProjectionSchema.tables {
                try db.execute(sql: "DROP TABLE \(table.name)")
                try db.execute(sql: "ALTER TABLE \(table.name)\(suffix) RENAME TO \(table.name)")
            }
            try db.execute(sql: "UPDATE projection_state SET position = ? WHERE name = 'log'", arguments: [Int64(target)])
        }
        // Entries appended while rebuilding.
        try await catchUp()
    }

    /// A rebuild stopped on purpose (tests use it to check that the live tables keep serving).
    public struct RebuildInterrupted: Error, CustomStringConvertible {
        public let position: UInt64
        public var description: String { "rebuild interrupted at position \(position)" }
    }

    /// The content digest of each projection, with the position the tables reflect: SHA-256 over
    /// every row of every table, in a fixed order and spelling. Equal digests mean equal contents.
    public func digests() async throws -> (position: UInt64, digests: [(projection: String, digest: String)]) {
        try await database.read { db in
            var result: [(String, String)] = []
            for projection in ProjectionSchema.projections {
                var hasher = SHA256()
                for table in projection.tables {
                    hasher.update(data: Array("table \(table.name)\n".utf8))
                    let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.name) ORDER BY \(table.orderBy), rowid")
                    while let row = try cursor.next() {
                        var line = ""
                        for (column, value) in row {
                            line += column + "=" + Self.spell(value.databaseValue) + "\u{1F}"
                        }
                        hasher.update(data: Array((line + "\n").utf8))
                    }
                }
                result.append((projection.name, hasher.finalize().map { String(format: "%02x", $0) }.joined()))
            }
            return (try Self.position(db), result)
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
