import ChainDomain
public import ChainProjections

/// The exported tables of each read model: the same columns for the dashboard's downloads and
/// for the read commands' `--format csv|csv-nl`. Column names are English and stable; ids,
/// periods (`2026-03`), days (`2026-03-31`) and statuses (`green`) are written as the JSON
/// writes them, so that a spreadsheet or a script reads every export alike.
public enum ReportTables {
    /// Every KPI of every tree, a row each.
    public static func kpis(_ trees: [KpiTree]) -> ReportTable {
        kpis("kpis", trees.flatMap { tree in tree.kpis.map { (tree.chain, $0) } })
    }

    /// KPI states, a row each, in a table named `name`.
    static func kpis(_ name: String, _ states: [(chain: String, kpi: KpiState)]) -> ReportTable {
        var table = ReportTable(
            name,
            columns: [
                "chain", "level", "kpi", "name", "step", "unit", "direction", "grain", "period", "value", "provisional", "corrections",
                "target", "red_threshold", "status", "trend", "previous_value", "owner_organisation", "owner_person", "reporters",
                "contributes_to", "goals", "contributors",
            ])
        for (chain, kpi) in states {
            table.add([
                .text(chain), .text(kpi.level.rawValue), .text(kpi.kpi), .text(kpi.name), .text(kpi.step), .text(kpi.unit),
                .text(kpi.direction.rawValue), .text(kpi.grain.rawValue), .text(kpi.period), .number(kpi.value),
                .flag(kpi.observation.contains("P")), .count(kpi.corrections), .number(kpi.target), .number(kpi.red),
                .text(kpi.status.rawValue), .text(kpi.trend.rawValue), .number(kpi.previousValue), .text(kpi.owner.organisation),
                .text(kpi.owner.person), .text(kpi.reporters.joined(separator: " ")), .text(kpi.contributesTo.joined(separator: " ")),
                .text(kpi.goals.joined(separator: " ")),
                .text(kpi.contributors.map { "\($0.kpi):\($0.status.rawValue)" }.joined(separator: " ")),
            ])
        }
        return table
    }

    /// Every value recorded for a KPI, corrections included.
    public static func measurements(_ rows: [MeasurementRow]) -> ReportTable {
        var table = ReportTable(
            "measurements",
            columns: [
                "kpi", "period", "organisation", "value", "status", "source", "note", "position", "recorded_at", "supersedes",
                "superseded_at", "reason",
            ])
        for row in rows {
            table.add([
                .text(row.kpi), .text(row.period), .text(row.organisation), .number(row.value), .text(row.status), .text(row.source),
                .text(row.note), .count(row.position), .text(row.recordedAt), .count(row.supersedes),
                .count(row.supersededAt), .text(row.reason),
            ])
        }
        return table
    }

    /// The chains of the overview: owner, and how many KPIs are in each status.
    public static func chains(_ trees: [KpiTree], _ responsibilities: Responsibilities) -> ReportTable {
        var table = ReportTable(
            "chains",
            columns: ["chain", "name", "parent", "owner_organisation", "owner_person", "kpis", "green", "amber", "red", "no_data", "no_target"])
        for tree in trees {
            let chain = responsibilities.chains.first { $0.chain == tree.chain }
            func count(_ status: String) -> ReportTable.Cell { .count(tree.kpis.count { $0.status.rawValue == status }) }
            table.add([
                .text(tree.chain), .text(tree.name), .text(chain?.parent), .text(chain?.owner?.owner.organisation),
                .text(chain?.owner?.owner.person), .count(tree.kpis.count), count("green"), count("amber"), count("red"), count("no-data"),
                count("no-target"),
            ])
        }
        return table
    }

    /// The coalition's organisations.
    public static func organisations(_ coalition: CoalitionOverview) -> ReportTable {
        var table = ReportTable("organisations", columns: ["organisation", "name", "kind", "coordinator"])
        for organisation in coalition.organisations {
            table.add([.text(organisation.organisation), .text(organisation.name), .text(organisation.kind), .flag(organisation.coordinator)])
        }
        return table
    }

    /// The method's warning signs.
    public static func warnings(_ health: MethodHealth) -> ReportTable { warnings(health.warnings) }

    static func warnings(_ warnings: [MethodHealth.Warning]) -> ReportTable {
        var table = ReportTable("warnings", columns: ["chain", "code", "rule", "subject", "detail"])
        for warning in warnings {
            table.add([.text(warning.chain), .text(warning.code), .text(warning.rule), .text(warning.subject), .text(warning.detail)])
        }
        return table
    }

    /// Who owned each chain, and when.
    public static func owners(_ report: Responsibilities) -> ReportTable {
        var table = ReportTable(
            "owners",
            columns: [
                "chain", "owner_organisation", "owner_person", "name", "management_team", "since_position", "since_time", "until_position",
                "reason", "decision",
            ])
        for chain in report.chains {
            for owner in chain.history {
                table.add([
                    .text(chain.chain), .text(owner.owner.organisation), .text(owner.owner.person), .text(owner.name),
                    owner.managementTeam.map(ReportTable.Cell.flag) ?? "", .count(owner.since), .text(owner.sinceTime),
                    .count(owner.until), .text(owner.reason), .text(owner.decision),
                ])
            }
        }
        return table
    }

