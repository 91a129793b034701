import ChainDomain
import ChainProjections

// What each dashboard page's template (`Resources/NAME.mustache`) shows, built from the read
// models. Values are formatted here; every text and every tag is in the templates.

/// The sign-in page (`login.mustache`): why it is shown.
struct LoginView {
    let enterToken: Bool
    let refused: Bool
    let signIn: Bool
    let usedLink: Bool
    let tokenInAddress: Bool

    enum Reason { case enterToken, refused, signIn, usedLink, tokenInAddress }

    init(_ reason: Reason) {
        enterToken = reason == .enterToken
        refused = reason == .refused
        signIn = reason == .signIn
        usedLink = reason == .usedLink
        tokenInAddress = reason == .tokenInAddress
    }
}

/// `overview.mustache`.
struct OverviewView {
    struct Goal { let goal: String, title: String }

    struct Chain {
        let href: String
        let name: String
        let owner: String?
        let kpiCount: String
        let counts: [StatusCount]
    }

    struct StatusCount { let status: StatusView, count: String }

    struct Tree { let name: String, drawing: KpiTreeDrawing }

    struct Warning { let chain: String?, rule: String, subject: String, detail: String }

    struct Organisation { let name: String, organisation: String, kind: String?, coordinator: Bool }

    /// A witness as the coordinator watches it: now, whatever moment the page shows.
    struct Witness { let name: String, organisation: String, validating: Bool, cosigned: String, age: String, problem: String? }

    let mission: String?
    let goals: [Goal]
    let chains: [Chain]
    let trees: [Tree]
    let hasWarnings: Bool
    let warnings: [Warning]
    let organisations: [Organisation]
    var hasWitnesses = false
    var witnesses: [Witness] = []

    init(coalition: CoalitionOverview, trees: [KpiTree], responsibilities: Responsibilities, health: MethodHealth, link: (String) -> String) {
        mission = coalition.mission
        goals = coalition.goals.map { Goal(goal: $0.goal, title: $0.title) }
        chains = trees.map { tree in
            let owner = responsibilities.chains.first { $0.chain == tree.chain }?.owner
            return Chain(
                href: link("/chains/\(tree.chain)"), name: tree.name,
                owner: owner.map { "\($0.name ?? $0.owner.person) (\($0.owner.organisation))" }, kpiCount: "\(tree.kpis.count)",
                counts: Dictionary(grouping: tree.kpis, by: \.status).sorted { $0.key < $1.key }
                    .map { StatusCount(status: StatusView($0.key), count: "\($0.value.count)") })
        }
        self.trees = trees.map { tree in Tree(name: tree.name, drawing: KpiTreeDrawing(tree) { link("/kpis/\($0)") }) }
        hasWarnings = !health.warnings.isEmpty
        warnings = health.warnings.map { Warning(chain: $0.chain, rule: $0.rule, subject: $0.subject, detail: $0.detail) }
        organisations = coalition.organisations.map {
            Organisation(name: $0.name, organisation: $0.organisation, kind: $0.kind, coordinator: $0.coordinator)
        }
    }
}

/// `chain.mustache`.
struct ChainView {
    struct Kpi {
        let level: String
        let href: String
        let name: String
        let period: String
        let value: String
        let unit: String
        let provisional: Bool
        let corrected: Bool
        let target: String
        let redThreshold: String
        let status: StatusView
        let trend: String
        let owner: String
    }

    let name: String
    let drawing: KpiTreeDrawing
    let kpis: [Kpi]

    init(_ tree: KpiTree, link: (String) -> String) {
        name = tree.name
        drawing = KpiTreeDrawing(tree) { link("/kpis/\($0)") }
        kpis = tree.kpis.map { kpi in
            Kpi(
                level: kpi.level.rawValue, href: link("/kpis/\(kpi.kpi)"), name: kpi.name, period: kpi.period ?? "–",
                value: DashboardFormat.number(kpi.value), unit: kpi.unit, provisional: kpi.observation.contains("P"),
                corrected: kpi.corrections > 0, target: DashboardFormat.number(kpi.target), redThreshold: DashboardFormat.number(kpi.red),
                status: StatusView(kpi.status), trend: kpi.trend.rawValue, owner: kpi.owner.description)
        }
    }
}

