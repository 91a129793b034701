import ArgumentParser
import ChainDomain
import ChainPresentation
import ChainProjections

/// A command that answers one question from the read models: brought up to date, asked for the
/// chain and the moment given, and printed as JSON or as text.
protocol ReadModelCommand: AsyncParsableCommand {
    associatedtype Report: Encodable
    var options: ReadOptions { get }
    /// The answer, from read models that are up to date.
    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> Report
    /// Prints the answer as text.
    func show(_ report: Report)
    /// The answer's tables, for `--format csv|csv-nl` (`ReportTables`).
    func tables(_ report: Report) -> [ReportTable]
}

extension ReadModelCommand {
    func run() async throws {
        let report = try await report(from: options.projectionOptions.readModels(), chain: options.chain, asOf: options.asOf)
        if options.json || options.format == .json { return try Show.json(report) }
        if let dialect = options.format.dialect { return try TableExport.write(tables(report), named: options.table, dialect) }
        show(report)
    }
}

struct StatusCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The KPI tree of each chain: latest value, target, status and trend of every KPI.",
        discussion: "Statuses read green, amber, red, no-data or no-target (in words, not only colour).")
    @OptionGroup var options: ReadOptions

    func tables(_ trees: [KpiTree]) -> [ReportTable] { [ReportTables.kpis(trees)] }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> [KpiTree] {
        if let chain { [try await models.kpiTree(chain: chain, asOf: asOf)] } else { try await models.kpiTrees(asOf: asOf) }
    }

    func show(_ trees: [KpiTree]) {
        for tree in trees {
            Terminal.print("\(tree.chain) — \(tree.name) (\(Show.moment(tree.moment)))")
            var table = TextTable("level", "kpi", "period", "value", "target", "red", "status", "trend", "contributors", "contributes to")
            for kpi in tree.kpis {
                table.add(
                    kpi.level.rawValue, kpi.kpi, kpi.period ?? "–",
                    Show.number(kpi.value) + (kpi.observation.contains("P") ? " (P)" : "") + (kpi.corrections > 0 ? " *" : ""),
                    Show.number(kpi.target), Show.number(kpi.red), kpi.status.rawValue, kpi.trend.rawValue,
                    kpi.contributors.map { "\($0.kpi):\($0.status.rawValue)" }.joined(separator: " "),
                    (kpi.contributesTo + kpi.goals).joined(separator: " "))
            }
            Terminal.print(table.text + "\n(P) provisional value   * corrected value\n")
        }
    }
}

struct ResponsibilitiesCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "responsibilities",
        abstract: "Who owns each chain and KPI, who reports what, who is party to which agreement, members' roles — with ownership history.")
    @OptionGroup var options: ReadOptions

    func tables(_ report: Responsibilities) -> [ReportTable] {
        [ReportTables.owners(report), ReportTables.kpiOwners(report), ReportTables.members(report)]
    }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> Responsibilities {
        try await models.responsibilities(chain: chain, asOf: asOf)
    }

    func show(_ report: Responsibilities) {
        Terminal.print("Responsibilities \(Show.moment(report.moment)); coordinators: \(report.coordinators.joined(separator: ", "))\n")
        for chain in report.chains {
            Terminal.print("\(chain.chain) — \(chain.name)\(chain.parent.map { " (part of \($0))" } ?? "")")
            var owners = TextTable("owner", "since", "until", "reason", "decision")
            for owner in chain.history {
                owners.add(
                    "\(owner.owner)", "\(owner.since) (\(owner.sinceTime))", owner.until.map(String.init) ?? "now", owner.reason, owner.decision ?? ""
                )
            }
            Terminal.print(owners.text)
            var kpis = TextTable("kpi", "owner", "reporters")
            for kpi in chain.kpis { kpis.add(kpi.kpi, "\(kpi.owner)", kpi.reporters.joined(separator: ", ")) }
            Terminal.print(kpis.text)
            if !chain.agreements.isEmpty {
                var parties = TextTable("agreement", "party", "obligations on")
                for party in chain.agreements { parties.add(party.agreement, party.party, party.obligations.joined(separator: ", ")) }
                Terminal.print(parties.text)
            }
            Terminal.print("")
        }
        var members = TextTable("member", "name", "management team", "roles")
        for member in report.members {
            members.add("\(member.member)", member.name, member.managementTeam ? "yes" : "no", member.roles.joined(separator: ", "))
        }
        Terminal.print(members.text)
    }
}

