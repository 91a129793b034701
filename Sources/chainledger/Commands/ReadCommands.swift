import ArgumentParser
import ChainDomain
import ChainProjections
import Foundation
import LedgerCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The KPI tree of each chain: latest value, target, status and trend of every KPI.",
        discussion: "Statuses read green, amber, red, no-data or no-target (in words, not only colour).")
    @OptionGroup var options: ReadOptions

    func run() async throws {
        try await Terminal.run {
            let asOf = try options.moment()
            let models = try await options.readModels()
            let trees = if let chain = options.chain {
                [try await models.kpiTree(chain: chain, asOf: asOf)]
            } else {
                try await models.kpiTrees(asOf: asOf)
            }
            if options.json { return try Show.json(trees) }
            for tree in trees {
                Terminal.print("\(tree.chain) — \(tree.name) (\(Show.moment(tree.moment)))")
                var table = TextTable("level", "kpi", "period", "value", "target", "red", "status", "trend", "contributors", "contributes to")
                for kpi in tree.kpis {
                    table.add(kpi.level.rawValue, kpi.kpi, kpi.period ?? "–",
                              Show.number(kpi.value) + (kpi.observation.contains("P") ? " (P)" : "") + (kpi.corrections > 0 ? " *" : ""),
                              Show.number(kpi.target), Show.number(kpi.red), kpi.status.rawValue, kpi.trend.rawValue,
                              kpi.contributors.map { "\($0.kpi):\($0.status.rawValue)" }.joined(separator: " "),
                              (kpi.contributesTo + kpi.goals).joined(separator: " "))
                }
                Terminal.print(table.text + "\n(P) provisional value   * corrected value\n")
            }
        }
    }
}

struct ResponsibilitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "responsibilities",
        abstract: "Who owns each chain and KPI, who reports what, who is party to which agreement, members' roles — with ownership history.")
    @OptionGroup var options: ReadOptions

    func run() async throws {
        try await Terminal.run {
            let asOf = try options.moment()
            let report = try await options.readModels().responsibilities(chain: options.chain, asOf: asOf)
            if options.json { return try Show.json(report) }
            Terminal.print("Responsibilities \(Show.moment(report.moment)); coordinators: \(report.coordinators.joined(separator: ", "))\n")
            for chain in report.chains {
                Terminal.print("\(chain.chain) — \(chain.name)\(chain.parent.map { " (part of \($0))" } ?? "")")
                var owners = TextTable("owner", "since", "until", "reason", "decision")
                for owner in chain.history {
                    owners.add("\(owner.owner)", "\(owner.since) (\(owner.sinceTime))", owner.until.map(String.init) ?? "now", owner.reason, owner.decision ?? "")
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
            for member in report.members { members.add("\(member.member)", member.name, member.managementTeam ? "yes" : "no", member.roles.joined(separator: ", ")) }
            Terminal.print(members.text)
        }
    }
}

struct AgreementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreements",
        abstract: "Agreements: state, signatures, and per obligation whether it was met, period by period.")
    @OptionGroup var options: ReadOptions

    func run() async throws {
        try await Terminal.run {
            let asOf = try options.moment()
            let report = try await options.readModels().agreements(chain: options.chain, asOf: asOf)
            if options.json { return try Show.json(report) }
            Terminal.print("Agreements \(Show.moment(report.moment))")
            var table = TextTable("agreement", "state", "version", "valid", "awaiting", "obligation", "met", "missed", "no data")
            for agreement in report.agreements {
                let version = agreement.activeVersion.map { "\($0) of \(agreement.latestVersion)" } ?? "– of \(agreement.latestVersion)"
                let valid = "\(agreement.validFrom)…\(agreement.validUntil)"
                if agreement.obligations.isEmpty {
                    table.add(agreement.agreement, agreement.state.rawValue, version, valid, agreement.awaiting.joined(separator: ", "), "(none)", "", "", "")
                }
                for (index, obligation) in agreement.obligations.enumerated() {
                    table.add(index == 0 ? agreement.agreement : "", index == 0 ? agreement.state.rawValue : "", index == 0 ? version : "",
                              index == 0 ? valid : "", index == 0 ? agreement.awaiting.joined(separator: ", ") : "",
                              "\(obligation.party): \(obligation.kpi) \(Show.number(obligation.target)) (\(obligation.from)…\(obligation.until))",
                              "\(obligation.met)", "\(obligation.missed)", "\(obligation.missing)")
                }
            }
            Terminal.print(table.text)
        }
    }
}

