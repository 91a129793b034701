import Foundation
import GRDB
public import LedgerCore

/// A witness's record: the latest checkpoint it cosigned per log origin, in a SQLite file. Every
/// change is one immediate transaction that reads the record, decides and writes, so that
/// concurrent requests (in one process or several) can never roll the record back.
public final class WitnessState: Sendable {
    /// What the witness holds for one log.
    public struct Record: Sendable, Equatable {
        public let size: UInt64
        public let root: TreeHash
        /// The checkpoint note with the log's signatures and the witness's cosignature.
        public let note: String
    }

    /// What a decision does with the record.
    enum Decision: Sendable {
        case accept(Record, WitnessAnswer)
        case refuse(WitnessAnswer)
    }

    private let database: DatabaseQueue

    /// Opens (or creates) the record at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Write-ahead log with a full sync: one fsync per cosigned checkpoint, durable before
        // the witness answers, as the spec requires.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("witness-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE witness_checkpoints (
                        origin TEXT PRIMARY KEY NOT NULL,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        root BLOB NOT NULL CHECK (length(root) = 32),
                        note TEXT NOT NULL
                    ) STRICT
                    """)
        }
        try migrator.migrate(database)
    }

    /// The record for `origin`, if any.
    public func latest(origin: String) async throws -> Record? {
        try await database.read { db in try Self.record(db, origin) }
    }

    /// Reads the record for `origin`, lets `decide` choose, and writes an accepted record, in one
    /// immediate transaction.
    func advance(origin: String, decide: @escaping @Sendable (Record?) -> Decision) async throws -> WitnessAnswer {
        try await database.writeWithoutTransaction { db in
            var answer: WitnessAnswer?
            try db.inTransaction(.immediate) {
                switch decide(try Self.record(db, origin)) {
                case .refuse(let refusal):
                    answer = refusal
                    return .rollback
                case .accept(let record, let accepted):
                    try db.execute(
                        sql: """
                            INSERT INTO witness_checkpoints (origin, size, root, note) VALUES (?, ?, ?, ?)
                            ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note
                            """,
                        arguments: [origin, Int64(record.size), Data(record.root.bytes), record.note])
                    answer = accepted
                    return .commit
                }
            }
            return answer!
        }
    }

    private static func record(_ db: Database, _ origin: String) throws -> Record? {
        guard let row = try Row.fetchOne(db, sql: "SELECT size, root, note FROM witness_checkpoints WHERE origin = ?", arguments: [origin]) else {
            return nil
        }
        let size: Int64 = row["size"]
        let root: Data = row["root"]
        guard size >= 0, let hash = TreeHash(bytes: root) else {
            throw WitnessStateError.damaged("the record for \(origin) holds size \(size) and a \(root.count)-byte root")
        }
        return Record(size: UInt64(size), root: hash, note: row["note"])
    }
}

/// Why the witness's record cannot be used.
public enum WitnessStateError: PhrasedError {
    case damaged(String)

    public var phrase: Phrase {
        switch self {
        case .damaged(let detail): "the witness's record is damaged: \(detail)"
        }
    }
}