    /// Who owns and who reports each KPI.
    public static func kpiOwners(_ report: Responsibilities) -> ReportTable {
        var table = ReportTable("kpi_owners", columns: ["chain", "kpi", "owner_organisation", "owner_person", "reporters"])
        for chain in report.chains {
            for kpi in chain.kpis {
                table.add([
                    .text(chain.chain), .text(kpi.kpi), .text(kpi.owner.organisation), .text(kpi.owner.person),
                    .text(kpi.reporters.joined(separator: " ")),
                ])
            }
        }
        return table
    }

    /// Every table of the responsibilities report.
    public static func responsibilities(_ report: Responsibilities) -> [ReportTable] {
        [owners(report), kpiOwners(report), linkingPins(report), members(report)]
    }

    /// Per chain, who links it to the strategic level and to each partner's department: a row per
    /// linking pin, and a row without a person for a partner's department that has none.
    public static func linkingPins(_ report: Responsibilities) -> ReportTable {
        var table = ReportTable(
            "linking_pins", columns: ["chain", "level", "department", "department_dialogues", "pin_organisation", "pin_person"])
        for chain in report.chains {
            for pin in chain.linkingPins.strategic {
                table.add([.text(chain.chain), "strategic", "", "", .text(pin.organisation), .text(pin.person)])
            }
            for department in chain.linkingPins.departments {
                let pins: [PersonRef?] = department.pins.isEmpty ? [nil] : department.pins
                for pin in pins {
                    table.add([
                        .text(chain.chain), "department", .text(department.organisation), .count(UInt64(department.dialogues)),
                        .text(pin?.organisation), .text(pin?.person),
                    ])
                }
            }
        }
        return table
    }

    /// The members and their roles.
    public static func members(_ report: Responsibilities) -> ReportTable {
        var table = ReportTable("members", columns: ["organisation", "person", "name", "management_team", "roles"])
        for member in report.members {
            table.add([
                .text(member.member.organisation), .text(member.member.person), .text(member.name), .flag(member.managementTeam),
                .text(member.roles.joined(separator: " ")),
            ])
        }
        return table
    }

    /// Each agreement: its state, versions and who has still to sign.
    public static func agreements(_ report: AgreementsReport) -> ReportTable {
        var table = ReportTable(
            "agreements",
            columns: [
                "agreement", "title", "state", "parties", "active_version", "latest_version", "valid_from", "valid_until", "terminated_on",
                "awaiting", "declined_by", "decision",
            ])
        for agreement in report.agreements {
            table.add([
                .text(agreement.agreement), .text(agreement.title), .text(agreement.state.rawValue),
                .text(agreement.parties.joined(separator: " ")), .count(agreement.activeVersion),
                .count(agreement.latestVersion), .text(agreement.validFrom), .text(agreement.validUntil), .text(agreement.terminatedOn),
                .text(agreement.awaiting.joined(separator: " ")),
                .text(agreement.declines.filter { $0.version == agreement.latestVersion }.map(\.party).joined(separator: " ")),
                .text(agreement.decision),
            ])
        }
        return table
    }

    /// Each obligation and how often it was met.
    public static func obligations(_ report: AgreementsReport) -> ReportTable {
        var table = ReportTable(
            "obligations", columns: ["agreement", "party", "kpi", "target", "from", "until", "met", "missed", "no_data"])
        for agreement in report.agreements {
            for obligation in agreement.obligations {
                table.add([
                    .text(agreement.agreement), .text(obligation.party), .text(obligation.kpi), .number(obligation.target),
                    .text(obligation.from), .text(obligation.until), .count(obligation.met), .count(obligation.missed),
                    .count(obligation.missing),
                ])
            }
        }
        return table
    }

    /// Each commitment without a KPI and whether it was kept by its day.
    public static func commitments(_ report: AgreementsReport) -> ReportTable {
        var table = ReportTable(
            "commitments", columns: ["agreement", "commitment", "party", "chain", "text", "due", "result", "fulfilled_on", "position"])
        for agreement in report.agreements {
            for commitment in agreement.commitments {
                table.add([
                    .text(agreement.agreement), .text(commitment.commitment), .text(commitment.party), .text(commitment.chain),
                    .text(commitment.text), .text(commitment.due), .text(commitment.result), .text(commitment.fulfilledOn),
                    .count(commitment.position),
                ])
            }
        }
        return table
    }

    /// Each obligation period by period.
    public static func obligationPeriods(_ report: AgreementsReport) -> ReportTable {
        var table = ReportTable("obligation_periods", columns: ["agreement", "party", "kpi", "period", "target", "value", "result"])
        for agreement in report.agreements {
            for obligation in agreement.obligations {
                for period in obligation.periods {
                    table.add([
                        .text(agreement.agreement), .text(obligation.party), .text(obligation.kpi), .text(period.period),
                        .number(obligation.target), .number(period.value), .text(period.result),
                    ])
                }
            }
        }
        return table
    }

