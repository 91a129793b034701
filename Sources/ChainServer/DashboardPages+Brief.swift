import ChainDomain
import ChainPresentation
import ChainProjections

/// `brief.mustache`: what a chain owner brings to the next performance dialogue.
struct BriefView {
    struct Change {
        let href: String
        let name: String
        let before: StatusView
        let beforeValue: String
        let now: StatusView
        let nowValue: String
    }

    struct Attention {
        let href: String
        let name: String
        let level: String
        let period: String
        let value: String
        let target: String
        let status: StatusView
        let contributors: [Contributor]
    }

    struct Contributor {
        let href: String
        let kpi: String
        let status: StatusView
    }

    struct Action { let text: String, owner: String, due: String, overdue: Bool }

    struct Missed { let agreement: String, party: String, kpi: String, period: String, target: String, value: String, result: String }

    struct Commitment { let agreement: String, party: String, text: String, due: String, result: String, missed: Bool }

    struct Participant { let organisation: String, roles: String, atPrevious: String }

    let chainName: String
    let chainHref: String
    let previousLine: String
    let nextDue: String
    let overdue: Bool
    let changes: [Change]
    let hasChanges: Bool
    let attention: [Attention]
    let hasAttention: Bool
    let corrections: [AuditView.Correction]
    let hasCorrections: Bool
    let late: [AuditView.Late]
    let hasLate: Bool
    let actions: [Action]
    let hasActions: Bool
    let missed: [Missed]
    let hasMissed: Bool
    let commitments: [Commitment]
    let hasCommitments: Bool
    let warnings: [String]
    let hasWarnings: Bool
    let participants: [Participant]
    let nextAgenda: AuditView.Agenda?

    /// `names`: the chain's KPI names by id, for the contributors.
    init(_ brief: DialogueBrief, names: [String: String], format: LocalFormat, link: (String) -> String) {
        let catalogue = format.catalogue
        chainName = brief.name
        chainHref = link("/chains/\(brief.chain)")
        if let previous = brief.previous {
            previousLine = catalogue.format(
                "brief_previous",
                [
                    "dialogue": previous.dialogue, "day": format.day(previous.heldOn), "size": "\(previous.reviewed.size)",
                    "reviewed": format.day(previous.reviewed.day),
                ])
        } else {
            previousLine = catalogue["brief_no_previous"]
        }
        nextDue = catalogue.format("brief_next_due", ["due": format.day(brief.nextDue)])
        overdue = brief.overdue
        changes = brief.statusChanges.map { change in
            Change(
                href: link("/kpis/\(change.kpi)"), name: change.name, before: StatusView(change.before),
                beforeValue: "\(format.period(change.periodBefore)): \(format.number(change.valueBefore))", now: StatusView(change.now),
                nowValue: "\(format.period(change.periodNow)): \(format.number(change.valueNow))")
        }
        hasChanges = !changes.isEmpty
        attention = brief.attention.map { kpi in
            Attention(
                href: link("/kpis/\(kpi.kpi)"), name: kpi.name, level: catalogue["level_" + kpi.level.rawValue], period: format.period(kpi.period),
                value: format.value(kpi.value, unit: kpi.unit), target: format.value(kpi.target, unit: kpi.unit), status: StatusView(kpi.status),
                contributors: kpi.contributors.map {
                    Contributor(href: link("/kpis/\($0.kpi)"), kpi: names[$0.kpi] ?? $0.kpi, status: StatusView($0.status))
                })
        }
        hasAttention = !attention.isEmpty
        corrections = brief.corrections.map { AuditView.Correction($0, format) }
        hasCorrections = !corrections.isEmpty
        late = brief.late.map { AuditView.Late($0, format) }
        hasLate = !late.isEmpty
        actions = brief.actions.map { Action(text: $0.text, owner: $0.owner.description, due: format.day($0.due), overdue: $0.overdue) }
        hasActions = !actions.isEmpty
        missed = brief.missedObligations.map {
            Missed(
                agreement: $0.agreement, party: $0.party, kpi: $0.kpi, period: format.period($0.period), target: format.number($0.target),
                value: format.number($0.value), result: catalogue["result_" + $0.result])
        }
        hasMissed = !missed.isEmpty
        commitments = brief.commitments.map {
            Commitment(
                agreement: $0.agreement, party: $0.party, text: $0.text, due: format.day($0.due), result: catalogue["result_" + $0.result],
                missed: $0.result == "missed")
        }
        hasCommitments = !commitments.isEmpty
        warnings = brief.warnings.map { format.healthDetail($0) }
        hasWarnings = !warnings.isEmpty
        nextAgenda = brief.nextAgenda.map { agenda in
            AuditView.Agenda(
                signed: catalogue.format(
                    "brief_next_agenda_signed",
                    ["preparation": agenda.preparation, "position": "\(agenda.position)", "planned": format.day(agenda.plannedOn)]),
                items: agenda.items.map(AuditView.Agenda.Item.init))
        }
        participants = brief.participants.map { participant in
            Participant(
                organisation: participant.organisation,
                roles: participant.roles.map { catalogue["brief_role_" + $0] }.joined(separator: ", "),
                atPrevious: brief.previous == nil ? "–" : catalogue[participant.atPrevious ? "yes" : "no"])
        }
    }
}
