import ChainDomain
import ChainProjections
import Foundation
import Hummingbird
import HummingbirdAuth
import LedgerCore
import NIOCore

/// The JSON API for partners: submit signed commits, read and follow the log, checkpoints and
/// proofs, and every read model with `as_of`.
struct APIRoutes {
    let service: LedgerService
    /// Each token's open live followers.
    let followers: OpenCounts
    /// The largest request body accepted: a commit of `limits.commitBytes` in base64, with its
    /// signature (64 MiB for the default 48 MiB commit).
    static func maximumBody(for limits: AdmissionLimits) -> Int { 4 * ((limits.commitBytes + 2) / 3) + 1024 }
    /// The KPI trees' path, under which the service also caches trees it computed ahead.
    static let statusPath = "/api/status"

    func register(on router: Router<LedgerRequestContext>) {
        let api = router.group("api")
        api.post("commits", use: submit)
        api.get("commits", use: commits)
        api.get("checkpoints", use: checkpoints)
        api.get("log", use: log)
        api.get("log/{position}", use: entry)
        api.get("stream", use: stream)
        api.get("follow", use: follow)
        api.get("checkpoint", use: checkpoint)
        api.get("checkpoint/witnessed", use: witnessedCheckpoint)
        api.get("receipts/{commit}", use: receipt)
        api.get("proofs/inclusion", use: inclusion)
        api.get("proofs/consistency", use: consistency)
        api.get("status", use: status)
        api.get("kpis/{kpi}/measurements", use: measurements)
        api.get("responsibilities", use: responsibilities)
        api.get("agreements", use: agreements)
        api.get("decisions", use: decisions)
        api.get("audit/{decision}", use: audit)
        api.get("method-health", use: health)
        api.get("brief", use: brief)
        api.get("tokens", use: tokens)
        api.post("login-links", use: loginLink)
        api.get("replica", use: replicaState)
    }

    /// A one-time link that signs the dashboard in with the presented token (as a bearer
    /// header, never in an address): `{"link": "/login?code=cll_…", "expiresInSeconds": 300}`.
    func loginLink(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let secret = request.headers.bearer?.token, let code = try await service.tokens.loginCode(for: secret) else {
            throw APIError(.unauthorized, "bearer-only", "ask for a sign-in link with the token as a bearer header (Authorization: Bearer clt_…)")
        }
        struct Link: Encodable {
            let link: String
            let expiresInSeconds: Int
        }
        return try JSON.response(Link(link: "/login?code=\(code)", expiresInSeconds: Int(AccessTokens.loginCodeLifetime)), status: .created)
    }

    /// The issued tokens (never their secrets): coordinators only.
    func tokens(request: Request, context: LedgerRequestContext) async throws -> Response {
        let identity = try context.requireReader()
        guard identity.role == .coordinator else {
            throw APIError(.forbidden, "token-scope", "only a coordinator's token lists the access tokens")
        }
        return try JSON.response(try await service.tokens.list())
    }

    struct ReplicaState: Encodable {
        let source: String
        let evidence: [ReplicaServing.HeldEvidence]
    }

    /// On a partner's replica: the coalition's server it mirrors and the evidence it holds.
    func replicaState(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let replica = service.replica else { throw APIError(.notFound, "not-a-replica", "this server is the coalition's own, not a replica") }
        return try JSON.response(ReplicaState(source: replica.source, evidence: replica.heldEvidence()))
    }
}

/// Query parameters, checked.
enum Query {
    static func unsigned(_ request: Request, _ name: String) throws -> UInt64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        // Positions, sizes and counts stay within what the stores index (a signed 64-bit integer).
        guard let value = UInt64(text), value <= UInt64(Int64.max) else {
            throw APIError(.badRequest, "bad-parameter", "\(name) must be a whole number from 0 to \(Int64.max), not \"\(text)\"")
        }
        return value
    }

    static func asOf(_ request: Request) throws -> AsOf {
        guard let text = request.uri.queryParameters.get("as_of"), !text.isEmpty else { return .now }
        guard let asOf = AsOf(argument: text) else {
            throw APIError(.badRequest, "bad-as-of", "as_of must be a position, a date (YYYY-MM-DD) or an RFC 3339 time, not \"\(text)\"")
        }
        return asOf
    }
}
