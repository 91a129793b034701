public import Foundation

/// An access token as a server keeps it: the SHA-256 hash of its secret, never the secret itself.
///
/// Who may call a server is the server's own business, not the coalition's record: tokens live
/// beside the ledger (for a SQLite ledger, in its `DB.access` file), not in it.
public struct StoredAccessToken: Sendable, Equatable {
    /// The public id, shown in listings (the part of the secret after `clt_`).
    public let id: String
    /// SHA-256 of the secret.
    public let secretHash: [UInt8]
    /// The holder's organisation.
    public let organisation: String
    /// The holder's person id.
    public let person: String
    /// The role's name (the server knows which roles there are).
    public let role: String
    public let createdAt: Date
    public let expiresAt: Date
    /// When the token was revoked; nil while it is not.
    public let revokedAt: Date?

    public init(
        id: String, secretHash: [UInt8], organisation: String, person: String, role: String, createdAt: Date, expiresAt: Date,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.secretHash = secretHash
        self.organisation = organisation
        self.person = person
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// A one-time login code as a server keeps it: the SHA-256 hash of the code, the token's secret
/// sealed with a key only the code gives (so the store never holds a usable secret), and until
/// when it may be used.
public struct StoredLoginCode: Sendable, Equatable {
    public let codeHash: [UInt8]
    public let sealedSecret: [UInt8]
    public let expiresAt: Date

    public init(codeHash: [UInt8], sealedSecret: [UInt8], expiresAt: Date) {
        self.codeHash = codeHash
        self.sealedSecret = sealedSecret
        self.expiresAt = expiresAt
    }
}

/// Where a server keeps its access tokens: issued, listed, revoked and looked up by the hash of
/// their secret. The server hashes, checks expiry and caches; a store only keeps the rows.
public protocol AccessTokenStore: Sendable {
    /// Stores a newly issued token.
    func issue(_ token: StoredAccessToken) async throws

    /// Every token, oldest first.
    func list() async throws -> [StoredAccessToken]

    /// Marks the token with this id revoked at `time`; false when there is no unrevoked token
    /// with that id.
    func revoke(id: String, at time: Date) async throws -> Bool

    /// The token whose secret hashes to `secretHash`, revoked or not; nil when there is none.
    func token(secretHash: [UInt8]) async throws -> StoredAccessToken?

    /// Keeps a one-time login code.
    func keep(_ code: StoredLoginCode) async throws

    /// Removes the login code whose hash is `codeHash` and returns its sealed secret, if it was
    /// there and had not expired at `time`; every code is used once at most.
    func redeem(codeHash: [UInt8], at time: Date) async throws -> [UInt8]?
}