/// `kpi.mustache`.
struct KpiView {
    struct Row {
        let period: String
        let organisation: String
        let value: String
        let status: String
        let position: String
        let recordedAt: String
        let supersedes: String
        let supersededAt: String
        let reason: String
    }

    let name: String
    let level: String
    let chain: String
    let unit: String
    let direction: String
    let grain: String
    let period: String
    let value: String
    let status: StatusView
    let trend: TrendDrawing
    let rows: [Row]

    init(_ state: KpiState, trend: TrendDrawing, rows: [MeasurementRow]) {
        name = state.name
        level = state.level.rawValue
        chain = state.chain
        unit = state.unit
        direction = state.direction.rawValue
        grain = state.grain.rawValue
        period = state.period ?? "–"
        value = DashboardFormat.number(state.value)
        status = StatusView(state.status)
        self.trend = trend
        self.rows = rows.map { row in
            Row(
                period: row.period, organisation: row.organisation, value: DashboardFormat.number(row.value), status: "\(row.status)",
                position: "\(row.position)", recordedAt: row.recordedAt, supersedes: row.supersedes.map(String.init) ?? "",
                supersededAt: row.supersededAt.map(String.init) ?? "", reason: row.reason ?? "")
        }
    }
}

/// `responsibilities.mustache`.
struct ResponsibilitiesView {
    struct Chain { let name: String, history: [Owner], kpis: [Kpi] }

    struct Owner {
        let owner: String
        let organisation: String
        let since: String
        let sinceTime: String
        let until: String?
        let reason: String
        let decision: String?
    }

    struct Kpi { let kpi: String, owner: String, reporters: String }

    struct Member { let member: String, name: String, managementTeam: Bool, roles: String }

    let coordinators: String
    let chains: [Chain]
    let members: [Member]

    init(_ report: Responsibilities) {
        coordinators = report.coordinators.joined(separator: ", ")
        chains = report.chains.map { chain in
            Chain(
                name: chain.name,
                history: chain.history.map {
                    Owner(
                        owner: $0.name ?? $0.owner.person, organisation: $0.owner.organisation, since: "\($0.since)", sinceTime: $0.sinceTime,
                        until: $0.until.map(String.init), reason: $0.reason, decision: $0.decision)
                },
                kpis: chain.kpis.map { Kpi(kpi: $0.kpi, owner: $0.owner.description, reporters: $0.reporters.joined(separator: ", ")) })
        }
        members = report.members.map {
            Member(member: $0.member.description, name: $0.name, managementTeam: $0.managementTeam, roles: $0.roles.joined(separator: ", "))
        }
    }
}

/// `agreements.mustache`.
struct AgreementsView {
    struct Agreement {
        let title: String
        let state: String
        let activeVersion: String?
        let latestVersion: String
        let validFrom: String
        let validUntil: String
        let terminatedOn: String?
        let signatures: [Signature]
        let hasAwaiting: Bool
        let awaiting: String
        let obligations: [Obligation]
    }

    struct Signature { let party: String, version: String, position: String }

    struct Obligation {
        let party: String
        let kpi: String
        let target: String
        let from: String
        let until: String
        let met: String
        let missed: String
        let missing: String
        let periods: [Period]
    }

    struct Period { let period: String, value: String, result: String }

    let agreements: [Agreement]

    init(_ report: AgreementsReport) {
        agreements = report.agreements.map { agreement in
            Agreement(
                title: agreement.title, state: agreement.state.rawValue, activeVersion: agreement.activeVersion.map(String.init),
                latestVersion: "\(agreement.latestVersion)", validFrom: agreement.validFrom, validUntil: agreement.validUntil,
                terminatedOn: agreement.terminatedOn,
                signatures: agreement.signatures.map { Signature(party: $0.party, version: "\($0.version)", position: "\($0.position)") },
                hasAwaiting: !agreement.awaiting.isEmpty, awaiting: agreement.awaiting.joined(separator: ", "),
                obligations: agreement.obligations.map { obligation in
                    Obligation(
                        party: obligation.party, kpi: obligation.kpi, target: DashboardFormat.number(obligation.target), from: obligation.from,
                        until: obligation.until, met: "\(obligation.met)", missed: "\(obligation.missed)", missing: "\(obligation.missing)",
                        periods: obligation.periods.map { Period(period: $0.period, value: DashboardFormat.number($0.value), result: $0.result) })
                })
        }
    }
}

