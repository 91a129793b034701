import Logging
import PostgresNIO

/// The log's tables in PostgreSQL: the same columns as the SQLite store, the same bytes.
/// Migrations are never edited once shipped; a change of schema is a new migration.
enum PostgresSchema {
    static let logTables = ["ledger_entries", "ledger_commits", "ledger_nodes", "ledger_checkpoints"]

    /// Advisory-lock keys: one serialises appends (every writer process takes it first), one
    /// serialises migrations.
    static let appendLock: Int64 = 0x4348_4C45_4447_0001
    static let migrationLock: Int64 = 0x4348_4C45_4447_0002

    static let migrations: [(name: String, statements: [String])] = [
        (
            "ledger-v1",
            [
                """
                CREATE TABLE ledger_entries (
                    position    BIGINT  PRIMARY KEY CHECK (position >= 0),  -- Merkle leaf index, 0, 1, 2, …
                    stream      TEXT    COLLATE "C" NOT NULL,             -- byte order, as in SQLite
                    version     BIGINT  NOT NULL CHECK (version >= 1),    -- 1, 2, … within the stream
                    type        TEXT    NOT NULL,
                    commit_id   TEXT    NOT NULL,                         -- SHA-256 of the commit's signed bytes, hex
                    recorded_at BIGINT  NOT NULL,                         -- milliseconds since 1970 UTC
                    entry       BYTEA   NOT NULL,                         -- the exact bytes hashed as the leaf
                    leaf_hash   BYTEA   NOT NULL,                         -- SHA-256(0x00 || entry)
                    CONSTRAINT ledger_entries_stream_version UNIQUE (stream, version)
                )
                """,
                """
                CREATE TABLE ledger_commits (
                    id             TEXT   PRIMARY KEY,
                    first_position BIGINT NOT NULL UNIQUE,
                    last_position  BIGINT NOT NULL,
                    organisation   TEXT   NOT NULL,
                    key_id         TEXT   NOT NULL,
                    recorded_at    BIGINT NOT NULL,
                    signed         BYTEA  NOT NULL,  -- the commit document exactly as signed
                    signature      BYTEA  NOT NULL   -- Ed25519 over signed
                )
                """,
                // A commit's signed bytes are mostly its events again: compressed with lz4 where the
                // server has it (PostgreSQL 14 and later, built with lz4), several times cheaper than
                // the default pglz at every append. Elsewhere the default stays.
                """
                DO $$ BEGIN
                    ALTER TABLE ledger_commits ALTER COLUMN signed SET COMPRESSION lz4;
                EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL;
                END $$
                """,
                """
                CREATE TABLE ledger_nodes (
                    node_key BIGINT PRIMARY KEY,     -- (last leaf << 6) | level
                    hash     BYTEA  NOT NULL
                )
                """,
                """
                CREATE TABLE ledger_checkpoints (
                    size BIGINT PRIMARY KEY,
                    root BYTEA  NOT NULL,
                    note TEXT   NOT NULL             -- C2SP signed note
                )
                """,
                """
                CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: history cannot be changed', TG_TABLE_NAME
                        USING ERRCODE = 'restrict_violation';
                END
                $$
                """,
            ]
                + logTables.flatMap { table in
                    [
                        "CREATE TRIGGER \(table)_refuse_change BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
                        "CREATE TRIGGER \(table)_refuse_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
                        "REVOKE UPDATE, DELETE, TRUNCATE ON \(table) FROM PUBLIC",
                    ]
                }
        ),
        // Each event line is kept once, inside its entry: a commit written from now on keeps only
        // its document's header line in `signed`, and its reader puts the document back together
        // from the entries. Commits written before keep their whole document (false).
        (
            "ledger-v2-commit-headers",
            [
                "ALTER TABLE ledger_commits ADD COLUMN signed_is_header BOOLEAN NOT NULL DEFAULT false"
            ]
        ),
        // Each checkpoint records the size of the one stored before it (0 for the first), so that
        // a checkpoint removed from the log shows. NULL for checkpoints stored before.
        (
            "ledger-v3-checkpoint-chain",
            [
                "ALTER TABLE ledger_checkpoints ADD COLUMN previous_size BIGINT"
            ]
        ),
    ]

    /// Applies the migrations not applied yet. Needs the right to create tables only when there
    /// is something to apply, so a server role with only INSERT and SELECT opens a migrated log.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            if try await applied(connection, logger).count == migrations.count { return }
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS ledger_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger: logger)
                let done = try await applied(connection, logger)
                for migration in migrations where !done.contains(migration.name) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO ledger_migrations (name) VALUES (\(migration.name))", logger: logger)
                }
            }
        }
    }

    private static func applied(_ connection: PostgresConnection, _ logger: Logger) async throws -> Set<String> {
        let exists = try await connection.query("SELECT to_regclass('ledger_migrations') IS NOT NULL", logger: logger)
        var found = false
        for try await (value) in exists.decode(Bool.self) { found = value }
        guard found else { return [] }
        var names: Set<String> = []
        for try await name in try await connection.query("SELECT name FROM ledger_migrations", logger: logger).decode(String.self) {
            names.insert(name)
        }
        return names
    }

    /// The grants for a server role that may only read and append: `SELECT` and `INSERT` on the
    /// log's tables, nothing else. The role name must be a plain identifier.
    static func appendOnlyGrants(to role: String) -> [String] {
        let tables = logTables.joined(separator: ", ")
        return [
            "GRANT SELECT, INSERT ON \(tables) TO \(role)",
            "GRANT SELECT ON ledger_migrations TO \(role)",
        ]
    }
}
