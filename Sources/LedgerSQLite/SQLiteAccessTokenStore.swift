public import Foundation
package import GRDB
public import LedgerCore

/// A server's access tokens in their own SQLite file beside the ledger (`DB.access`), one row a
/// token: the secret's SHA-256 hash, the holder, the role, and the times as seconds since 1970.
public final class SQLiteAccessTokenStore: AccessTokenStore {
    /// The database connection.
    package let writer: any DatabaseWriter

    /// Opens (creating if needed) the token file at `path`, waiting up to 30 seconds for another
    /// process (a CLI issuing a token while the server runs) to finish writing.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        try self.init(writer: DatabaseQueue(path: path, configuration: configuration))
    }

    /// A token store in memory, for tests.
    public static func inMemory() throws -> SQLiteAccessTokenStore {
        try SQLiteAccessTokenStore(writer: DatabaseQueue())
    }

    /// Uses an open database, migrating it to the current schema.
    package init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// The schema. A shipped migration is never edited: a change is a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("tokens-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE access_tokens (
                        id TEXT PRIMARY KEY,            -- public id, shown in listings
                        secret_hash BLOB NOT NULL UNIQUE, -- SHA-256 of the secret
                        organisation TEXT NOT NULL,
                        person TEXT NOT NULL,
                        role TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        revoked_at REAL
                    )
                    """)
        }
        migrator.registerMigration("login-codes-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE login_codes (
                        code_hash BLOB PRIMARY KEY,     -- SHA-256 of the one-time code
                        sealed_secret BLOB NOT NULL,    -- the token's secret, sealed with a key only the code gives
                        expires_at REAL NOT NULL
                    )
                    """)
        }
        return migrator
    }

    public func issue(_ token: StoredAccessToken) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO access_tokens (id, secret_hash, organisation, person, role, created_at, expires_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, Data(token.secretHash), token.organisation, token.person, token.role,
                    token.createdAt.timeIntervalSince1970, token.expiresAt.timeIntervalSince1970, token.revokedAt?.timeIntervalSince1970,
                ])
        }
    }

    public func list() async throws -> [StoredAccessToken] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM access_tokens ORDER BY created_at").map(Self.token)
        }
    }

    public func revoke(id: String, at time: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [time.timeIntervalSince1970, id])
            return db.changesCount == 1
        }
    }

    public func token(secretHash: [UInt8]) async throws -> StoredAccessToken? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM access_tokens WHERE secret_hash = ?", arguments: [Data(secretHash)]).map(Self.token)
        }
    }

    public func keep(_ code: StoredLoginCode) async throws {
        try await writer.write { db in
            // Expired codes go as new ones come.
            try db.execute(sql: "DELETE FROM login_codes WHERE expires_at <= ?", arguments: [Date().timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO login_codes (code_hash, sealed_secret, expires_at) VALUES (?, ?, ?)",
                arguments: [Data(code.codeHash), Data(code.sealedSecret), code.expiresAt.timeIntervalSince1970])
        }
    }

    public func redeem(codeHash: [UInt8], at time: Date) async throws -> [UInt8]? {
        try await writer.write { db in
            let row = try Row.fetchOne(
                db, sql: "DELETE FROM login_codes WHERE code_hash = ? RETURNING sealed_secret, expires_at", arguments: [Data(codeHash)])
            guard let row, (row["expires_at"] as Double) > time.timeIntervalSince1970 else { return nil }
            return [UInt8](row["sealed_secret"] as Data)
        }
    }

    private static func token(_ row: Row) -> StoredAccessToken {
        StoredAccessToken(
            id: row["id"], secretHash: [UInt8](row["secret_hash"] as Data), organisation: row["organisation"], person: row["person"],
            role: row["role"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            expiresAt: Date(timeIntervalSince1970: row["expires_at"]),
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
