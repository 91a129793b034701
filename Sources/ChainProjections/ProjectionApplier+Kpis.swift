import ChainDomain
import SQLiteSupport

// The KPIs' tables: their definitions (with owners, reporters and retirement), links (with their hypotheses),
// the chain values they measure, and targets.

extension ProjectionApplier {
    /// A new KPI, with the links its definition names.
    mutating func applyKpiDefined(_ kpi: KpiDefinition, at position: UInt64) throws {
        try run(
            """
            INSERT INTO kpis@ (kpi, chain, name, level, step, unit, direction, grain, aggregation, owner_organisation, owner_person,
            reporters, retired, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, NULL)
            """,
            [
                .text(kpi.kpi), .text(kpi.chain), .text(kpi.name), .text(kpi.level.rawValue), Self.text(kpi.step), .text(kpi.unit),
                .text(kpi.direction.rawValue), .text(kpi.grain.rawValue), .text(kpi.aggregation.rawValue), .text(kpi.owner.organisation),
                .text(kpi.owner.person), Self.json(kpi.reporters), Self.integer(position),
            ])
        for target in kpi.contributesTo {
            try insertLink(kpi.kpi, kind: "kpi", target: target, at: position)
        }
        for goal in kpi.goals {
            try insertLink(kpi.kpi, kind: "goal", target: goal, at: position)
        }
    }

    /// A new link, or a link restated with another hypothesis or lag (its earlier version closed).
    mutating func applyKpiLinked(_ link: KpiLink, at position: UInt64) throws {
        let kind = link.to == nil ? "goal" : "kpi"
        let target = link.to ?? link.goal ?? ""
        if link.hypothesis != nil || link.lag != nil {
            try close("kpi_links", "kpi = ? AND target_kind = ? AND target = ?", [.text(link.kpi), .text(kind), .text(target)], at: position)
        }
        try insertLink(link.kpi, kind: kind, target: target, hypothesis: link.hypothesis, lag: link.lag, at: position)
    }

    mutating func applyKpiUnlinked(_ link: KpiLink, at position: UInt64) throws {
        try close(
            "kpi_links", "kpi = ? AND target_kind = ? AND target = ?",
            [.text(link.kpi), .text(link.to == nil ? "goal" : "kpi"), .text(link.to ?? link.goal ?? "")], at: position)
    }

    /// A link from `kpi` to a KPI (`kind` "kpi") or a goal ("goal").
    private mutating func insertLink(
        _ kpi: String, kind: String, target: String, hypothesis: String? = nil, lag: Int? = nil, at position: UInt64
    ) throws {
        try run(
            "INSERT INTO kpi_links@ (kpi, target_kind, target, valid_from, valid_to, hypothesis, lag) VALUES (?, ?, ?, ?, NULL, ?, ?)",
            [.text(kpi), .text(kind), .text(target), Self.integer(position), Self.text(hypothesis), lag.map { Self.integer($0) } ?? .null])
    }

    /// The chain values the KPI measures, replacing the ones it measured.
    mutating func applyKpiValuesSet(_ change: KpiValuesSet, at position: UInt64) throws {
        try close("kpi_values", "kpi = ?", [.text(change.kpi)], at: position)
        for value in change.values {
            try run(
                "INSERT INTO kpi_values@ (kpi, value, valid_from, valid_to) VALUES (?, ?, ?, NULL)",
                [.text(change.kpi), .text(value), Self.integer(position)])
        }
    }

    mutating func applyKpiOwnerAssigned(_ assignment: KpiOwnerAssigned, at position: UInt64) throws {
        try supersede(
            "kpis", "kpi = ?", [.text(assignment.kpi)],
            changing: [
                "owner_organisation": .text(assignment.owner.organisation), "owner_person": .text(assignment.owner.person),
            ], at: position)
    }

    mutating func applyKpiReportersSet(_ change: KpiReportersSet, at position: UInt64) throws {
        try supersede("kpis", "kpi = ?", [.text(change.kpi)], changing: ["reporters": Self.json(change.reporters)], at: position)
    }

    mutating func applyKpiRetired(_ retirement: Retirement, at position: UInt64) throws {
        guard let kpi = retirement.kpi else { return }
        try supersede("kpis", "kpi = ?", [.text(kpi)], changing: ["retired": .integer(1)], at: position)
    }

    mutating func applyTargetSet(_ target: TargetSet, at position: UInt64) throws {
        try run(
            """
            INSERT INTO targets@ (kpi, from_period, until_period, first_day, last_day, target, red, valid_from)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(target.kpi), .text(target.from.description), Self.text(target.until?.description),
                .text(target.from.days.lowerBound.description), Self.text(target.until?.days.upperBound.description),
                .real(target.target), .real(target.red), Self.integer(position),
            ])
    }
}
