import Foundation
public import Hummingbird
public import HummingbirdAuth
public import LedgerCore
public import NIOCore

/// The request context: Hummingbird's core context plus the bearer token's identity.
public struct LedgerRequestContext: AuthRequestContext, RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AccessIdentity?
    /// The client's address, for the per-address request limit.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Refuses requests without a valid token.
    func requireReader() throws -> AccessIdentity {
        guard let identity else {
            throw APIError(
                .unauthorized, "missing-token", "send a valid bearer token (Authorization: Bearer clt_…); `chainledger token issue` makes one")
        }
        return identity
    }
}

/// Reads `Authorization: Bearer …` (or, for the dashboard in a browser, the HttpOnly cookie that
/// signing in sets) and looks the token up.
struct TokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = LedgerRequestContext
    let tokens: AccessTokens

    func authenticate(request: Request, context: LedgerRequestContext) async throws -> AccessIdentity? {
        guard let token = request.headers.bearer?.token ?? request.cookies["chainledger_token"]?.value else { return nil }
        guard let identity = try await tokens.identity(for: token) else {
            throw APIError(.unauthorized, "invalid-token", "the bearer token is unknown, expired or revoked")
        }
        return identity
    }
}

/// Every error the API returns: a status and a JSON body that says what was wrong.
///
/// `{"error": {"status": 409, "code": "version-conflict", "message": "…", "phrase": {…}}}`: the
/// message in English, and for a ledger's refusal the same as a ``Phrase``, for clients that say
/// it in another language.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let phrase: Phrase?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.init(status, code, phrase: Phrase(verbatim: message))
    }

    init(_ status: HTTPResponse.Status, _ code: String, phrase: Phrase) {
        self.status = status
        self.code = code
        self.message = phrase.description
        if phrase.template == "{1}", case .text = phrase.values.first { self.phrase = nil } else { self.phrase = phrase }
    }

    /// The one place where ledger errors become HTTP statuses.
    public init(_ error: LedgerError) {
        switch error {
        case .malformedCommit: self.init(.badRequest, "malformed-commit", phrase: error.phrase)
        case .invalidEvent: self.init(.unprocessableContent, "invalid-event", phrase: error.phrase)
        case .wrongLedger: self.init(.unprocessableContent, "wrong-ledger", phrase: error.phrase)
        case .notInitialised, .alreadyInitialised: self.init(.conflict, "genesis", phrase: error.phrase)
        case .unknownOrganisation, .unknownKey, .foreignKey, .revokedKey, .badSignature:
            self.init(.forbidden, "signature", phrase: error.phrase)
        case .unauthorised: self.init(.forbidden, "unauthorised", phrase: error.phrase)
        case .versionConflict: self.init(.conflict, "version-conflict", phrase: error.phrase)
        case .ruleViolation: self.init(.unprocessableContent, "rule", phrase: error.phrase)
        case .refusedCommit(let rule, _) where rule == "commit-size": self.init(.contentTooLarge, "too-large", phrase: error.phrase)
        case .refusedCommit: self.init(.unprocessableContent, "commit-refused", phrase: error.phrase)
        case .outOfRange: self.init(.notFound, "out-of-range", phrase: error.phrase)
        case .missingCheckpointKey, .wrongCheckpointKey, .corrupted: self.init(.internalServerError, "ledger", phrase: error.phrase)
        }
    }

    /// Runs `body`; a ledger error it throws becomes its HTTP answer (`init(_: LedgerError)`).
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LedgerError {
            throw APIError(error)
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The answer: the status, and the error as JSON; `headers` added (`Retry-After`, say).
    func response(headers: HTTPFields = [:]) -> Response {
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }

    /// `{"error":{"status":…,"code":…,"message":…[,"phrase":…]}}`.
    var body: ByteBuffer {
        let phrased = phrase.flatMap { try? JSONEncoder().encode($0) }.map { ",\"phrase\":" + String(decoding: $0, as: UTF8.self) } ?? ""
        return ByteBuffer(
            string: #"{"error":{"status":\#(status.code),"code":\#(JSONString(code)),"message":\#(JSONString(message))\#(phrased)}}"#)
    }
}

/// A JSON string literal.
func JSONString(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
}
