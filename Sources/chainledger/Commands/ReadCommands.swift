import ArgumentParser
import ChainDomain
import ChainPresentation
import ChainProjections

/// A command that answers one question from the read models: brought up to date, asked for the
/// chain and the moment given, and printed as JSON or as text.
protocol ReadModelCommand: AsyncParsableCommand, SpeaksLanguage {
    associatedtype Report: Encodable
    var options: ReadOptions { get }
    /// The answer, from read models that are up to date.
    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> Report
    /// Prints the answer as text, in the language of `text`.
    func show(_ report: Report, _ text: CommandText)
    /// The answer's tables, for `--format csv|csv-nl` (`ReportTables`).
    func tables(_ report: Report) -> [ReportTable]
}

extension ReadModelCommand {
    var languageOption: LanguageOption { options.languageOption }

    func run() async throws {
        let report = try await report(from: options.projectionOptions.readModels(), chain: options.chain, asOf: options.asOf)
        if options.json || options.format == .json { return try Show.json(report) }
        if let dialect = options.format.dialect { return try TableExport.write(tables(report), named: options.table, dialect) }
        show(report, options.languageOption.text)
    }
}

struct StatusCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The KPI tree of each chain: latest value, target, status and trend of every KPI.",
        discussion: "Statuses are written in words (green, amber, red, no data, no target), not only as colour.")
    @OptionGroup var options: ReadOptions

    func tables(_ trees: [KpiTree]) -> [ReportTable] { [ReportTables.kpis(trees)] }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> [KpiTree] {
        if let chain { [try await models.kpiTree(chain: chain, asOf: asOf)] } else { try await models.kpiTrees(asOf: asOf) }
    }

    func show(_ trees: [KpiTree], _ text: CommandText) {
        for tree in trees {
            Terminal.print("\(tree.chain) — \(tree.name) (\(text.moment(tree.moment)))")
            var table = TextTable(
                text["col_level"], text["col_kpi"], text["col_period"], text["col_value"], text["col_target"], text["col_red"],
                text["col_status"], text["col_trend"], text["cli_col_contributors"], text["cli_col_contributes_to"])
            for kpi in tree.kpis {
                table.add(
                    text.word("level_", kpi.level.rawValue), kpi.kpi, text.local.period(kpi.period),
                    text.number(kpi.value) + (kpi.observation.contains("P") ? " " + text["cli_mark_provisional"] : "")
                        + (kpi.corrections > 0 ? " *" : ""),
                    text.number(kpi.target), text.number(kpi.red), text.word("status_", kpi.status.rawValue),
                    text.word("trend_", kpi.trend.rawValue),
                    kpi.contributors.map { "\($0.kpi): \(text.word("status_", $0.status.rawValue))" }.joined(separator: ", "),
                    (kpi.contributesTo + kpi.goals).joined(separator: ", "))
            }
            Terminal.print(table.text + "\n" + text["cli_status_legend"] + "\n")
        }
    }
}