struct DecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Per chain: dialogues held and overdue, decisions with their evidence, open and overdue actions.")
    @OptionGroup var options: ReadOptions

    func run() async throws {
        try await Terminal.run {
            let asOf = try options.moment()
            let report = try await options.readModels().dialogues(chain: options.chain, asOf: asOf)
            if options.json { return try Show.json(report) }
            Terminal.print("Dialogues and decisions \(Show.moment(report.moment))\n")
            for chain in report.chains {
                Terminal.print("\(chain.chain): \(chain.dialogues.count) \(chain.cadence.rawValue) dialogues, last \(chain.lastHeld ?? "never"); next due \(chain.nextDue)\(chain.overdue ? " — OVERDUE" : "")")
                var decisions = TextTable("decision", "position", "decided by", "text", "evidence")
                for decision in chain.decisions {
                    decisions.add(decision.decision, "\(decision.position)", "\(decision.decidedBy)", decision.text,
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
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "A decision, the KPIs exactly as the ledger knew them when it was recorded, the same KPIs now, and every correction since.")
    @OptionGroup var ledgerOptions: LedgerOptions
    @Argument(help: ArgumentHelp("The decision id.", valueName: "DECISION")) var decision: String
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: ArgumentHelp("The projections file.", valueName: "FILE")) var projections: String?

    func run() async throws {
        try await Terminal.run {
            let models = try await ReadOptions.projector(ledgerOptions, projections: projections, catchUp: true).readModels
            let audit = try await models.audit(decision: decision)
            if json { return try Show.json(audit) }
            let item = audit.decision
            Terminal.print("""
                Decision \(item.decision) of dialogue \(item.dialogue) on chain \(audit.chain), recorded at position \(item.position) (\(item.recordedAt))
                  "\(item.text)" — decided by \(item.decidedBy)
                  rationale: \(item.rationale)
                  evidence: \((item.evidenceKpis + item.evidencePositions.map { "position \($0)" }).joined(separator: ", "))
                The dialogue reviewed the ledger at size \(audit.reviewedPosition); below, THEN is the ledger at size \(audit.then.size), NOW at size \(audit.now.size).

                """)
            var table = TextTable("kpi", "evidence", "period then", "value then", "status then", "same period now", "status now", "latest now")
            for kpi in audit.kpis {
                table.add(kpi.kpi, kpi.evidence ? "yes" : "", kpi.then.period ?? "–", Show.number(kpi.then.value), kpi.then.status.rawValue,
                          Show.number(kpi.samePeriodNow), kpi.samePeriodStatusNow.rawValue,
                          "\(kpi.now.period ?? "–"): \(Show.number(kpi.now.value)) \(kpi.now.status.rawValue)")
            }
            Terminal.print(table.text)
            Terminal.print("\nCorrections since the decision:" + (audit.corrections.isEmpty ? " none" : ""))
            for correction in audit.corrections {
                Terminal.print("  position \(correction.position) (\(correction.recordedAt)): \(correction.organisation) corrected \(correction.kpi) \(correction.period) from \(Show.number(correction.previousValue)) to \(Show.number(correction.value)) — \(correction.reason)")
            }
            Terminal.print("Late figures (recorded after the decision for periods that had ended):" + (audit.late.isEmpty ? " none" : ""))
            for late in audit.late {
                Terminal.print("  position \(late.position) (\(late.recordedAt)): \(late.organisation) \(late.kpi) \(late.period) = \(Show.number(late.value))")
            }
        }
    }
}

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Method health: the silo warning signs, per chain, each with its rule and what it concerns.")
    @OptionGroup var options: ReadOptions

    func run() async throws {
        try await Terminal.run {
            let asOf = try options.moment()
            let report = try await options.readModels().health(chain: options.chain, asOf: asOf)
            if options.json { return try Show.json(report) }
            Terminal.print("Method health \(Show.moment(report.moment)): \(report.warnings.count) warnings")
            var table = TextTable("chain", "rule", "concerns", "detail")
            for warning in report.warnings { table.add(warning.chain ?? "(coalition)", warning.rule, warning.subject, warning.detail) }
            Terminal.print(table.text)
        }
    }
}

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "The projections' state.",
        subcommands: [Digest.self])

    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the projections up to date and print their position and the content digest of each.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Flag(help: "Print JSON.") var json = false
        @Option(help: ArgumentHelp("The projections file.", valueName: "FILE")) var projections: String?

        func run() async throws {
            try await Terminal.run {
                let projector = try await ReadOptions.projector(ledgerOptions, projections: projections, catchUp: true)
                try await DigestOutput.print(try await projector.digests(), json: json)
            }
        }
    }
}

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild every projection from position 0 and swap it in at once; print the digests.",
        discussion: "Readers (a running server included) go on seeing the old projections until the swap. A progress bar is shown on a terminal, plain progress lines otherwise.")
    @OptionGroup var ledgerOptions: LedgerOptions
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp("The projections file.", valueName: "FILE")) var projections: String?

    func run() async throws {
        try await Terminal.run {
            let projector = try await ReadOptions.projector(ledgerOptions, projections: projections, catchUp: false)
            let onTerminal = isatty(STDERR_FILENO) == 1
            let start = Date()
            let lastTenth = LockedValue(-1)
            try await projector.rebuild { done, total in
                let fraction = total == 0 ? 1 : Double(done) / Double(total)
                if onTerminal {
                    let width = 40, filled = Int(fraction * Double(width))
                    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                    FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
                } else if lastTenth.exchange(Int(fraction * 10)) != Int(fraction * 10) {
                    FileHandle.standardError.write(Data("rebuild: \(done) of \(total) entries\n".utf8))
                }
            }
            if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            let seconds = Date().timeIntervalSince(start)
            let digests = try await projector.digests()
            FileHandle.standardError.write(Data(String(format: "rebuild: %llu entries in %.2f s\n", digests.position, seconds).utf8))
            try await DigestOutput.print(digests, json: json)
        }
    }
}

enum DigestOutput {
    static func print(_ digests: (position: UInt64, digests: [(projection: String, digest: String)]), json: Bool) async throws {
        if json {
            var line = JSONLine()
            line.number("position", digests.position)
            line.raw("projections", "{" + digests.digests.map { "\"\($0.projection)\":\"\($0.digest)\"" }.joined(separator: ",") + "}")
            Terminal.print(line.text)
        } else {
            var table = TextTable("projection", "position", "sha-256")
            for digest in digests.digests { table.add(digest.projection, "\(digests.position)", digest.digest) }
            Terminal.print(table.text)
        }
    }
}

/// A value shared with a progress callback.
final class LockedValue: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int
    init(_ value: Int) { self.value = value }
    func exchange(_ new: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let old = value
        value = new
        return old
    }
}
