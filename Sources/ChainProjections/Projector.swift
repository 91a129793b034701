import ChainDomain
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

    static func position(_ db: Database) throws -> UInt64 {
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
    static func prepare(_ entries: [StoredEntry]) throws -> [ProjectionApplier.Prepared] {
        try Parallel.map(entries.count) { (index) throws(LedgerError) in try ProjectionApplier.Prepared(entries[index]) }
    }

    /// The content digest of each projection, with the position the tables reflect: SHA-256 over
    /// every row of every table, in a fixed order and spelling. Equal digests mean equal contents.
    public func digests() async throws -> (position: UInt64, digests: [(projection: String, digest: String)]) {
        try await database.read { db in (try Self.position(db), try ProjectionContent.digests(db, suffix: "")) }
    }
}
