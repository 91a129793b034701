import ChainDomain
import ChainProjections
import Foundation
import Hummingbird
import HummingbirdAuth

/// The coordinators' dashboard: server-rendered pages over the read models, every one with the
/// position/date picker.
struct DashboardRoutes {
    let service: LedgerService

    func register(on router: Router<LedgerRequestContext>) {
        router.get("login", use: login)
        router.get("/", use: overview)
        router.get("chains/{chain}", use: chain)
        router.get("kpis/{kpi}", use: kpi)
        router.get("responsibilities", use: responsibilities)
        router.get("agreements", use: agreements)
        router.get("decisions", use: decisions)
        router.get("audit/{decision}", use: audit)
    }

    /// Keeps the token in an HttpOnly cookie and goes to the overview, or to `next` (a path on
    /// this server, so a link can open any page).
    func login(request: Request, context: LedgerRequestContext) async throws -> Response {
        guard let token = request.uri.queryParameters.get("token"), !token.isEmpty else {
            return HTML.loginPage(message: "Enter your access token.")
        }
        guard try await service.tokens.identity(for: String(token)) != nil else {
            return HTML.loginPage(message: "That token is unknown, expired or revoked.")
        }
        // Only a path on this server: never a redirect elsewhere.
        let next = request.uri.queryParameters.get("next").map { String($0) } ?? "/"
        let location = next.hasPrefix("/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/"
        var response = Response(status: .seeOther, headers: [.location: location], body: ResponseBody())
        response.setCookie(Cookie(name: "chainledger_token", value: String(token), path: "/", httpOnly: true, sameSite: .strict))
        return response
    }

    /// Runs a page body for a signed-in reader, with the moment asked for.
    private func page(_ request: Request, _ context: LedgerRequestContext, title: String,
                      _ body: (ReadModels, AsOf) async throws -> (String, Moment?)) async throws -> Response {
        guard let identity = context.identity else { return HTML.loginPage(message: "Sign in to see the coalition's ledger.") }
        let asOfText: String? = request.uri.queryParameters.get("as_of").flatMap { $0.isEmpty ? nil : String($0) }
        let asOf: AsOf
        do {
            asOf = try Query.asOf(request)
        } catch let error as APIError {
            return HTML.page(title: title, asOf: asOfText, moment: nil, body: "<p class=\"warning\">\(HTML.escape(error.message))</p>")
        }
        let models = try await service.currentReadModels(for: identity.token, asOf: asOf)
        do {
            // One moment for the whole page: "now" as published, the same as the API's.
            let (html, moment) = try await body(models, .moment(try await service.resolve(asOf, in: models)))
            return HTML.page(title: title, asOf: asOfText, moment: moment, body: html)
        } catch let error as ReadModelError {
            return HTML.page(title: title, asOf: asOfText, moment: nil, body: "<p class=\"warning\">\(HTML.escape(error.description))</p>")
        }
    }

    private func link(_ path: String, _ request: Request) -> String {
        guard let asOf = request.uri.queryParameters.get("as_of"), !asOf.isEmpty else { return path }
        return path + "?as_of=" + HTML.queryValue(String(asOf))
    }

    func overview(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page(request, context, title: "Coalition overview") { models, asOf in
            let coalition = try await models.coalition(asOf: asOf)
            let trees = try await models.kpiTrees(asOf: asOf)
            let responsibilities = try await models.responsibilities(asOf: asOf)
            let health = try await models.health(asOf: asOf)
            var html = "<p><strong>Mission:</strong> \(HTML.escape(coalition.mission ?? "not yet set"))</p>"
            html += "<h2>Goals</h2><ul>" + coalition.goals.map { "<li>\(HTML.escape($0.goal)): \(HTML.escape($0.title))</li>" }.joined() + "</ul>"
            html += "<h2>Chains</h2><table><tr><th>chain</th><th>owner</th><th>KPIs</th><th>statuses</th></tr>"
            for tree in trees {
                let owner = responsibilities.chains.first { $0.chain == tree.chain }?.owner
                let counts = Dictionary(grouping: tree.kpis, by: \.status).sorted { $0.key < $1.key }
                    .map { "\(HTML.badge($0.key)) ×\($0.value.count)" }.joined(separator: " ")
                html += "<tr><td><a href=\"\(link("/chains/\(tree.chain)", request))\">\(HTML.escape(tree.name))</a></td>"
                html += "<td class=\"text\">\(HTML.escape(owner.map { "\($0.name ?? $0.owner.person) (\($0.owner.organisation))" } ?? "no owner"))</td>"
                html += "<td>\(tree.kpis.count)</td><td>\(counts)</td></tr>"
            }
            html += "</table>"
            for tree in trees {
                html += "<h2>KPI tree: \(HTML.escape(tree.name))</h2>" + Drawing.kpiTree(tree) { link("/kpis/\($0)", request) }
            }
            html += "<h2>Method health</h2>"
            html += health.warnings.isEmpty ? "<p>No warning signs.</p>" : "<table><tr><th>chain</th><th>rule</th><th>concerns</th><th>detail</th></tr>"
                + health.warnings.map {
                    "<tr class=\"warning\"><td>\(HTML.escape($0.chain ?? "coalition"))</td><td>\(HTML.escape($0.rule))</td><td>\(HTML.escape($0.subject))</td><td class=\"text\">\(HTML.escape($0.detail))</td></tr>"
                }.joined() + "</table>"
            html += "<h2>Organisations</h2><ul>" + coalition.organisations.map {
                "<li>\(HTML.escape($0.name)) (\(HTML.escape($0.organisation))\($0.kind.map { ", " + HTML.escape($0) } ?? ""))\($0.coordinator ? " — coordinator" : "")</li>"
            }.joined() + "</ul>"
            return (html, coalition.moment)
        }
    }

    func chain(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("chain") ?? ""
        return try await page(request, context, title: "Chain \(id)") { models, asOf in
            let tree = try await models.kpiTree(chain: id, asOf: asOf)
            var html = "<h2>\(HTML.escape(tree.name))</h2>" + Drawing.kpiTree(tree) { link("/kpis/\($0)", request) }
            html += "<table><tr><th>level</th><th>KPI</th><th>period</th><th>value</th><th>target</th><th>red</th><th>status</th><th>trend</th><th>owner</th></tr>"
            for kpi in tree.kpis {
                html += "<tr><td>\(kpi.level.rawValue)</td><td><a href=\"\(link("/kpis/\(kpi.kpi)", request))\">\(HTML.escape(kpi.name))</a></td>"
                html += "<td>\(HTML.escape(kpi.period ?? "–"))</td><td>\(HTML.number(kpi.value)) \(HTML.escape(kpi.unit))\(kpi.observation.contains("P") ? " (provisional)" : "")\(kpi.corrections > 0 ? " (corrected)" : "")</td>"
                html += "<td>\(HTML.number(kpi.target))</td><td>\(HTML.number(kpi.red))</td><td>\(HTML.badge(kpi.status))</td><td>\(kpi.trend.rawValue)</td>"
                html += "<td>\(HTML.escape(kpi.owner.description))</td></tr>"
            }
            return (html + "</table>", tree.moment)
        }
    }

    func kpi(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("kpi") ?? ""
        return try await page(request, context, title: "KPI \(id)") { models, asOf in
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
            var html = "<p>\(HTML.escape(state.name)) — \(state.level.rawValue) KPI of chain \(HTML.escape(state.chain)), in \(HTML.escape(state.unit)), \(state.direction.rawValue) is better, per \(state.grain.rawValue). Latest: \(HTML.escape(state.period ?? "–")) \(HTML.number(state.value)) \(HTML.badge(state.status)).</p>"
            html += Drawing.trend(points, target: state.target, red: state.red, unit: state.unit)
            html += "<h2>Every value, corrections included</h2><table><tr><th>period</th><th>organisation</th><th>value</th><th>status</th><th>position</th><th>recorded</th><th>corrects</th><th>replaced at</th><th>reason</th></tr>"
            for row in rows {
                html += "<tr><td>\(HTML.escape(row.period))</td><td>\(HTML.escape(row.organisation))</td><td>\(HTML.number(row.value))</td><td>\(row.status)</td>"
                html += "<td>\(row.position)</td><td>\(HTML.escape(row.recordedAt))</td><td>\(row.supersedes.map(String.init) ?? "")</td>"
                html += "<td>\(row.supersededAt.map(String.init) ?? "")</td><td class=\"text\">\(HTML.escape(row.reason ?? ""))</td></tr>"
            }
            return (html + "</table>", moment)
        }
    }

    func responsibilities(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page(request, context, title: "Responsibilities over time") { models, asOf in
            let report = try await models.responsibilities(asOf: asOf)
            var html = "<p>Coordinators: \(HTML.escape(report.coordinators.joined(separator: ", ")))</p>"
            for chain in report.chains {
                html += "<h2>\(HTML.escape(chain.name))</h2><table><tr><th>owner</th><th>from position</th><th>until</th><th>reason</th><th>decision</th></tr>"
                for owner in chain.history {
                    html += "<tr><td>\(HTML.escape(owner.name ?? owner.owner.person)) (\(HTML.escape(owner.owner.organisation)))</td><td>\(owner.since) (\(HTML.escape(owner.sinceTime)))</td>"
                    html += "<td>\(owner.until.map(String.init) ?? "now")</td><td class=\"text\">\(HTML.escape(owner.reason))</td>"
                    html += "<td>\(owner.decision.map { "<a href=\"/audit/\(HTML.escape($0))\">\(HTML.escape($0))</a>" } ?? "")</td></tr>"
                }
                html += "</table><table><tr><th>KPI</th><th>owner</th><th>reported by</th></tr>"
                html += chain.kpis.map { "<tr><td>\(HTML.escape($0.kpi))</td><td>\(HTML.escape($0.owner.description))</td><td class=\"text\">\(HTML.escape($0.reporters.joined(separator: ", ")))</td></tr>" }.joined()
                html += "</table>"
            }
            html += "<h2>Members and roles</h2><table><tr><th>member</th><th>name</th><th>management team</th><th>roles</th></tr>"
            html += report.members.map {
                "<tr><td>\(HTML.escape($0.member.description))</td><td>\(HTML.escape($0.name))</td><td>\($0.managementTeam ? "yes" : "no")</td><td class=\"text\">\(HTML.escape($0.roles.joined(separator: ", ")))</td></tr>"
            }.joined()
            return (html + "</table>", report.moment)
        }
    }

    func agreements(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page(request, context, title: "Agreements") { models, asOf in
            let report = try await models.agreements(asOf: asOf)
            var html = ""
            for agreement in report.agreements {
                html += "<h2>\(HTML.escape(agreement.title))</h2><p>State: <strong>\(agreement.state.rawValue)</strong>; version in force: \(agreement.activeVersion.map(String.init) ?? "none") of \(agreement.latestVersion); valid \(agreement.validFrom)…\(agreement.validUntil)\(agreement.terminatedOn.map { "; terminated \($0)" } ?? "").</p>"
                html += "<p>Signatures: " + agreement.signatures.map { "\(HTML.escape($0.party)) (version \($0.version), position \($0.position))" }.joined(separator: "; ")
                html += agreement.awaiting.isEmpty ? "</p>" : ". Awaiting: \(HTML.escape(agreement.awaiting.joined(separator: ", "))).</p>"
                html += "<table><tr><th>party</th><th>KPI</th><th>target</th><th>periods</th><th>met</th><th>missed</th><th>no data</th><th>by period</th></tr>"
                for obligation in agreement.obligations {
                    let periods = obligation.periods.map { "\($0.period): \(HTML.number($0.value)) \($0.result)" }.joined(separator: "; ")
                    html += "<tr><td>\(HTML.escape(obligation.party))</td><td>\(HTML.escape(obligation.kpi))</td><td>\(HTML.number(obligation.target))</td>"
                    html += "<td>\(obligation.from)…\(obligation.until)</td><td>\(obligation.met)</td><td>\(obligation.missed)</td><td>\(obligation.missing)</td><td>\(HTML.escape(periods))</td></tr>"
                }
                html += "</table>"
            }
            return (html.isEmpty ? "<p>No agreements.</p>" : html, report.moment)
        }
    }

    func decisions(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await page(request, context, title: "Dialogues and decisions") { models, asOf in
            let report = try await models.dialogues(asOf: asOf)
            var html = ""
            for chain in report.chains {
                html += "<h2>\(HTML.escape(chain.chain))</h2><p>\(chain.dialogues.count) \(chain.cadence.rawValue) dialogues; last held \(chain.lastHeld ?? "never"); next due \(chain.nextDue)\(chain.overdue ? " — <strong class=\"warning\">overdue</strong>" : "").</p>"
                html += "<table><tr><th>decision</th><th>dialogue</th><th>decided by</th><th>text</th><th>evidence</th><th>audit</th></tr>"
                for decision in chain.decisions {
                    html += "<tr><td>\(HTML.escape(decision.decision))</td><td>\(HTML.escape(decision.dialogue))</td><td>\(HTML.escape(decision.decidedBy.description))</td>"
                    html += "<td class=\"text\">\(HTML.escape(decision.text))</td><td class=\"text\">\(HTML.escape((decision.evidenceKpis + decision.evidencePositions.map { "position \($0)" }).joined(separator: ", ")))</td>"
                    html += "<td><a href=\"/audit/\(HTML.escape(decision.decision))\">audit</a></td></tr>"
                }
                html += "</table><table><tr><th>action</th><th>owner</th><th>due</th><th>done</th></tr>"
                html += chain.actions.map {
                    "<tr><td class=\"text\">\(HTML.escape($0.text))</td><td>\(HTML.escape($0.owner.description))</td><td>\($0.due)</td><td>\($0.doneOn ?? ($0.overdue ? "<strong class=\"warning\">overdue</strong>" : "open"))</td></tr>"
                }.joined() + "</table>"
            }
            return (html, report.moment)
        }
    }

    func audit(request: Request, context: LedgerRequestContext) async throws -> Response {
        let id = context.parameters.get("decision") ?? ""
        return try await page(request, context, title: "Decision audit: \(id)") { models, _ in
            let audit = try await models.audit(decision: id)
            var html = "<p><strong>\(HTML.escape(audit.decision.text))</strong> — decided by \(HTML.escape(audit.decision.decidedBy.description)) in dialogue \(HTML.escape(audit.decision.dialogue)), recorded at position \(audit.decision.position) (\(HTML.escape(audit.decision.recordedAt))).</p>"
            html += "<p>Rationale: \(HTML.escape(audit.decision.rationale))</p>"
            html += "<p>THEN is the ledger at size \(audit.then.size) (what was known when the decision was recorded); the dialogue reviewed size \(audit.reviewedPosition). NOW is size \(audit.now.size).</p>"
            html += "<table><tr><th>KPI</th><th>evidence</th><th>period then</th><th>value then</th><th>status then</th><th>same period now</th><th>status now</th><th>latest now</th></tr>"
            for kpi in audit.kpis {
                html += "<tr><td><a href=\"/kpis/\(HTML.escape(kpi.kpi))?as_of=\(audit.then.size)\">\(HTML.escape(kpi.kpi))</a></td><td>\(kpi.evidence ? "yes" : "")</td>"
                html += "<td>\(HTML.escape(kpi.then.period ?? "–"))</td><td>\(HTML.number(kpi.then.value))</td><td>\(HTML.badge(kpi.then.status))</td>"
                html += "<td>\(HTML.number(kpi.samePeriodNow))</td><td>\(HTML.badge(kpi.samePeriodStatusNow))</td>"
                html += "<td>\(HTML.escape(kpi.now.period ?? "–")): \(HTML.number(kpi.now.value)) \(HTML.badge(kpi.now.status))</td></tr>"
            }
            html += "</table><h2>Corrections since the decision</h2>"
            html += audit.corrections.isEmpty ? "<p>None.</p>" : "<table><tr><th>position</th><th>recorded</th><th>by</th><th>KPI</th><th>period</th><th>from</th><th>to</th><th>why</th></tr>" + audit.corrections.map {
                "<tr><td>\($0.position)</td><td>\(HTML.escape($0.recordedAt))</td><td>\(HTML.escape($0.organisation))</td><td>\(HTML.escape($0.kpi))</td><td>\(HTML.escape($0.period))</td><td>\(HTML.number($0.previousValue))</td><td>\(HTML.number($0.value))</td><td class=\"text\">\(HTML.escape($0.reason))</td></tr>"
            }.joined() + "</table>"
            html += "<h2>Late figures</h2>"
            html += audit.late.isEmpty ? "<p>None.</p>" : "<table><tr><th>position</th><th>by</th><th>KPI</th><th>period</th><th>value</th></tr>" + audit.late.map {
                "<tr><td>\($0.position)</td><td>\(HTML.escape($0.organisation))</td><td>\(HTML.escape($0.kpi))</td><td>\(HTML.escape($0.period))</td><td>\(HTML.number($0.value))</td></tr>"
            }.joined() + "</table>"
            return (html, audit.then)
        }
    }
}