struct ResponsibilitiesCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "responsibilities",
        abstract: "Who owns each chain and KPI, who reports what, who is party to which agreement, members' roles — with ownership history.")
    @OptionGroup var options: ReadOptions

    func tables(_ report: Responsibilities) -> [ReportTable] { ReportTables.responsibilities(report) }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> Responsibilities {
        try await models.responsibilities(chain: chain, asOf: asOf)
    }

    func show(_ report: Responsibilities, _ text: CommandText) {
        Terminal.print(
            text(
                "cli_responsibilities_heading",
                ["moment": text.moment(report.moment), "coordinators": report.coordinators.joined(separator: ", ")]) + "\n")
        for chain in report.chains {
            Terminal.print("\(chain.chain) — \(chain.name)\(chain.parent.map { " (\(text["part_of"]) \($0))" } ?? "")")
            var owners = TextTable(text["col_owner"], text["cli_col_since"], text["col_until"], text["col_reason"], text["col_decision"])
            for owner in chain.history {
                owners.add(
                    "\(owner.owner)", "\(owner.since) (\(text.local.time(owner.sinceTime)))", owner.until.map(String.init) ?? text["now"],
                    owner.reason, owner.decision ?? "")
            }
            Terminal.print(owners.text)
            var kpis = TextTable(text["col_kpi"], text["col_owner"], text["col_reported_by"])
            for kpi in chain.kpis { kpis.add(kpi.kpi, "\(kpi.owner)", kpi.reporters.joined(separator: ", ")) }
            Terminal.print(kpis.text)
            if !chain.agreements.isEmpty {
                var parties = TextTable(text["col_agreement"], text["col_party"], text["cli_col_obligations_on"], text["cli_col_commitments"])
                for party in chain.agreements {
                    parties.add(party.agreement, party.party, party.obligations.joined(separator: ", "), party.commitments.joined(separator: ", "))
                }
                Terminal.print(parties.text)
            }
            var pins = TextTable(text["col_level"], text["col_department"], text["col_department_dialogues"], text["col_linking_pins"])
            pins.add(text.word("steering_", "strategic"), "", "", chain.linkingPins.strategic.map(\.description).joined(separator: ", "))
            for department in chain.linkingPins.departments {
                pins.add(
                    text.word("steering_", "department"), department.organisation, "\(department.dialogues)",
                    department.pins.map(\.description).joined(separator: ", "))
            }
            Terminal.print(pins.text)
            Terminal.print("")
        }
        var members = TextTable(text["col_member"], text["col_name"], text["col_management_team"], text["col_roles"])
        for member in report.members {
            members.add(
                "\(member.member)", member.name, text.yesNo(member.managementTeam),
                member.roles.map { text.messages.messages["role_" + $0] ?? $0 }.joined(separator: ", "))
        }
        Terminal.print(members.text)
    }
}

struct AgreementsCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreements",
        abstract: "Agreements: state, signatures, per obligation whether it was met, period by period, and per commitment whether it was kept.")
    @OptionGroup var options: ReadOptions

    func tables(_ report: AgreementsReport) -> [ReportTable] {
        [
            ReportTables.agreements(report), ReportTables.obligations(report), ReportTables.obligationPeriods(report),
            ReportTables.commitments(report),
        ]
    }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> AgreementsReport {
        try await models.agreements(chain: chain, asOf: asOf)
    }

    func show(_ report: AgreementsReport, _ text: CommandText) {
        Terminal.print(text("cli_agreements_heading", ["moment": text.moment(report.moment)]))
        var table = TextTable(
            text["col_agreement"], text["cli_col_state"], text["version"], text["valid"], text["cli_col_awaiting"],
            text["cli_col_obligation"], text["col_met"], text["col_missed"], text["col_no_data"])
        for agreement in report.agreements {
            let version = text(
                "cli_version_of", ["version": agreement.activeVersion.map(String.init) ?? "–", "latest": "\(agreement.latestVersion)"])
            let valid = "\(text.local.day(agreement.validFrom)) – \(text.local.day(agreement.validUntil))"
            let state = text.word("agreement_", agreement.state.rawValue)
            if agreement.obligations.isEmpty {
                table.add(agreement.agreement, state, version, valid, agreement.awaiting.joined(separator: ", "), "(\(text["none"]))", "", "", "")
            }
            for (index, obligation) in agreement.obligations.enumerated() {
                let first = index == 0
                table.add(
                    first ? agreement.agreement : "", first ? state : "", first ? version : "", first ? valid : "",
                    first ? agreement.awaiting.joined(separator: ", ") : "",
                    "\(obligation.party): \(obligation.kpi) \(text.number(obligation.target)) "
                        + "(\(text.local.period(obligation.from)) – \(text.local.period(obligation.until)))",
                    "\(obligation.met)", "\(obligation.missed)", "\(obligation.missing)")
            }
        }
        Terminal.print(table.text)
        let promised = report.agreements.flatMap { agreement in agreement.commitments.map { (agreement.agreement, $0) } }
        guard !promised.isEmpty else { return }
        var commitments = TextTable(
            text["col_agreement"], text["col_commitment"], text["col_party"], text["col_due"], text["col_result"], text["col_fulfilled_on"],
            text["col_text"])
        for (agreement, commitment) in promised {
            commitments.add(
                agreement, commitment.commitment, commitment.party, text.local.day(commitment.due), text.word("result_", commitment.result),
                commitment.fulfilledOn.map(text.local.day) ?? "", commitment.text)
        }
        Terminal.print("\n\(text["commitments"])\n\(commitments.text)")
    }
}