    /// Per chain: the dialogues' rhythm.
    public static func dialogues(_ report: DialoguesReport) -> ReportTable {
        var table = ReportTable("dialogues", columns: ["chain", "cadence", "dialogues", "last_held", "next_due", "overdue"])
        for chain in report.chains {
            table.add([
                .text(chain.chain), .text(chain.cadence.rawValue), .count(chain.dialogues.count), .text(chain.lastHeld),
                .text(chain.nextDue), .flag(chain.overdue),
            ])
        }
        return table
    }

    /// Every decision with its evidence.
    public static func decisions(_ report: DialoguesReport) -> ReportTable {
        var table = ReportTable(
            "decisions",
            columns: [
                "chain", "decision", "dialogue", "position", "recorded_at", "decided_by_organisation", "decided_by_person", "text",
                "rationale", "evidence_kpis", "evidence_positions",
            ])
        // A strategic dialogue's decisions name no chain.
        let decisions = report.chains.flatMap { chain in chain.decisions.map { (chain.chain, $0) } }
        for (chain, decision) in decisions + (report.strategic?.decisions ?? []).map({ ("", $0) }) {
            table.add([
                .text(chain), .text(decision.decision), .text(decision.dialogue), .count(decision.position),
                .text(decision.recordedAt), .text(decision.decidedBy.organisation), .text(decision.decidedBy.person), .text(decision.text),
                .text(decision.rationale), .text(decision.evidenceKpis.joined(separator: " ")),
                .text(decision.evidencePositions.map(String.init).joined(separator: " ")),
            ])
        }
        return table
    }

    /// Every action agreed.
    public static func actions(_ report: DialoguesReport) -> ReportTable {
        actions(report.chains.flatMap { chain in chain.actions.map { (chain.chain, $0) } } + (report.strategic?.actions ?? []).map { ("", $0) })
    }

    static func actions(_ actions: [(chain: String, action: DialoguesReport.ActionRow)]) -> ReportTable {
        var table = ReportTable(
            "actions", columns: ["chain", "action", "dialogue", "owner_organisation", "owner_person", "due", "done_on", "overdue", "text"])
        for (chain, action) in actions {
            table.add([
                .text(chain), .text(action.action), .text(action.dialogue), .text(action.owner.organisation), .text(action.owner.person),
                .text(action.due), .text(action.doneOn), .flag(action.overdue), .text(action.text),
            ])
        }
        return table
    }

    /// A decision's KPIs then and now.
    public static func auditKpis(_ audit: DecisionAudit) -> ReportTable {
        var table = ReportTable(
            "kpis",
            columns: [
                "decision", "kpi", "evidence", "period_then", "value_then", "status_then", "same_period_now", "status_same_period_now",
                "period_now", "value_now", "status_now",
            ])
        for kpi in audit.kpis {
            table.add([
                .text(audit.decision.decision), .text(kpi.kpi), .flag(kpi.evidence), .text(kpi.then.period), .number(kpi.then.value),
                .text(kpi.then.status.rawValue), .number(kpi.samePeriodNow), .text(kpi.samePeriodStatusNow.rawValue), .text(kpi.now.period),
                .number(kpi.now.value), .text(kpi.now.status.rawValue),
            ])
        }
        return table
    }

    /// The corrections since a decision.
    public static func auditCorrections(_ audit: DecisionAudit) -> ReportTable { corrections(audit.corrections) }

    /// Corrections, oldest first.
    static func corrections(_ corrections: [DecisionAudit.Correction]) -> ReportTable {
        var table = ReportTable(
            "corrections", columns: ["position", "recorded_at", "organisation", "kpi", "period", "previous_value", "value", "reason"])
        for correction in corrections {
            table.add([
                .count(correction.position), .text(correction.recordedAt), .text(correction.organisation), .text(correction.kpi),
                .text(correction.period), .number(correction.previousValue), .number(correction.value), .text(correction.reason),
            ])
        }
        return table
    }

    /// Figures recorded after a decision for periods that had ended.
    public static func auditLate(_ audit: DecisionAudit) -> ReportTable {
        var table = measurements(audit.late)
        table = ReportTable("late", columns: table.columns, rows: table.rows)
        return table
    }
}

extension ReportTable {
    init(_ name: String, columns: [String], rows: [[Cell]]) {
        self.init(name, columns: columns)
        for row in rows { add(row) }
    }
}

extension ReportTables {
    /// A KPI period by period: combined value, target, red threshold and each organisation's value.
    public static func periods(_ history: KpiHistory) -> ReportTable {
        var table = ReportTable(
            "periods", columns: ["kpi", "period", "value", "target", "red_threshold", "provisional", "corrected", "organisation_values"])
        for period in history.periods {
            table.add([
                .text(history.kpi), .text(period.period), .number(period.value), .number(period.target), .number(period.red),
                .flag(period.provisional), .flag(period.corrected),
                .text(period.reported.map { "\($0.organisation)=\(ReportTable.plainDecimal($0.value, comma: false))" }.joined(separator: " ")),
            ])
        }
        return table
    }
}
