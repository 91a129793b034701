// The data of the KPI events: definitions, links, owners, reporters and targets (`KpiRetired` carries a
// `Retirement`, in ChainEventData.swift).

/// The data of `KpiDefined`: a KPI of a chain, at its level, with its owner, reporters and links.
public struct KpiDefinition: Sendable, Codable, Equatable {
    public let kpi: String
    public let chain: String
    public let name: String
    public let level: KPILevel
    /// The step a process KPI measures.
    public let step: String?
    public let unit: String
    public let direction: Direction
    public let grain: Grain
    public let aggregation: Aggregation
    public let owner: PersonRef
    /// The organisations that report measurements.
    public let reporters: [String]
    /// KPIs this one contributes to (cause → effect).
    public let contributesTo: [String]
    /// Goals a result KPI serves.
    public let goals: [String]

    public init(
        kpi: String, chain: String, name: String, level: KPILevel, step: String? = nil, unit: String, direction: Direction, grain: Grain,
        aggregation: Aggregation, owner: PersonRef, reporters: [String], contributesTo: [String], goals: [String]
    ) {
        self.kpi = kpi
        self.chain = chain
        self.name = name
        self.level = level
        self.step = step
        self.unit = unit
        self.direction = direction
        self.grain = grain
        self.aggregation = aggregation
        self.owner = owner
        self.reporters = reporters
        self.contributesTo = contributesTo
        self.goals = goals
    }
}

/// The data of `KpiLinked` and `KpiUnlinked`: a KPI's contribution to another KPI or to a goal.
///
/// From `KpiLinked` schema 2 on, a link to a KPI may say why it should hold (`hypothesis`) and after
/// how many periods of the KPI it feeds the effect shows (`lag`). `KpiUnlinked` carries neither.
public struct KpiLink: Sendable, Codable, Equatable {
    public let kpi: String
    /// A KPI higher up (or at the same level), or…
    public let to: String?
    /// …one of the coalition's goals (result KPIs).
    public let goal: String?
    /// Why this KPI should move the one it feeds: one sentence, to be questioned.
    public let hypothesis: String?
    /// The periods (of the fed KPI's grain) after which the effect is expected; 0 when absent.
    public let lag: Int?

    public init(kpi: String, to: String? = nil, goal: String? = nil, hypothesis: String? = nil, lag: Int? = nil) {
        self.kpi = kpi
        self.to = to
        self.goal = goal
        self.hypothesis = hypothesis
        self.lag = lag
    }
}

/// The data of `KpiValuesSet`: the chain's values (`CustomerValuesSet`) a chain KPI measures from now on.
public struct KpiValuesSet: Sendable, Codable, Equatable {
    public let kpi: String
    /// Ids of the chain's customer or internal values.
    public let values: [String]

    public init(kpi: String, values: [String]) {
        self.kpi = kpi
        self.values = values
    }
}

/// The data of `KpiOwnerAssigned`: the member who owns a KPI from now on.
public struct KpiOwnerAssigned: Sendable, Codable, Equatable {
    public let kpi: String
    public let owner: PersonRef
    public let reason: String

    public init(kpi: String, owner: PersonRef, reason: String) {
        self.kpi = kpi
        self.owner = owner
        self.reason = reason
    }
}

/// The data of `KpiReportersSet`: the organisations that report a KPI's measurements from now on.
public struct KpiReportersSet: Sendable, Codable, Equatable {
    public let kpi: String
    public let reporters: [String]

    public init(kpi: String, reporters: [String]) {
        self.kpi = kpi
        self.reporters = reporters
    }
}

/// The data of `TargetSet`: a KPI's target and red threshold from a period on.
public struct TargetSet: Sendable, Codable, Equatable {
    public let kpi: String
    /// First period the target applies to.
    public let from: Period
    /// Last period (open-ended when absent).
    public let until: Period?
    /// Green when met (at least for higher-is-better, at most for lower-is-better).
    public let target: Double
    /// Red beyond this threshold (below it for higher-is-better, above it for lower-is-better);
    /// amber between `red` and `target`.
    public let red: Double

    public init(kpi: String, from: Period, until: Period? = nil, target: Double, red: Double) {
        self.kpi = kpi
        self.from = from
        self.until = until
        self.target = target
        self.red = red
    }
}
