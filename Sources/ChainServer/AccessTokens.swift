import Crypto
public import Foundation
public import LedgerCore
import NIOConcurrencyHelpers

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

/// Bearer tokens issued per member, kept only as SHA-256 hashes, with an expiry and revocable.
/// The rows live in an `AccessTokenStore` beside the ledger (`SQLiteAccessTokenStore` keeps them
/// in `DB.access`): the ledger stays the coalition's shared record; who may call the server is
/// the server's own business.
public final class AccessTokens: Sendable {
    let store: any AccessTokenStore
    /// Identities looked up in the last `recheck` seconds, by secret hash. A revocation through
    /// this object takes effect at once; one made by another process within `recheck` seconds.
    private let recent = RecentIdentities()
    /// How long a looked-up identity is trusted before it is read again.
    public static let recheck: TimeInterval = 1

    /// Tokens kept in `store`.
    public init(store: any AccessTokenStore) {
        self.store = store
    }

    /// Issues a token; the returned secret (`clt_<id>_<random>`) is shown once and not stored.
    public func issue(organisation: String, person: String, role: AccessRole, validFor days: Int, now: Date = Date()) async throws -> String {
        // The id is hex, so it never contains the `_` that ends it.
        let id = Self.randomBytes(6).map { String(format: "%02x", $0) }.joined()
        let secret = "clt_\(id)_\(Self.random(24))"
        try await store.issue(
            StoredAccessToken(
                id: id, secretHash: Self.hash(secret), organisation: organisation, person: person, role: role.rawValue, createdAt: now,
                expiresAt: now.addingTimeInterval(Double(days) * 86_400)))
        return secret
    }

    /// The identity of a presented secret, if it is known, unexpired and not revoked.
    public func identity(for secret: String, now: Date = Date()) async throws -> AccessIdentity? {
        let hash = Self.hash(secret)
        if let known = recent[hash], now.timeIntervalSince(known.checkedAt) < Self.recheck, now < known.expiresAt {
            return known.identity
        }
        var found: RecentIdentities.Entry?
        if let token = try await store.token(secretHash: hash), token.revokedAt == nil, token.expiresAt > now,
            let role = AccessRole(rawValue: token.role)
        {
            let identity = AccessIdentity(token: token.id, organisation: token.organisation, person: token.person, role: role)
            found = RecentIdentities.Entry(identity: identity, expiresAt: token.expiresAt, checkedAt: now)
        }
        recent[hash] = found
        return found?.identity
    }

    /// Revokes a token by id; false when there is no such token.
    public func revoke(id: String, now: Date = Date()) async throws -> Bool {
        let revoked = try await store.revoke(id: id, at: now)
        recent.forget(token: id)
        return revoked
    }

    /// How long a one-time login link can be used.
    public static let loginCodeLifetime: TimeInterval = 300

    /// A one-time login code (`cll_…`) for the holder of `secret`, usable once within five
    /// minutes: `/login?code=…` then keeps the token in the browser's cookie, so that the
    /// long-lived secret never appears in an address, a browser's history or a server log. The
    /// store keeps the code's hash and the secret sealed with a key derived from the code; nil
    /// when the secret is not a valid token.
    public func loginCode(for secret: String, now: Date = Date()) async throws -> String? {
        guard try await identity(for: secret, now: now) != nil else { return nil }
        let code = "cll_\(Self.random(24))"
        let sealed = try AES.GCM.seal(Data(secret.utf8), using: Self.sealingKey(code)).combined ?? Data()
        try await store.keep(
            StoredLoginCode(codeHash: Self.hash(code), sealedSecret: [UInt8](sealed), expiresAt: now.addingTimeInterval(Self.loginCodeLifetime)))
        return code
    }

    /// The token secret a login code was made for, once: nil when the code is unknown, used,
    /// expired, or its token is no longer valid.
    public func redeem(loginCode code: String, now: Date = Date()) async throws -> String? {
        guard code.hasPrefix("cll_"), let sealed = try await store.redeem(codeHash: Self.hash(code), at: now),
            let box = try? AES.GCM.SealedBox(combined: Data(sealed)),
            let opened = try? AES.GCM.open(box, using: Self.sealingKey(code))
        else { return nil }
        let secret = String(decoding: opened, as: UTF8.self)
        return try await identity(for: secret, now: now) != nil ? secret : nil
    }

    /// The key that seals a login code's secret: derived from the code, which only its holder has.
    private static func sealingKey(_ code: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(code.utf8)), info: Data("chainledger login code".utf8), outputByteCount: 32)
    }

    /// Every token, oldest first (never the secrets).
    public func list() async throws -> [AccessTokenRecord] {
        try await store.list().map {
            AccessTokenRecord(
                id: $0.id, organisation: $0.organisation, person: $0.person, role: AccessRole(rawValue: $0.role) ?? .auditor,
                createdAt: $0.createdAt, expiresAt: $0.expiresAt, revokedAt: $0.revokedAt)
        }
    }

    private static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(secret.utf8)))
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

/// Identities recently read from the token store, by secret hash.
private final class RecentIdentities: Sendable {
    struct Entry: Sendable {
        let identity: AccessIdentity
        let expiresAt: Date
        let checkedAt: Date
    }

    private let entries = NIOLockedValueBox<[[UInt8]: Entry]>([:])

    subscript(hash: [UInt8]) -> Entry? {
        get { entries.withLockedValue { $0[hash] } }
        set {
            entries.withLockedValue { entries in
                if entries.count > 10_000 { entries.removeAll() }
                entries[hash] = newValue
            }
        }
    }

    /// Forgets the token with this id.
    func forget(token id: String) {
        entries.withLockedValue { entries in entries = entries.filter { $0.value.identity.token != id } }
    }
}