struct AgreementsCommand: ReadModelCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreements",
        abstract: "Agreements: state, signatures, and per obligation whether it was met, period by period.")
    @OptionGroup var options: ReadOptions

    func tables(_ report: AgreementsReport) -> [ReportTable] {
        [ReportTables.agreements(report), ReportTables.obligations(report), ReportTables.obligationPeriods(report)]
    }

    func report(from models: ReadModels, chain: String?, asOf: AsOf) async throws -> AgreementsReport {
        try await models.agreements(chain: chain, asOf: asOf)
    }

    func show(_ report: AgreementsReport) {
        Terminal.print("Agreements \(Show.moment(report.moment))")
        var table = TextTable("agreement", "state", "version", "valid", "awaiting", "obligation", "met", "missed", "no data")
        for agreement in report.agreements {
            let version = agreement.activeVersion.map { "\($0) of \(agreement.latestVersion)" } ?? "– of \(agreement.latestVersion)"
            let valid = "\(agreement.validFrom)…\(agreement.validUntil)"
            if agreement.obligations.isEmpty {
                table.add(
                    agreement.agreement, agreement.state.rawValue, version, valid, agreement.awaiting.joined(separator: ", "), "(none)", "", "", "")
            }
            for (index, obligation) in agreement.obligations.enumerated() {
                table.add(
                    index == 0 ? agreement.agreement : "", index == 0 ? agreement.state.rawValue : "", index == 0 ? version : "",
                    index == 0 ? valid : "", index == 0 ? agreement.awaiting.joined(separator: ", ") : "",
                    "\(obligation.party): \(obligation.kpi) \(Show.number(obligation.target)) (\(obligation.from)…\(obligation.until))",
                    "\(obligation.met)", "\(obligation.missed)", "\(obligation.missing)")
            }
        }
        Terminal.print(table.text)
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

    func show(_ report: DialoguesReport) {
        Terminal.print("Dialogues and decisions \(Show.moment(report.moment))\n")
        for chain in report.chains {
            Terminal.print(
                "\(chain.chain): \(chain.dialogues.count) \(chain.cadence.rawValue) dialogues, last \(chain.lastHeld ?? "never"); next due \(chain.nextDue)\(chain.overdue ? " — OVERDUE" : "")"
            )
            var decisions = TextTable("decision", "position", "decided by", "text", "evidence")
            for decision in chain.decisions {
                decisions.add(
                    decision.decision, "\(decision.position)", "\(decision.decidedBy)", decision.text,
                    (decision.evidenceKpis + decision.evidencePositions.map { "@\($0)" }).joined(separator: " "))
            }
            if !chain.decisions.isEmpty { Terminal.print(decisions.text) }
            var actions = TextTable("action", "owner", "due", "done", "text")
            for action in chain.actions {
                actions.add(action.action, "\(action.owner)", action.due, action.doneOn ?? (action.overdue ? "OVERDUE" : "open"), action.text)
            }
            if !chain.actions.isEmpty { Terminal.print(actions.text) }
            Terminal.print("")
        }
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

    func show(_ report: MethodHealth) {
        Terminal.print("Method health \(Show.moment(report.moment)): \(report.warnings.count) warnings")
        var table = TextTable("chain", "rule", "concerns", "detail")
        for warning in report.warnings { table.add(warning.chain ?? "(coalition)", warning.rule, warning.subject, warning.detail) }
        Terminal.print(table.text)
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "A decision, the KPIs exactly as the ledger knew them when it was recorded, the same KPIs now, and every correction since.")
    @OptionGroup var projectionOptions: ProjectionOptions
    @Argument(help: ArgumentHelp("The decision id.", valueName: "DECISION")) var decision: String
    @Option(help: ArgumentHelp("text, json, csv or csv-nl (see `status --help`).", valueName: "FORMAT")) var format: ReportFormat = .text
    @Option(help: ArgumentHelp("With --format csv or csv-nl: kpis (default), corrections or late.", valueName: "TABLE")) var table: String?
    @Flag(help: "Print JSON instead of a table (the same as --format json).") var json = false

    func run() async throws {
        let audit = try await projectionOptions.readModels().audit(decision: decision)
        if json || format == .json { return try Show.json(audit) }
        if let dialect = format.dialect {
            return try TableExport.write(
                [ReportTables.auditKpis(audit), ReportTables.auditCorrections(audit), ReportTables.auditLate(audit)], named: table, dialect)
        }
        let item = audit.decision
        Terminal.print(
            """
            Decision \(item.decision) of dialogue \(item.dialogue) on chain \(audit.chain), recorded at position \(item.position) (\(item.recordedAt))
              "\(item.text)" — decided by \(item.decidedBy)
              rationale: \(item.rationale)
              evidence: \((item.evidenceKpis + item.evidencePositions.map { "position \($0)" }).joined(separator: ", "))
            The dialogue reviewed the ledger at size \(audit.reviewedPosition); below, THEN is the ledger at size \(audit.then.size), NOW at size \(audit.now.size).

            """)
        var table = TextTable("kpi", "evidence", "period then", "value then", "status then", "same period now", "status now", "latest now")
        for kpi in audit.kpis {
            table.add(
                kpi.kpi, kpi.evidence ? "yes" : "", kpi.then.period ?? "–", Show.number(kpi.then.value), kpi.then.status.rawValue,
                Show.number(kpi.samePeriodNow), kpi.samePeriodStatusNow.rawValue,
                "\(kpi.now.period ?? "–"): \(Show.number(kpi.now.value)) \(kpi.now.status.rawValue)")
        }
        Terminal.print(table.text)
        Terminal.print("\nCorrections since the decision:" + (audit.corrections.isEmpty ? " none" : ""))
        for correction in audit.corrections {
            Terminal.print(
                "  position \(correction.position) (\(correction.recordedAt)): \(correction.organisation) corrected \(correction.kpi) \(correction.period) from \(Show.number(correction.previousValue)) to \(Show.number(correction.value)) — \(correction.reason)"
            )
        }
        Terminal.print("Late figures (recorded after the decision for periods that had ended):" + (audit.late.isEmpty ? " none" : ""))
        for late in audit.late {
            Terminal.print(
                "  position \(late.position) (\(late.recordedAt)): \(late.organisation) \(late.kpi) \(late.period) = \(Show.number(late.value))")
        }
    }
}