struct DecisionsCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Per chain: dialogues held and overdue, decisions with their evidence, open and overdue actions.")
    @OptionGroup var options: ReadOptions

    func tables(_ report: DialoguesReport) -> [ReportTable] {
        [ReportTables.dialogues(report), ReportTables.decisions(report), ReportTables.actions(report)]
    }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> DialoguesReport {
        try await models.dialogues(chain: chain, asOf: asOf)
    }

    func show(_ report: DialoguesReport, _ text: CommandText) {
        Terminal.print(text("cli_dialogues_heading", ["moment": text.moment(report.moment)]) + "\n")
        for chain in report.chains {
            Terminal.print(
                text(
                    "cli_dialogues_line",
                    [
                        "chain": chain.chain, "count": "\(chain.dialogues.count)", "cadence": text.word("cadence_", chain.cadence.rawValue),
                        "last": chain.lastHeld.map(text.local.day) ?? text["never"], "due": text.local.day(chain.nextDue),
                    ]) + (chain.overdue ? text["cli_overdue_mark"] : ""))
            show(chain.decisions, chain.actions, text)
        }
        if let strategic = report.strategic, !strategic.dialogues.isEmpty {
            Terminal.print(
                text(
                    "strategic_dialogues_summary",
                    ["count": "\(strategic.dialogues.count)", "last": strategic.heldOn.last.map(text.local.day) ?? text["never"]]))
            show(strategic.decisions, strategic.actions, text)
        }
    }

    private func show(_ decisionRows: [DialoguesReport.DecisionRow], _ actionRows: [DialoguesReport.ActionRow], _ text: CommandText) {
        var decisions = TextTable(text["col_decision"], text["col_position"], text["col_decided_by"], text["col_text"], text["col_evidence"])
        for decision in decisionRows {
            decisions.add(
                decision.decision, "\(decision.position)", "\(decision.decidedBy)", decision.text,
                (decision.evidenceKpis + decision.evidencePositions.map { "@\($0)" }).joined(separator: " "))
        }
        if !decisionRows.isEmpty { Terminal.print(decisions.text) }
        var actions = TextTable(text["col_action"], text["col_owner"], text["col_due"], text["col_done"], text["col_text"])
        for action in actionRows {
            let done = action.doneOn.map(text.local.day) ?? (action.overdue ? text["cli_overdue"] : text["open"])
            actions.add(action.action, "\(action.owner)", text.local.day(action.due), done, action.text)
        }
        if !actionRows.isEmpty { Terminal.print(actions.text) }
        Terminal.print("")
    }
}

struct HealthCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Method health: the silo warning signs, per chain, each with its rule and what it concerns.")
    @OptionGroup var options: ReadOptions

    func tables(_ report: MethodHealth) -> [ReportTable] { [ReportTables.warnings(report)] }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> MethodHealth {
        try await models.health(chain: chain, asOf: asOf)
    }

    func show(_ report: MethodHealth, _ text: CommandText) {
        Terminal.print(text("cli_health_heading", ["moment": text.moment(report.moment), "count": "\(report.warnings.count)"]))
        var table = TextTable(text["col_chain"], text["col_rule"], text["col_concerns"], text["col_detail"])
        for warning in report.warnings {
            table.add(
                warning.chain ?? "(\(text["coalition"]))", text.local.healthRule(warning), warning.subject, text.local.healthDetail(warning))
        }
        Terminal.print(table.text)
    }
}

