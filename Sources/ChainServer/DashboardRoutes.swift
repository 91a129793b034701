import ChainDomain
import ChainPresentation
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
        router.get("chains/{chain}/brief", use: brief)
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
            guard let secret = try await service.tokens.redeem(loginCode: String(code)) else { return try Self.loginPage(.usedLink, request) }
            return Self.signedIn(secret, next: request.uri.queryParameters.get("next").map { String($0) })
        }
        if request.uri.queryParameters.get("token") != nil { return try Self.loginPage(.tokenInAddress, request) }
        return try Self.loginPage(.enterToken, request)
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
        guard let token = form?.token?.trimmingCharacters(in: .whitespaces), !token.isEmpty else { return try Self.loginPage(.enterToken, request) }
        guard try await service.tokens.identity(for: token) != nil else { return try Self.loginPage(.refused, request) }
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
        try await page("overview", request, context) { models, asOf, format in
            let coalition = try await models.coalition(asOf: asOf)
            let trees = try await models.kpiTrees(asOf: asOf)
            let responsibilities = try await models.responsibilities(asOf: asOf)
            let health = try await models.health(asOf: asOf)
            var view = OverviewView(
                coalition: coalition, trees: trees, profiles: try await models.chainProfiles(asOf: asOf), responsibilities: responsibilities,
                health: health, format: format
            ) { link($0, request) }
            view.witnesses = await witnessRows()
            view.hasWitnesses = !view.witnesses.isEmpty
            return Page(
                view, coalition.moment,
                [ReportTables.chains(trees, responsibilities), ReportTables.warnings(health), ReportTables.organisations(coalition)])
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
        return try await page("chain", request, context, about: id) { models, asOf, format in
            let tree = try await models.kpiTree(chain: id, asOf: asOf)
            let profile = try await models.chainProfile(chain: id, asOf: asOf)
            let organisations = try await models.coalition(asOf: asOf).organisations
            let health = try await models.health(chain: id, asOf: .moment(tree.moment))
            let view = ChainView(
                tree, profile: profile, health: health,
                organisations: Dictionary(organisations.map { ($0.organisation, $0.name) }, uniquingKeysWith: { a, _ in a }),
                format: format
            ) { link($0, request) }
            return Page(view, tree.moment, [ReportTables.kpis([tree])])
        }
    }

    func brief(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("chain") ?? ""
        return try await page("brief", request, context, about: id) { models, asOf, format in
            let brief = try await models.brief(chain: id, asOf: asOf)
            let tree = try await models.kpiTree(chain: id, asOf: .moment(brief.moment))
            let names = Dictionary(tree.kpis.map { ($0.kpi, $0.name) }, uniquingKeysWith: { first, _ in first })
            return Page(BriefView(brief, names: names, format: format) { link($0, request) }, brief.moment, ReportTables.brief(brief))
        }
    }

    func kpi(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("kpi") ?? ""
        return try await page("kpi", request, context, about: id) { models, asOf, format in
            let rows = try await models.measurements(kpi: id, asOf: asOf)
            let moment = try await models.resolve(asOf)
            let trees = try await models.kpiTrees(asOf: asOf)
            guard let state = trees.flatMap(\.kpis).first(where: { $0.kpi == id }) else {
                throw ReadModelError(
                    "there is no active KPI \(id) at position \(moment.size)", code: "no-kpi", facts: ["kpi": id, "position": "\(moment.size)"])
            }
            let history = try await models.kpiHistory(kpi: id, asOf: asOf)
            var missed: [String: [String]] = [:]
            for agreement in try await models.agreements(asOf: asOf).agreements {
                for obligation in agreement.obligations where obligation.kpi == id {
                    for period in obligation.periods where period.result == "missed" {
                        missed[period.period, default: []].append(obligation.party)
                    }
                }
            }
            let trend = TrendDrawing(history, name: state.name, unit: state.unit, missed: missed, format: format)
            return Page(
                KpiView(state, trend: trend, rows: rows, format: format), moment, [ReportTables.measurements(rows), ReportTables.periods(history)])
        }
    }

    func responsibilities(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page("responsibilities", request, context) { models, asOf, format in
            let report = try await models.responsibilities(asOf: asOf)
            return Page(
                ResponsibilitiesView(report, format: format) { link($0, request) }, report.moment, ReportTables.responsibilities(report))
        }
    }

    func agreements(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page("agreements", request, context) { models, asOf, format in
            let report = try await models.agreements(asOf: asOf)
            return Page(
                AgreementsView(report, format: format) { link($0, request) }, report.moment,
                [
                    ReportTables.agreements(report), ReportTables.obligations(report), ReportTables.obligationPeriods(report),
                    ReportTables.commitments(report),
                ])
        }
    }

    func decisions(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page("decisions", request, context) { models, asOf, format in
            let report = try await models.dialogues(asOf: asOf)
            let names = Dictionary(try await models.kpiTrees(asOf: asOf).map { ($0.chain, $0.name) }, uniquingKeysWith: { a, _ in a })
            return Page(
                DecisionsView(report, names: names, format: format) { link($0, request) }, report.moment,
                [ReportTables.dialogues(report), ReportTables.decisions(report), ReportTables.actions(report)])
        }
    }

    func audit(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("decision") ?? ""
        return try await page("audit", request, context, about: id) { models, _, format in
            let audit = try await models.audit(decision: id)
            return Page(
                AuditView(audit, format: format), audit.then,
                [ReportTables.auditKpis(audit), ReportTables.auditCorrections(audit), ReportTables.auditLate(audit)])
        }
    }

    // MARK: - Rendering

    /// What a page's content builder gives back: the view for its template, the moment it shows,
    /// and its tables for download.
    struct Page {
        let view: Any
        let moment: Moment?
        let tables: [ReportTable]

        init(_ view: Any, _ moment: Moment?, _ tables: [ReportTable]) {
            self.view = view
            self.moment = moment
            self.tables = tables
        }
    }

    /// A page for a signed-in reader, with the moment asked for and in the reader's language:
    /// `content` builds what the template `name` shows; a bad `as_of` (400) or an unknown chain,
    /// KPI or decision, or a moment beyond the log (404), shows as a warning instead. With
    /// `?table=NAME&format=csv|csv-nl` the answer is that table of the page as CSV.
    private func page(
        _ name: String, _ request: Request, _ context: LedgerRequestContext, about subject: String = "",
        _ content: (ReadModels, AsOf, LocalFormat) async throws -> Page
    ) async throws -> Response {
        let (language, chosen) = DashboardLanguage.of(request)
        let catalogue = MessageCatalogue.shipped(language)
        let format = LocalFormat(catalogue)
        guard let identity = context.identity else { return try Self.loginPage(.signIn, request) }
        let asOfText: String? = request.uri.queryParameters.get("as_of").flatMap { $0.isEmpty ? nil : String($0) }
        let evidence = service.replica?.heldEvidence() ?? []
        func render(_ page: Page?, models: ReadModels?, warning: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
            let query = asOfText.map { "?as_of=" + DashboardFormat.queryValue($0) } ?? ""
            let (choices, earlier, later) = try await momentChoices(models, shown: page?.moment, asOfText: asOfText, request, format)
            var downloads: [String: DownloadLinks] = [:]
            for table in page?.tables ?? [] {
                func href(_ dialect: CSVDialect) -> String {
                    request.uri.path + (query.isEmpty ? "?" : query + "&") + "table=\(table.name)&format=\(dialect.rawValue)"
                }
                downloads[table.name] = DownloadLinks(csv: href(.rfc4180), csvNL: href(.dutchSpreadsheet))
            }
            let view = PageView(
                lang: language.rawValue, t: MessageLookup(catalogue: catalogue), languages: DashboardLanguage.links(language, request),
                query: query, asOf: asOfText ?? "", choices: choices, earlier: earlier, later: later,
                momentText: page?.moment.map { Self.momentText($0, format) }, warning: warning, subject: subject, content: page?.view,
                downloads: downloads, replicaOf: service.replica?.source, evidence: evidence, hasEvidence: !evidence.isEmpty)
            var response = try Self.html(view, with: name, status: status)
            if chosen { response.setCookie(DashboardLanguage.keep(language)) }
            return response
        }
        let asOf: AsOf
        do {
            asOf = try Query.asOf(request)
        } catch let error as APIError {
            return try await render(
                nil, models: nil, warning: catalogue.format("error_bad-as-of", ["text": asOfText ?? ""]) + " (\(error.message))",
                status: .badRequest)
        }
        let models = try await service.currentReadModels(for: identity.token, asOf: asOf)
        let page: Page
        do {
            // One moment for the whole page: "now" as published, the same as the API's.
            page = try await content(models, .moment(try await service.resolve(asOf, in: models)), format)
        } catch let error as ReadModelError {
            let text =
                catalogue.messages["error_" + error.code].map { _ in catalogue.format("error_" + error.code, error.facts) } ?? error.description
            return try await render(nil, models: models, warning: text, status: .notFound)
        }
        if let table = request.uri.queryParameters.get("table") {
            guard let found = page.tables.first(where: { $0.name == table }) else {
                throw APIError(
                    .notFound, "no-such-table", "this page has no table \(table); it has \(page.tables.map(\.name).joined(separator: ", "))")
            }
            let dialectName = request.uri.queryParameters.get("format").map { String($0) } ?? CSVDialect.rfc4180.rawValue
            guard let dialect = CSVDialect(rawValue: dialectName) else {
                throw APIError(.badRequest, "bad-format", "format must be csv or csv-nl, not \"\(dialectName)\"")
            }
            return Self.csv(found, dialect, file: [name, subject, found.name].filter { !$0.isEmpty }.joined(separator: "-"))
        }
        return try await render(page, models: models, warning: nil)
    }

    /// "Showing the ledger at position 139 (recorded 31 March 2026 09:00 UTC)."
    static func momentText(_ moment: Moment, _ format: LocalFormat) -> String {
        guard let recorded = moment.recordedAt else {
            return format.catalogue.format("moment_line_no_time", ["size": "\(moment.size)", "day": format.day(moment.day)])
        }
        return format.catalogue.format("moment_line", ["size": "\(moment.size)", "recorded": format.time(recorded)])
    }

    /// The moments the picker offers (now, every dialogue's day, every month end of the ledger's
    /// life), and the month ends just before and after the moment shown.
    private func momentChoices(
        _ models: ReadModels?, shown: Moment?, asOfText: String?, _ request: Request, _ format: LocalFormat
    ) async throws -> ([MomentChoice], MomentChoice?, MomentChoice?) {
        let catalogue = format.catalogue
        func href(_ value: String) -> String { value.isEmpty ? request.uri.path : request.uri.path + "?as_of=" + value }
        var choices = [MomentChoice(value: "", label: catalogue["asof_now"], href: href(""), selected: asOfText == nil)]
        guard let models, let days = try await models.recordedDays() else { return (choices, nil, nil) }
        var moments: [(day: CalendarDate, label: String)] = []
        for chain in try await models.dialogues().chains {
            for (dialogue, day) in zip(chain.dialogues, chain.heldOn) {
                guard let date = CalendarDate(day) else { continue }
                moments.append((date, catalogue.format("asof_dialogue", ["day": format.day(date), "dialogue": dialogue, "chain": chain.chain])))
            }
        }
        var monthEnds: [CalendarDate] = []
        var month = CalendarDate(days.lowerBound.year, days.lowerBound.month, 1)!.addingMonths(1).addingDays(-1)
        while month <= days.upperBound, monthEnds.count < 600 {
            monthEnds.append(month)
            month = month.addingDays(1).addingMonths(1).addingDays(-1)
        }
        moments += monthEnds.map { ($0, catalogue.format("asof_month_end", ["day": format.day($0)])) }
        moments.sort { $0.day > $1.day }
        choices += moments.map {
            MomentChoice(value: $0.day.description, label: $0.label, href: href($0.day.description), selected: asOfText == $0.day.description)
        }
        let day = shown?.day ?? days.upperBound
        let earlier = monthEnds.last { $0 < day }.map {
            MomentChoice(value: $0.description, label: format.day($0), href: href($0.description), selected: false)
        }
        let later =
            asOfText == nil
            ? nil
            : monthEnds.first { $0 > day }.map {
                MomentChoice(value: $0.description, label: format.day($0), href: href($0.description), selected: false)
            }
        return (choices, earlier, later)
    }

    /// `path`, keeping the `as_of` of the request.
    private func link(_ path: String, _ request: Request) -> String {
        guard let asOf = request.uri.queryParameters.get("as_of"), !asOf.isEmpty else { return path }
        return path + "?as_of=" + DashboardFormat.queryValue(String(asOf))
    }

    /// The page for a browser without a valid token, in the reader's language.
    private static func loginPage(_ reason: LoginView.Reason, _ request: Request) throws -> Response {
        let (language, chosen) = DashboardLanguage.of(request)
        var response = try html(
            LoginView(reason, catalogue: .shipped(language), languages: DashboardLanguage.links(language, request)), with: "login",
            status: .unauthorized)
        if chosen { response.setCookie(DashboardLanguage.keep(language)) }
        return response
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

    /// A table as a CSV download named `file`.csv.
    private static func csv(_ table: ReportTable, _ dialect: CSVDialect, file: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = dialect.mediaType
        let safe = String(file.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        headers[.contentDisposition] = "attachment; filename=\"\(safe)\(dialect == .dutchSpreadsheet ? "-nl" : "").csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: table.csv(dialect))))
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