/// `decisions.mustache`.
struct DecisionsView {
    struct Chain {
        let chain: String
        let dialogueCount: String
        let cadence: String
        let lastHeld: String?
        let nextDue: String
        let overdue: Bool
        let decisions: [Decision]
        let actions: [Action]
    }

    struct Decision {
        let decision: String
        let dialogue: String
        let decidedBy: String
        let text: String
        let evidence: [Evidence]
    }

    /// A KPI or a position that a decision rests on.
    struct Evidence { let kpi: String?, position: String? }

    struct Action { let text: String, owner: String, due: String, doneOn: String?, overdue: Bool }

    let chains: [Chain]

    init(_ report: DialoguesReport) {
        chains = report.chains.map { chain in
            Chain(
                chain: chain.chain, dialogueCount: "\(chain.dialogues.count)", cadence: chain.cadence.rawValue, lastHeld: chain.lastHeld,
                nextDue: chain.nextDue, overdue: chain.overdue,
                decisions: chain.decisions.map { decision in
                    Decision(
                        decision: decision.decision, dialogue: decision.dialogue, decidedBy: decision.decidedBy.description, text: decision.text,
                        evidence: decision.evidenceKpis.map { Evidence(kpi: $0, position: nil) }
                            + decision.evidencePositions.map { Evidence(kpi: nil, position: "\($0)") })
                },
                actions: chain.actions.map {
                    Action(text: $0.text, owner: $0.owner.description, due: $0.due, doneOn: $0.doneOn, overdue: $0.overdue)
                })
        }
    }
}

/// `audit.mustache`.
struct AuditView {
    struct Kpi {
        let kpi: String
        let evidence: Bool
        let thenPeriod: String
        let thenValue: String
        let thenStatus: StatusView
        let samePeriodNow: String
        let samePeriodStatusNow: StatusView
        let nowPeriod: String
        let nowValue: String
        let nowStatus: StatusView
    }

    struct Correction {
        let position: String
        let recordedAt: String
        let organisation: String
        let kpi: String
        let period: String
        let previousValue: String
        let value: String
        let reason: String
    }

    struct Late { let position: String, organisation: String, kpi: String, period: String, value: String }

    let text: String
    let decidedBy: String
    let dialogue: String
    let position: String
    let recordedAt: String
    let rationale: String
    let thenSize: String
    let reviewedSize: String
    let nowSize: String
    let kpis: [Kpi]
    let hasCorrections: Bool
    let corrections: [Correction]
    let hasLate: Bool
    let late: [Late]

    init(_ audit: DecisionAudit) {
        text = audit.decision.text
        decidedBy = audit.decision.decidedBy.description
        dialogue = audit.decision.dialogue
        position = "\(audit.decision.position)"
        recordedAt = audit.decision.recordedAt
        rationale = audit.decision.rationale
        thenSize = "\(audit.then.size)"
        reviewedSize = "\(audit.reviewedPosition)"
        nowSize = "\(audit.now.size)"
        kpis = audit.kpis.map { kpi in
            Kpi(
                kpi: kpi.kpi, evidence: kpi.evidence, thenPeriod: kpi.then.period ?? "–", thenValue: DashboardFormat.number(kpi.then.value),
                thenStatus: StatusView(kpi.then.status), samePeriodNow: DashboardFormat.number(kpi.samePeriodNow),
                samePeriodStatusNow: StatusView(kpi.samePeriodStatusNow), nowPeriod: kpi.now.period ?? "–",
                nowValue: DashboardFormat.number(kpi.now.value), nowStatus: StatusView(kpi.now.status))
        }
        hasCorrections = !audit.corrections.isEmpty
        corrections = audit.corrections.map {
            Correction(
                position: "\($0.position)", recordedAt: $0.recordedAt, organisation: $0.organisation, kpi: $0.kpi, period: $0.period,
                previousValue: DashboardFormat.number($0.previousValue), value: DashboardFormat.number($0.value), reason: $0.reason)
        }
        hasLate = !audit.late.isEmpty
        late = audit.late.map {
            Late(position: "\($0.position)", organisation: $0.organisation, kpi: $0.kpi, period: $0.period, value: DashboardFormat.number($0.value))
        }
    }
}
