import ChainDomain
public import ChainProjections

extension ReportTables {
    /// The brief's tables: `status_changes` first, then `attention`, `corrections`, `late`,
    /// `actions`, `missed_obligations`, `commitments`, `warnings`, `participants` and `next_agenda`.
    public static func brief(_ brief: DialogueBrief) -> [ReportTable] {
        var changes = ReportTable(
            "status_changes",
            columns: ["chain", "kpi", "name", "level", "status_before", "period_before", "value_before", "status_now", "period_now", "value_now"])
        for change in brief.statusChanges {
            changes.add([
                .text(brief.chain), .text(change.kpi), .text(change.name), .text(change.level.rawValue), .text(change.before.rawValue),
                .text(change.periodBefore), .number(change.valueBefore), .text(change.now.rawValue), .text(change.periodNow),
                .number(change.valueNow),
            ])
        }
        let attention = kpis("attention", brief.attention.map { (brief.chain, $0) })
        let late = measurements(brief.late)
        var missed = ReportTable("missed_obligations", columns: ["chain", "agreement", "party", "kpi", "period", "target", "value", "result"])
        for obligation in brief.missedObligations {
            missed.add([
                .text(brief.chain), .text(obligation.agreement), .text(obligation.party), .text(obligation.kpi), .text(obligation.period),
                .number(obligation.target), .number(obligation.value), .text(obligation.result),
            ])
        }
        var commitments = ReportTable(
            "commitments", columns: ["chain", "agreement", "commitment", "party", "text", "due", "result", "fulfilled_on"])
        for commitment in brief.commitments {
            commitments.add([
                .text(brief.chain), .text(commitment.agreement), .text(commitment.commitment), .text(commitment.party), .text(commitment.text),
                .text(commitment.due), .text(commitment.result), .text(commitment.fulfilledOn),
            ])
        }
        var participants = ReportTable("participants", columns: ["chain", "organisation", "roles", "at_previous_dialogue"])
        for participant in brief.participants {
            participants.add([
                .text(brief.chain), .text(participant.organisation), .text(participant.roles.joined(separator: " ")),
                brief.previous == nil ? .text("") : .flag(participant.atPrevious),
            ])
        }
        var agenda = ReportTable("next_agenda", columns: ["chain", "preparation", "planned_on", "item", "kpis", "agreements", "actions"])
        if let next = brief.nextAgenda {
            for item in next.items {
                agenda.add([
                    .text(brief.chain), .text(next.preparation), .text(next.plannedOn), .text(item.item), .text(item.kpis.joined(separator: " ")),
                    .text(item.agreements.joined(separator: " ")), .text(item.actions.joined(separator: " ")),
                ])
            }
        }
        return [
            changes, attention, corrections(brief.corrections), ReportTable("late", columns: late.columns, rows: late.rows),
            actions(brief.actions.map { (brief.chain, $0) }), missed, commitments, warnings(brief.warnings), participants,
            agenda,
        ]
    }
}
