import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// The silo warning signs of the method, per chain: each with the rule and what it is about.
public struct MethodHealth: Sendable, Codable, Equatable {
    public struct Warning: Sendable, Codable, Equatable {
        public let chain: String?
        /// The rule's stable name (`chain-owner-in-management-team`, …), for the catalogues.
        public let code: String
        /// The rule in words (English).
        public let rule: String
        public let subject: String
        /// What was found (English).
        public let detail: String
        /// The values the detail names, by name, so that a catalogue can say it in any language.
        public let facts: [String: String]
    }

    public let moment: Moment
    public let warnings: [Warning]
}

extension ReadModels {
    public func health(chain only: String? = nil, asOf: AsOf = .now) async throws -> MethodHealth {
        try await database.read { db in try Self.health(chain: only, moment: try Self.resolve(asOf, db), db) }
    }

    /// Method health at `moment`, of chain `only` or of every chain. `tree` is chain `only`'s KPI
    /// tree at that moment when the caller has it already (the brief), so it is not read twice.
    static func health(chain only: String?, moment: Moment, tree known: KpiTree? = nil, _ db: Database) throws -> MethodHealth {
        let size = Int64(moment.size)
        let policy = try Self.policy(moment, db)
        var warnings: [MethodHealth.Warning] = []
        func warn(_ chain: String?, _ code: String, _ rule: String, _ subject: String, _ detail: String, _ facts: [String: String] = [:]) {
            warnings.append(.init(chain: chain, code: code, rule: rule, subject: subject, detail: detail, facts: facts))
        }
        var members: [String: Bool] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT organisation, person, management_team FROM members WHERE \(current)", arguments: [size, size])
        {
            members["\(row[0] as String)/\(row[1] as String)"] = (row[2] as Int) == 1
        }
        let chainValues = try Self.chainValues(moment, db)
        let chains = try Self.chains(moment, db)
        // Each active chain's owner, and the chains each owner holds, in the order they took them on.
        var owners: [String: PersonRef] = [:]
        var owned: [PersonRef: [(chain: String, position: UInt64)]] = [:]
        let active = Set(chains.map(\.chain))
        for row in try Row.fetchAll(
            db, sql: "SELECT chain, owner_organisation, owner_person, valid_from FROM chain_owners WHERE \(current) ORDER BY valid_from, chain",
            arguments: [size, size]) where active.contains(row["chain"])
        {
            let owner = PersonRef(organisation: row["owner_organisation"], person: row["owner_person"])
            owners[row["chain"]] = owner
            owned[owner, default: []].append((row["chain"], UInt64(row["valid_from"] as Int64)))
        }
        let awaiting = try Self.agreementsAwaitingSignature(moment, db)
        func warnAwaiting(_ chain: String?, _ waiting: AwaitingSignature) {
            let parties = waiting.parties.joined(separator: ", ")
            warn(
                chain, "agreement-signed-in-four-weeks", "agreements are signed within four weeks", waiting.agreement,
                "version \(waiting.version) of agreement \(waiting.agreement) has waited for \(parties) since \(waiting.since)",
                ["agreement": waiting.agreement, "version": "\(waiting.version)", "parties": parties, "since": waiting.since.description])
        }
        for chain in chains where only == nil || chain.chain == only {
            let id = chain.chain
            if let owner = owners[id] {
                let key = "\(owner.organisation)/\(owner.person)"
                if members[key] != true {
                    let since = try Self.since(Self.ownerOutsideManagementTeam(owner, of: id, moment, db), moment: moment, db)
                    warn(
                        id, "owner-in-management-team", "a chain owner sits in a management team", key,
                        "the owner \(key) is not (or no longer) a management-team member, since \(since)",
                        ["owner": key, "since": since.description])
                }
            } else {
                let since = try Self.since(Int64(chain.definedAt), Self.lastOwnerEnded(id, moment, db), moment: moment, db)
                warn(
                    id, "chain-has-owner", "every chain has an owner", id, "chain \(id) has no owner, since \(since)",
                    ["chain": id, "since": since.description])
            }
            if let owner = owners[id], let owned = owned[owner], owned.count > policy.span {
                let since = try Self.day(ofPosition: Int64(owned[policy.span].position), db) ?? moment.day
                warn(
                    id, "owner-span", "one person owns at most \(policy.span) chains", owner.description,
                    "\(owner) owns \(owned.count) chains (\(owned.map(\.chain).joined(separator: ", "))), since \(since)",
                    [
                        "owner": owner.description, "count": "\(owned.count)", "limit": "\(policy.span)",
                        "chains": owned.map(\.chain).joined(separator: ", "), "since": since.description,
                    ])
            }
            let tree = try known.flatMap { $0.chain == id ? $0 : nil } ?? Self.kpiTree(chain: id, moment: moment, db)
            let defined = try Self.definedPositions(of: tree.kpis.map(\.kpi), db)
            if tree.kpis.count > policy.kpiLimitPerChain {
                // From the day the KPI over the limit was defined.
                let order = defined.values.sorted()
                let since = try Self.since(order.count > policy.kpiLimitPerChain ? order[policy.kpiLimitPerChain] : nil, moment: moment, db)
                warn(
                    id, "kpi-limit", "at most \(policy.kpiLimitPerChain) KPIs per chain", id,
                    "the chain has \(tree.kpis.count) active KPIs, since \(since)",
                    ["limit": "\(policy.kpiLimitPerChain)", "count": "\(tree.kpis.count)", "since": since.description])
            }
            for kpi in tree.kpis {
                if kpi.level != .result, kpi.contributesTo.isEmpty {
                    let since = try Self.since(defined[kpi.kpi], Self.lastLinkEnded(kpi.kpi, kind: "kpi", moment, db), moment: moment, db)
                    warn(
                        id, "organogram-kpi", "organogram KPI: contributes to nothing", kpi.kpi,
                        "\(kpi.level.rawValue) KPI \(kpi.kpi) (\(kpi.name)) is linked to no KPI higher up, since \(since)",
                        ["level": kpi.level.rawValue, "kpi": kpi.kpi, "name": kpi.name, "since": since.description])
                }
                if kpi.level == .result, kpi.goals.isEmpty {
                    let since = try Self.since(defined[kpi.kpi], Self.lastLinkEnded(kpi.kpi, kind: "goal", moment, db), moment: moment, db)
                    warn(
                        id, "result-kpi-serves-goal", "result KPIs serve a goal", kpi.kpi,
                        "result KPI \(kpi.kpi) is linked to none of the coalition's goals, since \(since)",
                        ["kpi": kpi.kpi, "name": kpi.name, "since": since.description])
                }
                if let currentPeriod = Period.containing(moment.day, grain: kpi.grain),
                    try Self.target(kpi: kpi.kpi, period: currentPeriod, size: moment.size, db) == nil
                {
                    // From the start of the period, or the KPI's first day if later.
                    let since = max(currentPeriod.days.lowerBound, try Self.since(defined[kpi.kpi], moment: moment, db))
                    warn(
                        id, "kpi-has-target", "KPIs have targets", kpi.kpi, "KPI \(kpi.kpi) has no target for \(currentPeriod), since \(since)",
                        ["kpi": kpi.kpi, "name": kpi.name, "period": currentPeriod.description, "since": since.description])
                }
                let lastReported = kpi.period.flatMap(Period.init)?.days.upperBound
                let staleAfter = (lastReported ?? moment.day.addingDays(-3650)).addingDays(kpi.grain.days + policy.staleGraceDays)
                if staleAfter < moment.day {
                    if let lastReported {
                        warn(
                            id, "kpi-reported-on-time", "KPIs are reported on time", kpi.kpi,
                            "KPI \(kpi.kpi) was last reported for \(kpi.period ?? "") (ended \(lastReported)); stale since \(staleAfter)",
                            [
                                "kpi": kpi.kpi, "name": kpi.name, "period": kpi.period ?? "", "ended": lastReported.description,
                                "since": staleAfter.description,
                            ])
                    } else {
                        let since = try Self.since(defined[kpi.kpi], moment: moment, db)
                        warn(
                            id, "kpi-never-reported", "KPIs are reported on time", kpi.kpi,
                            "KPI \(kpi.kpi) has never been reported, since it was defined on \(since)",
                            ["kpi": kpi.kpi, "name": kpi.name, "since": since.description])
                    }
                }
            }
            if let nested = try Self.nestedKpis(of: id, chains, moment, db) {
                warn(
                    id, "nested-kpi-limit", "at most \(Self.nestedKpiLimit) KPIs across a chain and its nested chains", id,
                    "chain \(id) and the chains nested in it hold \(nested.count) KPIs, since \(nested.since)",
                    ["chain": id, "limit": "\(Self.nestedKpiLimit)", "count": "\(nested.count)", "since": nested.since.description])
            }
            for value in try Self.provisionalNotFinalised(tree.kpis, moment, db) {
                warn(
                    id, "provisional-finalised", "provisional values are finalised within two periods", "\(value.kpi) \(value.period)",
                    "the provisional value of \(value.organisation) for KPI \(value.kpi), \(value.period), is still not final, since \(value.since)",
                    [
                        "kpi": value.kpi, "period": value.period.description, "organisation": value.organisation,
                        "since": value.since.description,
                    ])
            }
            for handOver in try Self.unmeasuredHandOvers(of: id, moment, db) {
                let (from, to) = (handOver.from, handOver.to)
                warn(
                    id, "hand-over-measured", "hand-overs between organisations are measured", "\(from.step) → \(to.step)",
                    "no process KPI of step \(to.step) (\(to.organisation)) measures the hand-over from step \(from.step) (\(from.organisation)), since \(handOver.since)",
                    [
                        "from": from.step, "from_organisation": from.organisation, "to": to.step, "to_organisation": to.organisation,
                        "since": handOver.since.description,
                    ])
            }
            for moved in try Self.movedGoalposts(of: id, moment, db) {
                let red = moved.redPeriods.map(\.description).joined(separator: ", ")
                if moved.kind == "target-lowered", let before = moved.before, let after = moved.after, let from = moved.from {
                    warn(
                        id, "target-lowered-after-red", "targets are not lowered right after red periods", moved.kpi,
                        "the target of KPI \(moved.kpi) from \(from) went from \(before) to \(after) after red periods \(red), since \(moved.since)",
                        [
                            "kpi": moved.kpi, "period": from.description, "before": "\(before)", "after": "\(after)", "red": red,
                            "since": moved.since.description,
                        ])
                } else {
                    warn(
                        id, "kpi-retired-while-red", "KPIs are not retired while red", moved.kpi,
                        "KPI \(moved.kpi) was retired while red in \(red), since \(moved.since)",
                        ["kpi": moved.kpi, "red": red, "since": moved.since.description])
                }
            }
            for reporter in try Self.correctingReporters(tree.kpis.map(\.kpi), moment, db) {
                warn(
                    id, "reporter-corrections", "a reporter corrects at most a tenth of its values", reporter.organisation,
                    "\(reporter.organisation) corrected \(reporter.corrections) of its \(reporter.values) values of the chain's KPIs, since \(reporter.since)",
                    [
                        "organisation": reporter.organisation, "corrections": "\(reporter.corrections)", "values": "\(reporter.values)",
                        "since": reporter.since.description,
                    ])
            }
            for waiting in awaiting where waiting.chains.contains(id) { warnAwaiting(id, waiting) }
            for kpi in tree.kpis where kpi.level == .chain && kpi.measures.isEmpty {
                let since = try Self.since(defined[kpi.kpi], Self.lastValueLinkEnded(kpi.kpi, moment, db), moment: moment, db)
                warn(
                    id, "chain-kpi-measures-value", "chain KPIs measure a customer value", kpi.kpi,
                    "chain KPI \(kpi.kpi) (\(kpi.name)) measures none of the chain's values, since \(since)",
                    ["kpi": kpi.kpi, "name": kpi.name, "since": since.description])
            }
            let measured = Set(tree.kpis.flatMap(\.measures))
            if let values = chainValues[id] {
                for value in values.customer + values.internal where !measured.contains(value.value) {
                    let since = try Self.since(Self.valueUnmeasured(value.value, of: id, moment, db), moment: moment, db)
                    warn(
                        id, "value-measured", "every value is measured", value.value,
                        "no chain KPI measures value \(value.value) (\(value.name)), since \(since)",
                        ["value": value.value, "name": value.name, "since": since.description])
                }
            }
            for link in try Self.questionedLinks(tree, size: moment.size, db) {
                let contributors = link.kpi.contributors.map(\.kpi).joined(separator: ", ")
                let facts = ["kpi": link.kpi.kpi, "name": link.kpi.name, "period": link.period.description, "contributors": contributors]
                if link.contributors == .green {
                    warn(
                        id, "contributors-green-kpi-red", "everyone green, chain red: a link may not hold", link.kpi.kpi,
                        "KPI \(link.kpi.kpi) is red for \(link.period) while \(contributors), which feed it, were all green", facts)
                } else {
                    warn(
                        id, "contributors-red-kpi-green", "everyone red, chain green: a link may not hold", link.kpi.kpi,
                        "KPI \(link.kpi.kpi) is green for \(link.period) while \(contributors), which feed it, were all red", facts)
                }
            }
            for absent in try Self.absentParties(of: chain, moment: moment, db) {
                let roles = absent.party.roles.joined(separator: ", ")
                warn(
                    id, "party-at-dialogues", "partners take part in the chain's dialogues", absent.party.organisation,
                    "\(absent.party.organisation) (\(roles)) took part in none of chain \(id)'s last three dialogues (last \(absent.last?.description ?? "never")), since \(absent.since)",
                    [
                        "organisation": absent.party.organisation, "roles": roles, "last": absent.last?.description ?? "",
                        "since": absent.since.description,
                    ])
            }
            let pins = try Self.linkingPins(of: chain, moment: moment, db)
            if let since = pins.strategicMissingSince {
                warn(
                    id, "linking-pin-strategic", "a chain has a linking pin to the strategic level", id,
                    "no one who took part in one of chain \(id)'s last three dialogues took part in one of the last three strategic dialogues, since \(since)",
                    ["chain": id, "since": since.description])
            }
            if let since = pins.departmentMissingSince {
                warn(
                    id, "linking-pin-department", "a chain has a linking pin to its partners' departments", id,
                    "no one who took part in one of chain \(id)'s last three dialogues took part in one of a partner's last three department dialogues about it, since \(since)",
                    ["chain": id, "since": since.description])
            }
            let dialogues = try Self.dialogues(of: chain, moment: moment, db)
            if dialogues.overdue {
                warn(
                    id, "dialogue-cadence", "performance dialogues keep their cadence", id,
                    "the \(chain.cadence.rawValue) dialogue was due by \(dialogues.nextDue) (last held \(dialogues.lastHeld ?? "never"))",
                    [
                        "cadence": chain.cadence.rawValue, "due": dialogues.nextDue, "last": dialogues.lastHeld ?? "",
                        "since": Self.dayAfter(dialogues.nextDue, moment),
                    ])
            }
            for action in dialogues.actions where action.overdue {
                warn(
                    id, "action-on-time", "actions are done on time", action.action,
                    "action \(action.action) of \(action.owner) was due \(action.due)",
                    [
                        "action": action.action, "owner": action.owner.description, "due": action.due, "text": action.text,
                        "since": Self.dayAfter(action.due, moment),
                    ])
            }
        }
        for (agreement, commitment) in try Self.commitmentsNotKept(moment, db) where only == nil || commitment.chain == only {
            warn(
                commitment.chain, "commitment-kept-on-time", "commitments are kept on time", commitment.commitment,
                "commitment \(commitment.commitment) of \(commitment.party) in agreement \(agreement) was due \(commitment.due): \(commitment.text)",
                [
                    "commitment": commitment.commitment, "party": commitment.party, "agreement": agreement,
                    "due": commitment.due.description, "text": commitment.text, "since": commitment.due.addingDays(1).description,
                ])
        }
        if only == nil {
            for waiting in awaiting where waiting.chains.isEmpty { warnAwaiting(nil, waiting) }
            for (agreement, version) in try Self.agreementsWithoutObligations(moment, db) {
                let since = try Self.since(version, moment: moment, db)
                warn(
                    nil, "agreement-has-obligations", "agreements have measurable obligations", agreement,
                    "agreement \(agreement) binds no party to a KPI target, since \(since)", ["agreement": agreement, "since": since.description])
            }
        }
        return MethodHealth(moment: moment, warnings: warnings)
    }

