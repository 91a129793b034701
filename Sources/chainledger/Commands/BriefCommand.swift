import ArgumentParser
import ChainDomain
import ChainPresentation
import ChainProjections

struct BriefCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "brief",
        abstract: "What a chain owner brings to the next performance dialogue, compared with what the previous one reviewed.",
        discussion: """
            KPIs whose status changed since the ledger the previous dialogue reviewed, every red and amber KPI \
            with its contributors, corrections and late figures since that review, open and overdue actions, \
            agreement obligations missed in the periods since, the chain's health warnings, and who should be at \
            the table. Tables for --format csv|csv-nl: status_changes, attention, corrections, late, actions, \
            missed_obligations, commitments, warnings, participants, next_agenda.
            """)
    @OptionGroup var options: ReadOptions

    func validate() throws {
        if options.chain == nil { throw ValidationError("brief needs the chain: --chain CHAIN") }
    }

    func tables(_ brief: DialogueBrief) -> [ReportTable] { ReportTables.brief(brief) }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> DialogueBrief {
        try await models.brief(chain: chain ?? "", asOf: asOf)
    }

    func show(_ brief: DialogueBrief, _ text: CommandText) {
        let local = text.local
        var lines = [text("cli_brief_heading", ["chain": brief.chain, "name": brief.name, "moment": text.moment(brief.moment)])]
        if let previous = brief.previous {
            lines.append(
                text(
                    "brief_previous",
                    [
                        "dialogue": previous.dialogue, "day": local.day(previous.heldOn), "size": "\(previous.reviewed.size)",
                        "reviewed": local.day(previous.reviewed.day),
                    ]))
        } else {
            lines.append(text["brief_no_previous"])
        }
        lines.append(text("brief_next_due", ["due": local.day(brief.nextDue)]) + (brief.overdue ? text["cli_overdue_mark"] : ""))
        if let agenda = brief.nextAgenda {
            lines.append(text("cli_brief_next_agenda", ["preparation": agenda.preparation, "planned": local.day(agenda.plannedOn)]))
            lines += text.agendaLines(agenda.items)
        }
        Terminal.print(lines.joined(separator: "\n") + "\n")

        section(text("cli_brief_status_changes", ["count": "\(brief.statusChanges.count)"]), brief.statusChanges.isEmpty, text) {
            var table = TextTable(text["col_kpi"], text["col_name"], text["col_status_then"], text["col_status_now"])
            for change in brief.statusChanges {
                table.add(
                    change.kpi, change.name,
                    "\(text.word("status_", change.before.rawValue)) (\(local.period(change.periodBefore)): \(text.number(change.valueBefore)))",
                    "\(text.word("status_", change.now.rawValue)) (\(local.period(change.periodNow)): \(text.number(change.valueNow)))")
            }
            return table.text
        }
        section(text("cli_brief_attention", ["count": "\(brief.attention.count)"]), brief.attention.isEmpty, text) {
            var table = TextTable(
                text["col_kpi"], text["col_level"], text["col_period"], text["col_value"], text["col_target"], text["col_status"],
                text["cli_col_contributors"])
            for kpi in brief.attention {
                table.add(
                    kpi.kpi, text.word("level_", kpi.level.rawValue), local.period(kpi.period), text.number(kpi.value), text.number(kpi.target),
                    text.word("status_", kpi.status.rawValue),
                    kpi.contributors.map { "\($0.kpi): \(text.word("status_", $0.status.rawValue))" }.joined(separator: ", "))
            }
            return table.text
        }
        section(text["cli_brief_corrections"], brief.corrections.isEmpty, text) {
            brief.corrections.map { correction in
                text.correctionLine(correction)
            }
            .joined(separator: "\n")
        }
        section(text["cli_brief_late"], brief.late.isEmpty, text) {
            brief.late.map { late in
                text.lateLine(late)
            }
            .joined(separator: "\n")
        }
        section(text("cli_brief_actions", ["count": "\(brief.actions.count)"]), brief.actions.isEmpty, text) {
            var table = TextTable(text["col_action"], text["col_owner"], text["col_due"], text["col_status"], text["col_text"])
            for action in brief.actions {
                table.add(
                    action.action, "\(action.owner)", local.day(action.due), action.overdue ? text["cli_overdue"] : text["open"], action.text)
            }
            return table.text
        }
        section(text("cli_brief_missed", ["count": "\(brief.missedObligations.count)"]), brief.missedObligations.isEmpty, text) {
            var table = TextTable(
                text["col_agreement"], text["col_party"], text["col_kpi"], text["col_period"], text["col_target"], text["col_value"],
                text["col_result"])
            for obligation in brief.missedObligations {
                table.add(
                    obligation.agreement, obligation.party, obligation.kpi, local.period(obligation.period), text.number(obligation.target),
                    text.number(obligation.value), text.word("result_", obligation.result))
            }
            return table.text
        }
        section(text("cli_brief_commitments", ["count": "\(brief.commitments.count)"]), brief.commitments.isEmpty, text) {
            var table = TextTable(
                text["col_agreement"], text["col_commitment"], text["col_party"], text["col_due"], text["col_result"], text["col_text"])
            for commitment in brief.commitments {
                table.add(
                    commitment.agreement, commitment.commitment, commitment.party, local.day(commitment.due),
                    text.word("result_", commitment.result), commitment.text)
            }
            return table.text
        }
        section(text("cli_brief_warnings", ["count": "\(brief.warnings.count)"]), brief.warnings.isEmpty, text) {
            brief.warnings.map { "  " + local.healthDetail($0) }.joined(separator: "\n")
        }
        section(text["cli_brief_participants"], brief.participants.isEmpty, text) {
            var table = TextTable(text["col_organisation"], text["col_roles"], text["col_at_previous"])
            for participant in brief.participants {
                table.add(
                    participant.organisation, participant.roles.map { text.word("brief_role_", $0) }.joined(separator: ", "),
                    brief.previous == nil ? "–" : text.yesNo(participant.atPrevious))
            }
            return table.text
        }
    }

    /// A heading, then `body` or "none".
    private func section(_ heading: String, _ empty: Bool, _ text: CommandText, _ body: () -> String) {
        Terminal.print(empty ? "\(heading): \(text["none"])\n" : "\(heading)\n\(body())\n")
    }
}
