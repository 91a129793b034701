import LedgerCore

// The rules of KPIs: their definitions, links (with their hypotheses), owners, reporters, the values they
// measure and targets, set by the chain's owner or a coordinator.

extension Check {
    /// `KpiDefined`: a new KPI of an active chain, within the policy's limit per chain.
    func validateKpiDefined(_ definition: KpiDefinition) throws(LedgerError) {
        let chain = try requireNew("KPI", field: "kpi", id: definition.kpi, on: definition.chain)
        try requireText("name", definition.name, limit: 200)
        try requireText("unit", definition.unit, limit: 40)
        switch (definition.level, definition.step) {
        case (.process, nil):
            throw rule("process KPIs belong to a step", "process KPI \(definition.kpi) names no step")
        case (.process, let step?):
            guard chain.definition.steps.contains(where: { $0.step == step }) else {
                throw rule("process KPIs belong to a step", "chain \(chain.definition.chain) has no step \"\(step)\"")
            }
        case (_, _?):
            throw rule("only process KPIs belong to a step", "\(definition.level.rawValue) KPI \(definition.kpi) names a step")
        default: break
        }
        try requireMember(definition.owner, as: "KPI owner")
        try validateReporters(definition.reporters, chain: chain)
        let active = state.activeKpis(of: chain.definition.chain).count
        guard active < state.policy.kpiLimitPerChain else {
            throw rule(
                "at most \(state.policy.kpiLimitPerChain) KPIs per chain",
                "chain \(chain.definition.chain) already has \(active) active KPIs")
        }
        for target in definition.contributesTo { try validateLink(from: definition.kpi, level: definition.level, to: target) }
        for goal in definition.goals { try validateGoalLink(level: definition.level, goal: goal) }
    }

    /// `KpiLinked` (`linking`) and `KpiUnlinked`: a link to a KPI or a goal, made once, removed only when it
    /// exists. A link to a KPI may carry a hypothesis and a lag; a `KpiLinked` that restates an existing
    /// link changes them.
    func validateKpiLink(_ link: KpiLink, linking: Bool) throws(LedgerError) {
        let kpi = try existingKpi(link.kpi)
        try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
        guard (link.to == nil) != (link.goal == nil) else {
            throw .invalidEvent(index: index, reason: "\(type) names either a KPI (\"to\") or a goal, not both or neither")
        }
        let linked = link.to.map(kpi.contributesTo.contains) ?? link.goal.map(kpi.goals.contains) ?? false
        let claims = link.hypothesis != nil || link.lag != nil
        if !linking {
            guard linked else { throw rule("only existing links are removed", "\(link.kpi) has no such link") }
        } else {
            if claims { try validateHypothesis(link) }
            if linked {
                guard claims, let to = link.to else { throw rule("links are made once", "\(link.kpi) is already linked there") }
                guard kpi.hypotheses[to] != link else {
                    throw rule("links are made once", "\(link.kpi) is already linked to \(to) with this hypothesis and lag")
                }
            }
            if !linked, let to = link.to { try validateLink(from: link.kpi, level: kpi.definition.level, to: to) }
            if let goal = link.goal { try validateGoalLink(level: kpi.definition.level, goal: goal) }
        }
    }

    /// A link's hypothesis (one sentence) and lag (0 to 24 periods), on a link to a KPI only.
    private func validateHypothesis(_ link: KpiLink) throws(LedgerError) {
        guard link.to != nil else {
            throw rule("hypotheses belong to links between KPIs", "the link of \(link.kpi) to goal \(link.goal ?? "") carries a hypothesis or lag")
        }
        if let hypothesis = link.hypothesis { try requireText("hypothesis", hypothesis, limit: 300) }
        if let lag = link.lag, !(0...Self.longestLag).contains(lag) {
            throw rule("a lag is 0 to \(Self.longestLag) periods", "the link of \(link.kpi) has a lag of \(lag)")
        }
    }

    /// The longest lag a link may expect, in periods of the KPI it feeds.
    static let longestLag = 24

