import Crypto
public import Foundation
public import GRDB

/// What a bearer token lets its holder do.
public enum AccessRole: String, Sendable, Codable, CaseIterable {
    /// Reads everything and submits commits for its own organisation.
    case member
    /// Reads everything; submits commits for its own organisation (coordinating organisations'
    /// commits are checked by the ledger's rules like any other).
    case coordinator
    /// Reads everything; submits nothing.
    case auditor
}

/// The holder of a valid token.
public struct AccessIdentity: Sendable, Equatable {
    public let token: String
    public let organisation: String
    public let person: String
    public let role: AccessRole

    /// Whether the holder may submit a commit signed by `organisation`.
    public func maySubmit(for organisation: String) -> Bool {
        role != .auditor && organisation == self.organisation
    }
}

/// A token as listed (never the secret itself).
public struct AccessTokenRecord: Sendable, Codable, Equatable {
    public let id: String
    public let organisation: String
    public let person: String
    public let role: AccessRole
    public let createdAt: Date
    public let expiresAt: Date
    public let revokedAt: Date?
}

/// Bearer tokens issued per member, stored only as SHA-256 hashes, with an expiry and revocable.
/// They live in their own SQLite file beside the ledger (`DB.access`): the ledger stays the
/// coalition's shared record; who may call the server is the server's own business.
public final class AccessTokens: Sendable {
    let database: any DatabaseWriter
    /// Identities looked up in the last `recheck` seconds, by secret hash. A revocation through
    /// this object takes effect at once; one made by another process within `recheck` seconds.
    private let recent = RecentIdentities()
    /// How long a looked-up identity is trusted before it is read again.
    public static let recheck: TimeInterval = 1

    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        try self.init(database: DatabaseQueue(path: path, configuration: configuration))
    }

    public init(database: any DatabaseWriter) throws {
        self.database = database
        var migrator = DatabaseMigrator()
        migrator.registerMigration("tokens-v1") { db in
            try db.execute(sql: """
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
        try migrator.migrate(database)
    }

    /// Issues a token; the returned secret (`clt_<id>_<random>`) is shown once and not stored.
    public func issue(organisation: String, person: String, role: AccessRole, validFor days: Int, now: Date = Date()) async throws -> String {
        // The id is hex, so it never contains the `_` that ends it.
        let id = Self.randomBytes(6).map { String(format: "%02x", $0) }.joined()
        let secret = "clt_\(id)_\(Self.random(24))"
        try await database.write { db in
            try db.execute(sql: "INSERT INTO access_tokens VALUES (?, ?, ?, ?, ?, ?, ?, NULL)", arguments: [
                id, Data(SHA256.hash(data: Data(secret.utf8))), organisation, person, role.rawValue,
                now.timeIntervalSince1970, now.addingTimeInterval(Double(days) * 86_400).timeIntervalSince1970,
            ])
        }
        return secret
    }

    /// The identity of a presented secret, if it is known, unexpired and not revoked.
    public func identity(for secret: String, now: Date = Date()) async throws -> AccessIdentity? {
        let hash = Data(SHA256.hash(data: Data(secret.utf8)))
        if let known = recent[hash], now.timeIntervalSince(known.checkedAt) < Self.recheck, now < known.expiresAt {
            return known.identity
        }
        let found: (AccessIdentity, Date)? = try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM access_tokens WHERE secret_hash = ?", arguments: [hash]),
                  (row["revoked_at"] as Double?) == nil, (row["expires_at"] as Double) > now.timeIntervalSince1970,
                  let role = AccessRole(rawValue: row["role"])
            else { return nil }
            let identity = AccessIdentity(token: row["id"], organisation: row["organisation"], person: row["person"], role: role)
            return (identity, Date(timeIntervalSince1970: row["expires_at"]))
        }
        recent[hash] = found.map { RecentIdentities.Entry(identity: $0.0, expiresAt: $0.1, checkedAt: now) }
        return found?.0
    }

    /// Revokes a token by id; false when there is no such token.
    public func revoke(id: String, now: Date = Date()) async throws -> Bool {
        let revoked = try await database.write { db in
            try db.execute(sql: "UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [now.timeIntervalSince1970, id])
            return db.changesCount == 1
        }
        recent.forget(token: id)
        return revoked
    }

    public func list() async throws -> [AccessTokenRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM access_tokens ORDER BY created_at").map {
                AccessTokenRecord(id: $0["id"], organisation: $0["organisation"], person: $0["person"],
                                  role: AccessRole(rawValue: $0["role"]) ?? .auditor,
                                  createdAt: Date(timeIntervalSince1970: $0["created_at"]), expiresAt: Date(timeIntervalSince1970: $0["expires_at"]),
                                  revokedAt: ($0["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `bytes` random bytes in base64url without padding.
    private static func random(_ bytes: Int) -> String {
        Data(randomBytes(bytes)).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Identities recently read from the token file, by secret hash.
private final class RecentIdentities: @unchecked Sendable {
    struct Entry {
        let identity: AccessIdentity
        let expiresAt: Date
        let checkedAt: Date
    }

    private let lock = NSLock()
    private var entries: [Data: Entry] = [:]

    subscript(hash: Data) -> Entry? {
        get { lock.withLock { entries[hash] } }
        set {
            lock.withLock {
                if entries.count > 10_000 { entries.removeAll() }
                entries[hash] = newValue
            }
        }
    }

    /// Forgets the token with this id.
    func forget(token id: String) {
        lock.withLock { entries = entries.filter { $0.value.identity.token != id } }
    }
}
