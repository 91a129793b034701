import Foundation
import GRDB
import LedgerCore
import LedgerSQLite
import Testing

/// Access tokens in their SQLite file beside the ledger (`DB.access`).
struct SQLiteAccessTokenStoreTests {
    static let hash = [UInt8](repeating: 7, count: 32)

    /// A token file written before the store moved into LedgerSQLite opens as it is: the same
    /// migration and the same rows, nothing written on opening.
    @Test func aTokenFileFromBeforeOpensUnchanged() async throws {
        let database = try DatabaseQueue()
        try await database.write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('tokens-v1')")
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
            try db.execute(
                sql: "INSERT INTO access_tokens VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                arguments: [
                    "0a1b2c3d4e5f", Data(Self.hash), "gemeente-heuvelstad", "coordinator", "coordinator",
                    1_700_000_000.5, 1_800_000_000.25,
                ])
        }
        let store = try SQLiteAccessTokenStore(writer: database)
        let expected = StoredAccessToken(
            id: "0a1b2c3d4e5f", secretHash: Self.hash, organisation: "gemeente-heuvelstad", person: "coordinator", role: "coordinator",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.5), expiresAt: Date(timeIntervalSince1970: 1_800_000_000.25))
        #expect(try await store.token(secretHash: Self.hash) == expected)
        #expect(try await store.list() == [expected])
        let migrations = try await database.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        // Its tokens are read as they were; opening it adds the table of one-time login codes.
        #expect(migrations == ["tokens-v1", "login-codes-v1"])
    }

    /// Issued tokens are found by their hash and listed oldest first; a revocation counts once.
    @Test func issueListRevokeAndLookUp() async throws {
        let store = try SQLiteAccessTokenStore.inMemory()
        let older = StoredAccessToken(
            id: "000000000001", secretHash: [1] + Self.hash.dropFirst(), organisation: "a", person: "p", role: "member",
            createdAt: Date(timeIntervalSince1970: 10), expiresAt: Date(timeIntervalSince1970: 20))
        let newer = StoredAccessToken(
            id: "000000000002", secretHash: Self.hash, organisation: "b", person: "q", role: "auditor",
            createdAt: Date(timeIntervalSince1970: 11), expiresAt: Date(timeIntervalSince1970: 21))
        try await store.issue(newer)
        try await store.issue(older)
        #expect(try await store.list().map(\.id) == [older.id, newer.id])
        #expect(try await store.token(secretHash: Self.hash) == newer)
        #expect(try await store.token(secretHash: [UInt8](repeating: 9, count: 32)) == nil)
        #expect(try await store.revoke(id: newer.id, at: Date(timeIntervalSince1970: 15)))
        #expect(try await !store.revoke(id: newer.id, at: Date(timeIntervalSince1970: 16)), "already revoked")
        #expect(try await !store.revoke(id: "nope", at: Date(timeIntervalSince1970: 16)))
        #expect(try await store.token(secretHash: Self.hash)?.revokedAt == Date(timeIntervalSince1970: 15))
    }
}