    /// `KpiValuesSet`: the values a chain KPI measures, among its chain's values.
    func validateKpiValuesSet(_ change: KpiValuesSet) throws(LedgerError) {
        let kpi = try existingKpi(change.kpi)
        let chain = try existingChain(kpi.definition.chain)
        try requireChainOwnerOrCoordinator(chain)
        guard kpi.definition.level == .chain else {
            throw rule(
                "chain KPIs measure the chain's values", "\(kpi.definition.level.rawValue) KPI \(change.kpi) is not a chain KPI")
        }
        try unique(change.values, "value")
        let values = Set(chain.values?.all.map(\.value) ?? [])
        for value in change.values where !values.contains(value) {
            throw rule("chain KPIs measure the chain's values", "chain \(chain.definition.chain) has no value \(value)")
        }
    }

    /// `KpiOwnerAssigned`: a registered member owns the KPI from now on.
    func validateKpiOwnerAssigned(_ assignment: KpiOwnerAssigned) throws(LedgerError) {
        let kpi = try existingKpi(assignment.kpi)
        try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
        try requireMember(assignment.owner, as: "KPI owner")
        try requireText("reason", assignment.reason, limit: 500)
    }

    /// `KpiReportersSet`: the KPI's reporters, partners of its chain.
    func validateKpiReportersSet(_ change: KpiReportersSet) throws(LedgerError) {
        let kpi = try existingKpi(change.kpi)
        let chain = try existingChain(kpi.definition.chain)
        try requireChainOwnerOrCoordinator(chain)
        try validateReporters(change.reporters, chain: chain)
    }

    /// `TargetSet`: periods of the KPI's grain, thresholds in its direction.
    func validateTargetSet(_ target: TargetSet) throws(LedgerError) {
        let kpi = try existingKpi(target.kpi)
        try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
        try requireGrain(target.from, of: kpi)
        if let until = target.until {
            try requireGrain(until, of: kpi)
            guard target.from <= until else { throw rule("periods run forward", "target from \(target.from) until \(until)") }
        }
        guard target.target.isFinite, target.red.isFinite, kpi.definition.direction.meets(target.target, target.red) else {
            throw rule(
                "thresholds follow the KPI's direction",
                kpi.definition.direction == .higher
                    ? "for higher-is-better the red threshold (\(target.red)) lies at or below the target (\(target.target))"
                    : "for lower-is-better the red threshold (\(target.red)) lies at or above the target (\(target.target))")
        }
    }

    /// `KpiRetired`: the chain's owner or a coordinator retires a KPI.
    func validateKpiRetired(_ retirement: Retirement) throws(LedgerError) {
        let kpi = try existingKpi(retirement.kpi ?? "")
        try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
        try requireText("reason", retirement.reason, limit: 500)
    }

    // MARK: - Helpers

    func existingKpi(_ id: String) throws(LedgerError) -> ChainState.Kpi {
        guard let kpi = state.kpis[id] else { throw rule("KPIs exist", "KPI \(id) does not exist") }
        guard !kpi.retired else { throw rule("retired KPIs stay as they are", "KPI \(id) is retired") }
        return kpi
    }

    func validateReporters(_ reporters: [String], chain: ChainState.Chain) throws(LedgerError) {
        guard !reporters.isEmpty else { throw rule("KPIs have reporters", "no reporting organisation named") }
        for reporter in reporters where !chain.definition.partners.contains(reporter) {
            throw rule("reporters are chain partners", "\(reporter) is not a partner of chain \(chain.definition.chain)")
        }
    }

    /// Links run from cause to effect: up a level or along it (process → chain → result), never
    /// down, never in a cycle.
    func validateLink(from source: String, level: KPILevel, to target: String) throws(LedgerError) {
        guard target != source else { throw rule("links run without cycles", "KPI \(source) cannot contribute to itself") }
        let destination = try existingKpi(target)
        guard destination.definition.level >= level else {
            throw rule(
                "links run upward", "\(level.rawValue) KPI \(source) cannot contribute to \(destination.definition.level.rawValue) KPI \(target)")
        }
        var stack = [target]
        var seen = Set<String>()
        while let current = stack.popLast() {
            guard current != source else {
                throw rule("links run without cycles", "linking \(source) to \(target) closes a cycle")
            }
            if seen.insert(current).inserted { stack += state.kpis[current]?.contributesTo ?? [] }
        }
    }

    func validateGoalLink(level: KPILevel, goal: String) throws(LedgerError) {
        guard level == .result else { throw rule("only result KPIs serve goals", "a \(level.rawValue) KPI cannot link to goal \(goal)") }
        guard state.mission?.goals.contains(where: { $0.goal == goal }) == true else {
            throw rule("goals exist", "goal \(goal) is not among the coalition's goals")
        }
    }
}