struct AuditCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "A decision, the KPIs exactly as the ledger knew them when it was recorded, the same KPIs now, and every correction since.")
    @OptionGroup var projectionOptions: ProjectionOptions
    @Argument(help: ArgumentHelp("The decision id.", valueName: "DECISION")) var decision: String
    @Option(help: ArgumentHelp("text, json, csv or csv-nl (see `status --help`).", valueName: "FORMAT")) var format: ReportFormat = .text
    @Option(help: ArgumentHelp("With --format csv or csv-nl: kpis (default), corrections or late.", valueName: "TABLE")) var table: String?
    @Flag(help: "Print JSON instead of a table (the same as --format json).") var json = false
    @OptionGroup var languageOption: LanguageOption

    func run() async throws {
        let audit = try await projectionOptions.readModels().audit(decision: decision)
        if json || format == .json { return try Show.json(audit) }
        if let dialect = format.dialect {
            return try TableExport.write(
                [ReportTables.auditKpis(audit), ReportTables.auditCorrections(audit), ReportTables.auditLate(audit)], named: table, dialect)
        }
        show(audit, languageOption.text)
    }

    private func show(_ audit: DecisionAudit, _ text: CommandText) {
        let item = audit.decision
        let evidence = item.evidenceKpis + item.evidencePositions.map { text("cli_position", ["position": "\($0)"]) }
        Terminal.print(
            [
                text(
                    audit.chain == nil ? "cli_audit_heading_strategic" : "cli_audit_heading",
                    [
                        "decision": item.decision, "dialogue": item.dialogue, "chain": audit.chain ?? "", "position": "\(item.position)",
                        "recorded": text.local.time(item.recordedAt),
                    ]),
                text("cli_audit_decided_by", ["text": item.text, "by": "\(item.decidedBy)"]),
                text("cli_audit_rationale", ["rationale": item.rationale]),
                text("cli_audit_evidence", ["evidence": evidence.joined(separator: ", ")]),
                text("cli_audit_then_now", ["reviewed": "\(audit.reviewedPosition)", "then": "\(audit.then.size)", "now": "\(audit.now.size)"]),
                "",
            ].joined(separator: "\n"))
        var table = TextTable(
            text["col_kpi"], text["col_evidence"], text["col_period_then"], text["col_value_then"], text["col_status_then"],
            text["col_same_period_now"], text["col_status_now"], text["col_latest_now"])
        for kpi in audit.kpis {
            table.add(
                kpi.kpi, kpi.evidence ? text["yes"] : "", text.local.period(kpi.then.period), text.number(kpi.then.value),
                text.word("status_", kpi.then.status.rawValue), text.number(kpi.samePeriodNow),
                text.word("status_", kpi.samePeriodStatusNow.rawValue),
                "\(text.local.period(kpi.now.period)): \(text.number(kpi.now.value)) \(text.word("status_", kpi.now.status.rawValue))")
        }
        Terminal.print(table.text)
        Terminal.print("\n" + text["cli_audit_corrections"] + (audit.corrections.isEmpty ? " " + text["none"] : ""))
        for correction in audit.corrections {
            Terminal.print(
                text.correctionLine(correction))
        }
        if let agenda = audit.agenda {
            Terminal.print(
                "\n"
                    + text(
                        "cli_audit_agenda",
                        ["preparation": agenda.preparation, "position": "\(agenda.position)", "planned": text.local.day(agenda.plannedOn)]))
            for line in text.agendaLines(agenda.items) { Terminal.print(line) }
            Terminal.print(text("cli_audit_invited", ["invited": agenda.invited.joined(separator: ", ")]))
        } else {
            Terminal.print("\n" + text["cli_audit_no_agenda"])
        }
        Terminal.print(
            text["cli_audit_reds_not_discussed"] + " "
                + (audit.redsNotDiscussed.isEmpty ? text["none"] : audit.redsNotDiscussed.joined(separator: ", ")))
        Terminal.print(text["cli_audit_late"] + (audit.late.isEmpty ? " " + text["none"] : ""))
        for late in audit.late {
            Terminal.print(
                text.lateLine(late))
        }
    }
}
