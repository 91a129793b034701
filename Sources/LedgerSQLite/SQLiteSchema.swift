import GRDB

/// The log's tables and the triggers that keep them append-only. Migrations are never edited
/// once shipped; a change of schema is a new migration.
enum SQLiteSchema {
    static let entries = "ledger_entries"
    static let commits = "ledger_commits"
    static let nodes = "ledger_nodes"
    static let checkpoints = "ledger_checkpoints"
    static let logTables = [entries, commits, nodes, checkpoints]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("ledger-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ledger_entries (
                        position    INTEGER PRIMARY KEY,  -- Merkle leaf index, 0, 1, 2, …
                        stream      TEXT    NOT NULL,
                        version     INTEGER NOT NULL,     -- 1, 2, … within the stream
                        type        TEXT    NOT NULL,
                        commit_id   TEXT    NOT NULL,     -- SHA-256 of the commit's signed bytes, hex
                        recorded_at INTEGER NOT NULL,     -- milliseconds since 1970 UTC
                        entry       BLOB    NOT NULL,     -- the exact bytes hashed as the leaf
                        leaf_hash   BLOB    NOT NULL,     -- SHA-256(0x00 || entry)
                        UNIQUE (stream, version)
                    );
                    CREATE TABLE ledger_commits (
                        id             TEXT    NOT NULL PRIMARY KEY,
                        first_position INTEGER NOT NULL UNIQUE,
                        last_position  INTEGER NOT NULL,
                        organisation   TEXT    NOT NULL,
                        key_id         TEXT    NOT NULL,
                        recorded_at    INTEGER NOT NULL,
                        signed         BLOB    NOT NULL,  -- the commit document exactly as signed (see v2)
                        signature      BLOB    NOT NULL   -- Ed25519 over `signed`
                    );
                    CREATE TABLE ledger_nodes (
                        node_key INTEGER PRIMARY KEY,     -- (last leaf << 6) | level
                        hash     BLOB    NOT NULL
                    );
                    CREATE TABLE ledger_checkpoints (
                        size INTEGER PRIMARY KEY,
                        root BLOB    NOT NULL,
                        note TEXT    NOT NULL             -- C2SP signed note
                    );
                    """)
            for table in logTables {
                for operation in ["UPDATE", "DELETE"] {
                    try db.execute(
                        sql: """
                            CREATE TRIGGER \(table)_refuse_\(operation.lowercased())
                            BEFORE \(operation) ON \(table)
                            BEGIN
                                SELECT RAISE(ABORT, '\(table) is append-only: history cannot be changed');
                            END
                            """)
                }
            }
        }
        migrator.registerMigration("ledger-v2-commit-headers") { db in
            // Each event line is kept once, inside its entry: a commit written from now on keeps
            // only its document's header line in `signed`, and its reader puts the document back
            // together from the entries. Commits written before keep their whole document (0).
            try db.execute(
                sql: """
                    ALTER TABLE ledger_commits ADD COLUMN signed_is_header INTEGER NOT NULL DEFAULT 0
                        CHECK (signed_is_header IN (0, 1))
                    """)
        }
        migrator.registerMigration("ledger-v3-checkpoint-chain") { db in
            // Each checkpoint records the size of the one stored before it (0 for the first), so
            // that a checkpoint removed from the file shows. NULL for checkpoints stored before.
            try db.execute(sql: "ALTER TABLE ledger_checkpoints ADD COLUMN previous_size INTEGER")
        }
        return migrator
    }
}
