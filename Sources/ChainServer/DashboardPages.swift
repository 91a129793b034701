import ChainDomain
import ChainPresentation
import ChainProjections

// What each dashboard page's template (`Resources/NAME.mustache`) shows, built from the read
// models. Values are formatted here in the page's language (`LocalFormat`); every fixed text is
// in the catalogues and every tag in the templates.

/// The sign-in page (`login.mustache`): why it is shown.
struct LoginView {
    let lang: String
    let t: MessageLookup
    let languages: [LanguageLink]
    let enterToken: Bool
    let refused: Bool
    let signIn: Bool
    let usedLink: Bool
    let tokenInAddress: Bool

    enum Reason { case enterToken, refused, signIn, usedLink, tokenInAddress }

    init(_ reason: Reason, catalogue: MessageCatalogue, languages: [LanguageLink]) {
        lang = catalogue.language.rawValue
        t = MessageLookup(catalogue: catalogue)
        self.languages = languages
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
        let need: String
        let nested: Bool
        let parentName: String?
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

    init(
        coalition: CoalitionOverview, trees: [KpiTree], profiles: [ChainProfile], responsibilities: Responsibilities, health: MethodHealth,
        format: LocalFormat, link: (String) -> String
    ) {
        let catalogue = format.catalogue
        mission = coalition.mission
        goals = coalition.goals.map { Goal(goal: $0.goal, title: $0.title) }
        let treesByChain = Dictionary(trees.map { ($0.chain, $0) }, uniquingKeysWith: { first, _ in first })
        // Parents before the chains nested in them, as the profiles are ordered.
        let ordered = profiles.compactMap { treesByChain[$0.chain] } + trees.filter { tree in !profiles.contains { $0.chain == tree.chain } }
        chains = ordered.map { tree in
            let owner = responsibilities.chains.first { $0.chain == tree.chain }?.owner
            let profile = profiles.first { $0.chain == tree.chain }
            return Chain(
                href: link("/chains/\(tree.chain)"), name: tree.name, need: profile?.customerNeed ?? "", nested: profile?.parent != nil,
                parentName: profile?.parent?.name, owner: owner.map { "\($0.name ?? $0.owner.person) (\($0.owner.organisation))" },
                kpiCount: "\(tree.kpis.count)",
                counts: Dictionary(grouping: tree.kpis, by: \.status).sorted { $0.key < $1.key }
                    .map { StatusCount(status: StatusView($0.key), count: "\($0.value.count)") })
        }
        self.trees = ordered.map { tree in Tree(name: tree.name, drawing: KpiTreeDrawing(tree, format: format) { link("/kpis/\($0)") }) }
        hasWarnings = !health.warnings.isEmpty
        warnings = health.warnings.map { warning in
            Warning(
                chain: warning.chain, rule: format.healthRule(warning), subject: warning.subject,
                detail: format.healthDetail(warning))
        }
        organisations = coalition.organisations.map {
            Organisation(
                name: $0.name, organisation: $0.organisation, kind: $0.kind.map { catalogue.messages["kind_" + $0] ?? $0 },
                coordinator: $0.coordinator)
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
        let provisional: Bool
        let corrected: Bool
        let target: String
        let redThreshold: String
        let status: StatusView
        let trend: String
        let owner: String
    }

    struct Profile {
        let customer: String
        let need: String
        let parentHref: String?
        let parentName: String?
        let hasSteps: Bool
        let steps: [Step]
        let flow: ChainFlowDrawing?
        let hasNested: Bool
        let nested: [Nested]
        let hasValues: Bool
        let values: [Value]
    }

    /// A customer or internal value with the chain KPIs that measure it.
    struct Value {
        let kind: String
        let name: String
        let kpis: [StepKpi]
    }

    /// A link between two KPIs of the tree, with what it claims and what the measurements say of it.
    struct Link {
        let fromHref: String
        let from: String
        let toHref: String
        let to: String
        let hypothesis: String
        let lag: String
        let questioned: String?
    }

    struct Step {
        let number: String
        let name: String
        let organisation: String
        let customerVisible: Bool
        let kpis: [StepKpi]
        let handover: String?
    }

    struct StepKpi { let href: String, name: String, status: StatusView }

    struct Nested { let href: String, name: String }

    let name: String
    let briefHref: String
    let profile: Profile?
    let drawing: KpiTreeDrawing
    let kpis: [Kpi]
    let hasLinks: Bool
    let links: [Link]

    /// `health`: the chain's warnings, for the links the measurements question.
    init(
        _ tree: KpiTree, profile: ChainProfile?, health: MethodHealth, organisations: [String: String], format: LocalFormat,
        link: (String) -> String
    ) {
        let catalogue = format.catalogue
        name = tree.name
        briefHref = link("/chains/\(tree.chain)/brief")
        drawing = KpiTreeDrawing(tree, format: format) { link("/kpis/\($0)") }
        let byId = Dictionary(tree.kpis.map { ($0.kpi, $0) }, uniquingKeysWith: { first, _ in first })
        let questioned = Dictionary(
            health.warnings.filter { $0.code.hasPrefix("contributors-") }.map { ($0.subject, format.healthDetail($0)) },
            uniquingKeysWith: { first, _ in first })
        links = tree.kpis.flatMap { fed in
            fed.contributors.map { contributor in
                Link(
                    fromHref: link("/kpis/\(contributor.kpi)"), from: byId[contributor.kpi]?.name ?? contributor.kpi,
                    toHref: link("/kpis/\(fed.kpi)"), to: fed.name, hypothesis: contributor.hypothesis ?? "–",
                    lag: contributor.lag.map { "\($0)" } ?? "–", questioned: questioned[fed.kpi])
            }
        }
        hasLinks = !links.isEmpty
        kpis = tree.kpis.map { kpi in
            Kpi(
                level: catalogue["level_" + kpi.level.rawValue], href: link("/kpis/\(kpi.kpi)"), name: kpi.name, period: format.period(kpi.period),
                value: format.value(kpi.value, unit: kpi.unit), provisional: kpi.observation.contains("P"), corrected: kpi.corrections > 0,
                target: format.value(kpi.target, unit: kpi.unit), redThreshold: format.value(kpi.red, unit: kpi.unit),
                status: StatusView(kpi.status), trend: catalogue["trend_" + kpi.trend.rawValue], owner: kpi.owner.description)
        }
        self.profile = profile.map { profile in
            let steps = profile.steps.enumerated().map { index, step in
                let next = profile.steps.indices.contains(index + 1) ? profile.steps[index + 1] : nil
                let organisation = organisations[step.organisation] ?? step.organisation
                return Step(
                    number: "\(index + 1)", name: step.name,
                    organisation: organisation + (step.department.map { " (\($0))" } ?? ""), customerVisible: step.customerVisible,
                    kpis: tree.kpis.filter { $0.step == step.step }.map {
                        StepKpi(href: link("/kpis/\($0.kpi)"), name: $0.name, status: StatusView($0.status))
                    },
                    handover: next.flatMap { next in
                        next.organisation == step.organisation
                            ? nil
                            : catalogue.format("handover_to", ["organisation": organisations[next.organisation] ?? next.organisation])
                    })
            }
            return Profile(
                customer: profile.customer, need: profile.customerNeed, parentHref: profile.parent.map { link("/chains/\($0.chain)") },
                parentName: profile.parent?.name, hasSteps: !steps.isEmpty, steps: steps,
                flow: profile.steps.isEmpty ? nil : ChainFlowDrawing(profile, tree: tree, organisations: organisations, format: format, link: link),
                hasNested: !profile.nested.isEmpty, nested: profile.nested.map { Nested(href: link("/chains/\($0.chain)"), name: $0.name) },
                hasValues: !profile.customerValues.isEmpty,
                values: [("customer", profile.customerValues), ("internal", profile.internalValues)].flatMap { kind, values in
                    values.map { value in
                        Value(
                            kind: catalogue["value_kind_" + kind], name: value.name,
                            kpis: value.kpis.compactMap { byId[$0] }.map {
                                StepKpi(href: link("/kpis/\($0.kpi)"), name: $0.name, status: StatusView($0.status))
                            })
                    }
                })
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
    /// "Process KPI of chain street-to-home, in %, higher is better, per month."
    let description: String
    let period: String
    let value: String
    let status: StatusView
    let trend: TrendDrawing
    let rows: [Row]

    init(_ state: KpiState, trend: TrendDrawing, rows: [MeasurementRow], format: LocalFormat) {
        let catalogue = format.catalogue
        name = state.name
        description = catalogue.format(
            "kpi_description",
            [
                "level": catalogue["level_" + state.level.rawValue], "chain": state.chain, "unit": format.unitName(state.unit),
                "direction": catalogue["direction_" + state.direction.rawValue], "grain": catalogue["grain_" + state.grain.rawValue],
            ])
        period = format.period(state.period)
        value = format.value(state.value, unit: state.unit)
        status = StatusView(state.status)
        self.trend = trend
        self.rows = rows.map { row in
            Row(
                period: format.period(row.period), organisation: row.organisation, value: format.number(row.value),
                status: catalogue.messages["observation_" + row.status] ?? row.status, position: "\(row.position)",
                recordedAt: format.time(row.recordedAt), supersedes: row.supersedes.map(String.init) ?? "",
                supersededAt: row.supersededAt.map(String.init) ?? "", reason: row.reason ?? "")
        }
    }
}

/// `responsibilities.mustache`.
struct ResponsibilitiesView {
    struct Chain { let name: String, history: [Owner], kpis: [Kpi], strategicPins: String, departments: [Department] }

    /// A partner's department: how often it met about the chain, and who links the two.
    struct Department { let organisation: String, dialogues: Int, pins: String }

    struct Owner {
        let owner: String
        let organisation: String
        let since: String
        let sinceTime: String
        let until: String?
        let reason: String
        let decision: String?
        let decisionHref: String?
    }

    struct Kpi { let kpi: String, owner: String, reporters: String }

    struct Member { let member: String, name: String, managementTeam: Bool, roles: String }

    let coordinators: String
    let chains: [Chain]
    let members: [Member]

    init(_ report: Responsibilities, format: LocalFormat, link: (String) -> String) {
        coordinators = report.coordinators.joined(separator: ", ")
        chains = report.chains.map { chain in
            Chain(
                name: chain.name,
                history: chain.history.map {
                    Owner(
                        owner: $0.name ?? $0.owner.person, organisation: $0.owner.organisation, since: "\($0.since)",
                        sinceTime: format.time($0.sinceTime), until: $0.until.map(String.init), reason: $0.reason, decision: $0.decision,
                        decisionHref: $0.decision.map { link("/audit/\($0)") })
                },
                kpis: chain.kpis.map { Kpi(kpi: $0.kpi, owner: $0.owner.description, reporters: $0.reporters.joined(separator: ", ")) },
                strategicPins: chain.linkingPins.strategic.map(\.description).joined(separator: ", "),
                departments: chain.linkingPins.departments.map {
                    Department(organisation: $0.organisation, dialogues: $0.dialogues, pins: $0.pins.map(\.description).joined(separator: ", "))
                })
        }
        members = report.members.map {
            Member(
                member: $0.member.description, name: $0.name, managementTeam: $0.managementTeam,
                roles: $0.roles.map { format.catalogue.messages["role_" + $0] ?? $0 }.joined(separator: ", "))
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
        let declines: [Decline]
        let decision: String?
        let decisionHref: String?
        let obligations: [Obligation]
        let commitments: [Commitment]
        let hasCommitments: Bool
    }

    struct Commitment { let party: String, text: String, due: String, result: String, missed: Bool, fulfilledOn: String, note: String? }

    struct Signature { let party: String, version: String, position: String }

    struct Decline { let party: String, version: String, position: String, reason: String }

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

    init(_ report: AgreementsReport, format: LocalFormat, link: (String) -> String) {
        let catalogue = format.catalogue
        agreements = report.agreements.map { agreement in
            Agreement(
                title: agreement.title, state: catalogue["agreement_" + agreement.state.rawValue],
                activeVersion: agreement.activeVersion.map(String.init), latestVersion: "\(agreement.latestVersion)",
                validFrom: format.day(agreement.validFrom), validUntil: format.day(agreement.validUntil),
                terminatedOn: agreement.terminatedOn.map(format.day),
                signatures: agreement.signatures.map { Signature(party: $0.party, version: "\($0.version)", position: "\($0.position)") },
                hasAwaiting: !agreement.awaiting.isEmpty, awaiting: agreement.awaiting.joined(separator: ", "),
                declines: agreement.declines.map {
                    Decline(party: $0.party, version: "\($0.version)", position: "\($0.position)", reason: $0.reason)
                }, decision: agreement.decision, decisionHref: agreement.decision.map { link("/audit/\($0)") },
                obligations: agreement.obligations.map { obligation in
                    Obligation(
                        party: obligation.party, kpi: obligation.kpi, target: format.number(obligation.target), from: format.period(obligation.from),
                        until: format.period(obligation.until), met: "\(obligation.met)", missed: "\(obligation.missed)",
                        missing: "\(obligation.missing)",
                        periods: obligation.periods.map {
                            Period(
                                period: format.period($0.period), value: format.number($0.value),
                                result: catalogue.messages["result_" + $0.result] ?? $0.result)
                        })
                },
                commitments: agreement.commitments.map {
                    Commitment(
                        party: $0.party, text: $0.text, due: format.day($0.due), result: catalogue["result_" + $0.result],
                        missed: $0.result == "missed", fulfilledOn: $0.fulfilledOn.map(format.day) ?? "", note: $0.note)
                }, hasCommitments: !agreement.commitments.isEmpty)
        }
    }
}

/// `decisions.mustache`.
struct DecisionsView {
    struct Chain {
        let chainName: String
        let briefHref: String
        /// "12 monthly dialogues; last held 3 March 2026; next due 8 April 2026".
        let summary: String
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
        let auditHref: String
    }

    /// A KPI or a position that a decision rests on.
    struct Evidence { let kpi: String?, position: String? }

    struct Action { let text: String, owner: String, due: String, doneOn: String?, overdue: Bool }

    /// The strategic dialogues: how many, their decisions and actions.
    struct Strategic { let summary: String, decisions: [Decision], actions: [Action] }

    let chains: [Chain]
    let strategic: Strategic?

    init(_ report: DialoguesReport, names: [String: String], format: LocalFormat, link: (String) -> String) {
        let catalogue = format.catalogue
        func decision(_ decision: DialoguesReport.DecisionRow) -> Decision {
            Decision(
                decision: decision.decision, dialogue: decision.dialogue, decidedBy: decision.decidedBy.description, text: decision.text,
                evidence: decision.evidenceKpis.map { Evidence(kpi: $0, position: nil) }
                    + decision.evidencePositions.map { Evidence(kpi: nil, position: "\($0)") },
                auditHref: link("/audit/\(decision.decision)"))
        }
        func action(_ action: DialoguesReport.ActionRow) -> Action {
            Action(
                text: action.text, owner: action.owner.description, due: format.day(action.due), doneOn: action.doneOn.map(format.day),
                overdue: action.overdue)
        }
        strategic = report.strategic.flatMap { strategic in
            strategic.dialogues.isEmpty
                ? nil
                : Strategic(
                    summary: catalogue.format(
                        "strategic_dialogues_summary",
                        ["count": "\(strategic.dialogues.count)", "last": strategic.heldOn.last.map(format.day) ?? catalogue["never"]]),
                    decisions: strategic.decisions.map(decision), actions: strategic.actions.map(action))
        }
        chains = report.chains.map { chain in
            Chain(
                chainName: names[chain.chain] ?? chain.chain, briefHref: link("/chains/\(chain.chain)/brief"),
                summary: catalogue.format(
                    "dialogues_summary",
                    [
                        "count": "\(chain.dialogues.count)", "cadence": catalogue["cadence_" + chain.cadence.rawValue],
                        "last": chain.lastHeld.map(format.day) ?? catalogue["never"], "due": format.day(chain.nextDue),
                    ]), overdue: chain.overdue,
                decisions: chain.decisions.map(decision), actions: chain.actions.map(action))
        }
    }
}

/// `audit.mustache`.
struct AuditView {
    struct Kpi {
        let kpi: String
        let href: String
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
    let decidedLine: String
    let rationale: String
    let thenNowLine: String
    let kpis: [Kpi]
    let hasCorrections: Bool
    let corrections: [Correction]
    let hasLate: Bool
    let late: [Late]
    let agenda: Agenda?
    let hasReds: Bool
    let reds: [String]

    struct Agenda {
        struct Item {
            let item: String
            let concerns: String

            /// What the item is about, and the KPIs, agreements and actions it points at.
            init(_ item: AgendaItem) {
                self.item = item.item
                concerns = (item.kpis + item.agreements + item.actions).joined(separator: ", ")
            }
        }
        let signed: String
        let items: [Item]
    }

    init(_ audit: DecisionAudit, format: LocalFormat) {
        let catalogue = format.catalogue
        agenda = audit.agenda.map { agenda in
            Agenda(
                signed: catalogue.format(
                    "audit_agenda_signed",
                    [
                        "position": "\(agenda.position)", "recorded": format.time(agenda.recordedAt), "planned": format.day(agenda.plannedOn),
                        "invited": agenda.invited.joined(separator: ", "),
                    ]),
                items: agenda.items.map(Agenda.Item.init))
        }
        hasReds = !audit.redsNotDiscussed.isEmpty
        reds = audit.redsNotDiscussed
        text = audit.decision.text
        decidedLine = catalogue.format(
            "audit_decided",
            [
                "by": audit.decision.decidedBy.description, "dialogue": audit.decision.dialogue, "position": "\(audit.decision.position)",
                "recorded": format.time(audit.decision.recordedAt),
            ])
        rationale = audit.decision.rationale
        thenNowLine = catalogue.format(
            "audit_then_now", ["then": "\(audit.then.size)", "reviewed": "\(audit.reviewedPosition)", "now": "\(audit.now.size)"])
        kpis = audit.kpis.map { kpi in
            Kpi(
                kpi: kpi.kpi, href: "/kpis/\(kpi.kpi)?as_of=\(audit.then.size)", evidence: kpi.evidence, thenPeriod: format.period(kpi.then.period),
                thenValue: format.number(kpi.then.value), thenStatus: StatusView(kpi.then.status), samePeriodNow: format.number(kpi.samePeriodNow),
                samePeriodStatusNow: StatusView(kpi.samePeriodStatusNow), nowPeriod: format.period(kpi.now.period),
                nowValue: format.number(kpi.now.value), nowStatus: StatusView(kpi.now.status))
        }
        hasCorrections = !audit.corrections.isEmpty
        corrections = audit.corrections.map { Correction($0, format) }
        hasLate = !audit.late.isEmpty
        late = audit.late.map { Late($0, format) }
    }
}

extension AuditView.Correction {
    init(_ correction: DecisionAudit.Correction, _ format: LocalFormat) {
        self.init(
            position: "\(correction.position)", recordedAt: format.time(correction.recordedAt), organisation: correction.organisation,
            kpi: correction.kpi, period: format.period(correction.period), previousValue: format.number(correction.previousValue),
            value: format.number(correction.value), reason: correction.reason)
    }
}

extension AuditView.Late {
    init(_ row: MeasurementRow, _ format: LocalFormat) {
        self.init(
            position: "\(row.position)", organisation: row.organisation, kpi: row.kpi, period: format.period(row.period),
            value: format.number(row.value))
    }
}
