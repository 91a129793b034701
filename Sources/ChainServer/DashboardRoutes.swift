import ChainDomain
import ChainProjections
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import LedgerCore
import NIOCore

/// The coordinators' dashboard: server-rendered pages over the read models, every one with the
/// position/date picker, rendered from the templates in `Resources/` (`DashboardPages.swift`
/// says what each shows). No scripts; every status is said in words as well as in colour.
struct DashboardRoutes {
    let service: LedgerService

    func register(on router: Router<LedgerRequestContext>) {
        router.get("login", use: login)
        router.post("login", use: signIn)
        router.get("/", use: overview)
        router.get("chains/{chain}", use: chain)
        router.get("kpis/{kpi}", use: kpi)
        router.get("responsibilities", use: responsibilities)
        router.get("agreements", use: agreements)
        router.get("decisions", use: decisions)
        router.get("audit/{decision}", use: audit)
    }

    /// `GET /login?code=…`: a one-time login link (`chainledger token issue --login-link`, the
    /// demo, or `POST /api/login-links`) keeps its token in an HttpOnly cookie and goes to the
    /// overview, or to `next`. A token itself in the address is refused: it would stay in the
    /// browser's history and in logs.
    func login(request: Request, context: LedgerRequestContext) async throws -> Response {
        if let code = request.uri.queryParameters.get("code"), !code.isEmpty {
            guard let secret = try await service.tokens.redeem(loginCode: String(code)) else { return try Self.loginPage(.usedLink) }
            return Self.signedIn(secret, next: request.uri.queryParameters.get("next").map { String($0) })
        }
        if request.uri.queryParameters.get("token") != nil { return try Self.loginPage(.tokenInAddress) }
        return try Self.loginPage(.enterToken)
    }