    /// The commitments read "missed" (`ReadModels.commitments`: the day has passed without
    /// `CommitmentFulfilled`) of the agreements still in force: signed by every party, neither
    /// terminated nor expired. An agreement that has ended keeps its missed commitments in the
    /// agreements report, but no longer warns.
    static func commitmentsNotKept(_ moment: Moment, _ db: Database) throws -> [(agreement: String, commitment: Commitment)] {
        let size = Int64(moment.size)
        let day = moment.day.description
        var missed: [(agreement: String, commitment: Commitment)] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT agreement, active_version FROM agreements WHERE valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)
                  AND active_version IS NOT NULL AND (terminated_on IS NULL OR terminated_on > ?) AND valid_until_day >= ?
                """, arguments: [size, size, day, day])
        {
            let agreement: String = row[0]
            for state in try Self.commitments(agreement: agreement, version: row[1], moment: moment, db) where state.result == "missed" {
                guard let due = CalendarDate(state.due) else { continue }
                missed.append(
                    (agreement, Commitment(commitment: state.commitment, party: state.party, chain: state.chain, text: state.text, due: due)))
            }
        }
        return missed.sorted {
            ($0.commitment.chain, $0.commitment.due, $0.agreement, $0.commitment.commitment) < (
                $1.commitment.chain, $1.commitment.due, $1.agreement, $1.commitment.commitment
            )
        }
    }

    /// Agreements in force whose latest version binds no party to a KPI target, each with the
    /// position of that version.
    static func agreementsWithoutObligations(_ moment: Moment, _ db: Database) throws -> [(String, Int64)] {
        let size = Int64(moment.size)
        return try Row.fetchAll(
            db,
            sql: """
                SELECT a.agreement, (SELECT MIN(v.valid_from) FROM agreements v WHERE v.agreement = a.agreement
                  AND v.latest_version = a.latest_version) FROM agreements a WHERE a.valid_from < ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
                  AND a.terminated_on IS NULL AND a.valid_until_day >= ?
                  AND NOT EXISTS (SELECT 1 FROM obligations o WHERE o.agreement = a.agreement AND o.version = a.latest_version)
                ORDER BY a.agreement
                """, arguments: [size, size, moment.day.description]
        ).map { ($0[0], $0[1]) }
    }

    /// The day after `due` (an ISO day), from which what was due by it is late.
    static func dayAfter(_ due: String, _ moment: Moment) -> String {
        (CalendarDate(due)?.addingDays(1) ?? moment.day).description
    }
}
