// KPIs as the state keeps them: definitions, links, owners, reporters, the values they measure, targets and
// retirement.

extension ChainState {
    /// A new KPI, with the owner, reporters and links its definition names.
    mutating func applyKpiDefined(_ definition: KpiDefinition) {
        kpis[definition.kpi] = Kpi(
            definition: definition, owner: definition.owner, reporters: definition.reporters,
            contributesTo: Set(definition.contributesTo), goals: Set(definition.goals), targets: [], retired: false)
    }

    /// A link to a KPI or a goal made (`linked`) or removed.
    mutating func applyKpiLink(_ link: KpiLink, linked: Bool) {
        if linked {
            if let to = link.to {
                kpis[link.kpi]?.contributesTo.insert(to)
                kpis[link.kpi]?.hypotheses[to] = link.hypothesis == nil && link.lag == nil ? nil : link
            }
            if let goal = link.goal { kpis[link.kpi]?.goals.insert(goal) }
        } else {
            if let to = link.to {
                kpis[link.kpi]?.contributesTo.remove(to)
                kpis[link.kpi]?.hypotheses[to] = nil
            }
            if let goal = link.goal { kpis[link.kpi]?.goals.remove(goal) }
        }
    }

    mutating func applyKpiOwnerAssigned(_ assignment: KpiOwnerAssigned) {
        kpis[assignment.kpi]?.owner = assignment.owner
    }

    mutating func applyKpiReportersSet(_ change: KpiReportersSet) {
        kpis[change.kpi]?.reporters = change.reporters
    }

    mutating func applyKpiValuesSet(_ change: KpiValuesSet) {
        kpis[change.kpi]?.measures = change.values
    }

    mutating func applyTargetSet(_ target: TargetSet) {
        kpis[target.kpi]?.targets.append(target)
    }

    mutating func applyKpiRetired(_ retirement: Retirement) {
        if let kpi = retirement.kpi { kpis[kpi]?.retired = true }
    }
}