    /// `POST /login` from the sign-in form (`token`, and `next`), so that the token travels in
    /// the body, never in an address.
    func signIn(request: Request, context: LedgerRequestContext) async throws -> Response {
        struct Form: Decodable {
            let token: String?
            let next: String?
        }
        var request = request
        let body = try await request.collectBody(upTo: 1 << 14)
        // A body that is not a form (bad percent-encoding, say) is a sign-in without a token.
        let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(buffer: body))
        guard let token = form?.token?.trimmingCharacters(in: .whitespaces), !token.isEmpty else { return try Self.loginPage(.enterToken) }
        guard try await service.tokens.identity(for: token) != nil else { return try Self.loginPage(.refused) }
        return Self.signedIn(token, next: form?.next)
    }

    /// Keeps `secret` in an HttpOnly cookie and goes to `next`, a path on this server only.
    private static func signedIn(_ secret: String, next: String?) -> Response {
        let next = next ?? "/"
        let location = next.hasPrefix("/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/"
        var headers = Self.securityHeaders
        headers[.location] = location
        var response = Response(status: .seeOther, headers: headers, body: ResponseBody())
        response.setCookie(Cookie(name: "chainledger_token", value: secret, path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    func overview(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page("overview", request, context) { models, asOf in
            let coalition = try await models.coalition(asOf: asOf)
            var view = OverviewView(
                coalition: coalition, trees: try await models.kpiTrees(asOf: asOf), responsibilities: try await models.responsibilities(asOf: asOf),
                health: try await models.health(asOf: asOf)
            ) { link($0, request) }
            view.witnesses = await witnessRows()
            view.hasWitnesses = !view.witnesses.isEmpty
            return (view, coalition.moment)
        }
    }

    /// The active witnesses with what the collector knows of them now.
    func witnessRows() async -> [OverviewView.Witness] {
        let statuses = service.collector?.statuses ?? [:]
        let now = Date()
        return await service.ledger.registry.activeWitnesses.map { witness in
            let status = statuses[witness.name]
            return OverviewView.Witness(
                name: witness.name, organisation: witness.organisation, validating: witness.statement != nil,
                cosigned: status?.cosignedSize.map { "\($0)" } ?? "–",
                age: status?.cosignedAt.map { "\(Int(now.timeIntervalSince($0))) s" } ?? "–", problem: status?.lastError)
        }
    }

    func chain(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("chain") ?? ""
        return try await page("chain", request, context, about: id) { models, asOf in
            let tree = try await models.kpiTree(chain: id, asOf: asOf)
            return (ChainView(tree) { link($0, request) }, tree.moment)
        }
    }

    func kpi(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("kpi") ?? ""
        return try await page("kpi", request, context, about: id) { models, asOf in
            let rows = try await models.measurements(kpi: id, asOf: asOf)
            let moment = try await models.resolve(asOf)
            let trees = try await models.kpiTrees(asOf: asOf)
            guard let state = trees.flatMap(\.kpis).first(where: { $0.kpi == id }) else {
                throw ReadModelError("there is no active KPI \(id) at position \(moment.size)")
            }
            var points: [(period: String, value: Double, corrected: Bool)] = []
            for period in Array(Set(rows.map(\.period))).sorted(by: { (Period($0) ?? Period("1900")!) < (Period($1) ?? Period("1900")!) }) {
                guard let parsed = Period(period) else { continue }
                let (value, _) = try await models.value(kpi: id, period: parsed, asOf: asOf)
                if let value {
                    points.append((period, value, rows.contains { $0.period == period && $0.supersedes != nil }))
                }
            }
            let trend = TrendDrawing(points, target: state.target, red: state.red, unit: state.unit)
            return (KpiView(state, trend: trend, rows: rows), moment)
        }
    }

    func responsibilities(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page("responsibilities", request, context) { models, asOf in
            let report = try await models.responsibilities(asOf: asOf)
            return (ResponsibilitiesView(report), report.moment)
        }
    }

    func agreements(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page("agreements", request, context) { models, asOf in
            let report = try await models.agreements(asOf: asOf)
            return (AgreementsView(report), report.moment)
        }
    }

    func decisions(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page("decisions", request, context) { models, asOf in
            let report = try await models.dialogues(asOf: asOf)
            return (DecisionsView(report), report.moment)
        }
    }

    func audit(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("decision") ?? ""
        return try await page("audit", request, context, about: id) { models, _ in
            let audit = try await models.audit(decision: id)
            return (AuditView(audit), audit.then)
        }
    }

    // MARK: - Rendering

    /// A page for a signed-in reader, with the moment asked for: `content` builds what the
    /// template `name` shows; a bad `as_of` (400) or an unknown chain, KPI or decision, or a
    /// moment beyond the log (404), shows as a warning instead.
    private func page<Content>(
        _ name: String, _ request: Request, _ context: LedgerRequestContext, about subject: String = "",
        _ content: (ReadModels, AsOf) async throws -> (Content, Moment?)
    ) async throws -> Response {
        guard let identity = context.identity else { return try Self.loginPage(.signIn) }
        let asOfText: String? = request.uri.queryParameters.get("as_of").flatMap { $0.isEmpty ? nil : String($0) }
        let evidence = service.replica?.heldEvidence() ?? []
        func render(_ content: Content?, moment: Moment?, warning: String?, status: HTTPResponse.Status = .ok) throws -> Response {
            let view = PageView(
                query: asOfText.map { "?as_of=" + DashboardFormat.queryValue($0) } ?? "", asOf: asOfText ?? "",
                moment: moment.map(MomentView.init), warning: warning, subject: subject, content: content,
                replicaOf: service.replica?.source, evidence: evidence, hasEvidence: !evidence.isEmpty)
            return try Self.html(view, with: name, status: status)
        }
        let asOf: AsOf
        do {
            asOf = try Query.asOf(request)
        } catch let error as APIError {
            return try render(nil, moment: nil, warning: error.message, status: .badRequest)
        }
        let models = try await service.currentReadModels(for: identity.token, asOf: asOf)
        do {
            // One moment for the whole page: "now" as published, the same as the API's.
            let (view, moment) = try await content(models, .moment(try await service.resolve(asOf, in: models)))
            return try render(view, moment: moment, warning: nil)
        } catch let error as ReadModelError {
            return try render(nil, moment: nil, warning: error.description, status: .notFound)
        }
    }

    /// `path`, keeping the `as_of` of the request.
    private func link(_ path: String, _ request: Request) -> String {
        guard let asOf = request.uri.queryParameters.get("as_of"), !asOf.isEmpty else { return path }
        return path + "?as_of=" + DashboardFormat.queryValue(String(asOf))
    }

    /// The page for a browser without a valid token.
    private static func loginPage(_ reason: LoginView.Reason) throws -> Response {
        try html(LoginView(reason), with: "login", status: .unauthorized)
    }

    private static func html(_ view: Any, with template: String, status: HTTPResponse.Status) throws -> Response {
        let html: String
        do {
            html = try DashboardTemplates.shipped.get().render(view, with: template)
        } catch {
            throw APIError(.internalServerError, "dashboard-templates", error.description)
        }
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The headers of every dashboard answer: no scripts, no frames, nothing loaded from
    /// elsewhere (the pages carry their styles and drawings inline), forms only to this server,
    /// and no `Referer`, so that no address of the dashboard leaves it.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        .cacheControl: "no-store",
    ]
}
