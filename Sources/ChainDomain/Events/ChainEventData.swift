/// The data of each domain event, as decoded (and upcast) from the signed bytes.

public struct Goal: Sendable, Codable, Equatable {
    public let goal: String
    public let title: String

    public init(goal: String, title: String) {
        self.goal = goal
        self.title = title
    }
}

public struct MissionDefined: Sendable, Codable, Equatable {
    public let mission: String
    public let goals: [Goal]

    public init(mission: String, goals: [Goal]) {
        self.mission = mission
        self.goals = goals
    }
}

public struct PolicySet: Sendable, Codable, Equatable {
    /// At most this many active KPIs per chain (the method says 12 to 15).
    public let kpiLimitPerChain: Int
    /// A KPI not reported within its period plus this many days is stale.
    public let staleGraceDays: Int
    /// A dialogue more than this many days past its cadence is overdue.
    public let dialogueGraceDays: Int

    public static let defaults = PolicySet(kpiLimitPerChain: 15, staleGraceDays: 14, dialogueGraceDays: 7)

    public init(kpiLimitPerChain: Int, staleGraceDays: Int, dialogueGraceDays: Int) {
        self.kpiLimitPerChain = kpiLimitPerChain
        self.staleGraceDays = staleGraceDays
        self.dialogueGraceDays = dialogueGraceDays
    }
}

public struct MemberRegistered: Sendable, Codable, Equatable {
    public let organisation: String
    public let person: String
    /// A name or function title, as the organisation chooses to publish it.
    public let name: String
    /// Whether the person sits in a management team (chain owners must).
    public let managementTeam: Bool
    public let department: String?

    public init(organisation: String, person: String, name: String, managementTeam: Bool, department: String? = nil) {
        self.organisation = organisation
        self.person = person
        self.name = name
        self.managementTeam = managementTeam
        self.department = department
    }
}

public struct RoleChange: Sendable, Codable, Equatable {
    public let organisation: String
    public let person: String
    public let role: Role
    /// The chain or KPI the role is for, when it is for one.
    public let scope: String?
    public let reason: String?

    public init(organisation: String, person: String, role: Role, scope: String? = nil, reason: String? = nil) {
        self.organisation = organisation
        self.person = person
        self.role = role
        self.scope = scope
        self.reason = reason
    }
}

public struct ChainStep: Sendable, Codable, Equatable {
    public let step: String
    public let name: String
    public let organisation: String
    public let department: String?
    /// Whether the customer sees this step.
    public let customerVisible: Bool

    public init(step: String, name: String, organisation: String, department: String? = nil, customerVisible: Bool) {
        self.step = step
        self.name = name
        self.organisation = organisation
        self.department = department
        self.customerVisible = customerVisible
    }
}

public struct ChainDefinition: Sendable, Codable, Equatable {
    public let chain: String
    public let name: String
    /// The customer need the chain starts from.
    public let customerNeed: String
    /// The customer or main stakeholder.
    public let customer: String
    /// The chain this one is a sub-chain of.
    public let parent: String?
    public let partners: [String]
    public let cadence: Cadence
    /// The ordered steps.
    public let steps: [ChainStep]

    public init(chain: String, name: String, customerNeed: String, customer: String, parent: String? = nil, partners: [String], cadence: Cadence, steps: [ChainStep]) {
        self.chain = chain
        self.name = name
        self.customerNeed = customerNeed
        self.customer = customer
        self.parent = parent
        self.partners = partners
        self.cadence = cadence
        self.steps = steps
    }
}

public struct ChainOwnerAssigned: Sendable, Codable, Equatable {
    public let chain: String
    public let owner: PersonRef
    public let reason: String
    /// The decision this assignment carries out, if one was taken.
    public let decision: String?

    public init(chain: String, owner: PersonRef, reason: String, decision: String? = nil) {
        self.chain = chain
        self.owner = owner
        self.reason = reason
        self.decision = decision
    }
}

public struct Retirement: Sendable, Codable, Equatable {
    public let chain: String?
    public let kpi: String?
    public let reason: String

    public init(chain: String? = nil, kpi: String? = nil, reason: String) {
        self.chain = chain
        self.kpi = kpi
        self.reason = reason
    }
}

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

    public init(kpi: String, chain: String, name: String, level: KPILevel, step: String? = nil, unit: String, direction: Direction, grain: Grain, aggregation: Aggregation, owner: PersonRef, reporters: [String], contributesTo: [String], goals: [String]) {
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

public struct KpiLink: Sendable, Codable, Equatable {
    public let kpi: String
    /// A KPI higher up (or at the same level), or…
    public let to: String?
    /// …one of the coalition's goals (result KPIs).
    public let goal: String?

    public init(kpi: String, to: String? = nil, goal: String? = nil) {
        self.kpi = kpi
        self.to = to
        self.goal = goal
    }
}

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

public struct KpiReportersSet: Sendable, Codable, Equatable {
    public let kpi: String
    public let reporters: [String]

    public init(kpi: String, reporters: [String]) {
        self.kpi = kpi
        self.reporters = reporters
    }
}

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

public struct Measurement: Sendable, Codable, Equatable {
    public let kpi: String
    public let period: Period
    public let organisation: String
    public let value: Double
    public let status: ObservationStatus
    /// Where the figure comes from (a system, an export).
    public let source: String
    public let note: String?
    /// The position of the measurement this one replaces (corrections only).
    public let supersedes: UInt64?
    /// Why the figure was corrected (corrections only).
    public let reason: String?
    /// The unit the figure is in, when the reporter states it (it must be the KPI's).
    public let unit: String?

    public init(kpi: String, period: Period, organisation: String, value: Double, status: ObservationStatus, source: String, note: String? = nil, supersedes: UInt64? = nil, reason: String? = nil, unit: String? = nil) {
        self.kpi = kpi
        self.period = period
        self.organisation = organisation
        self.value = value
        self.status = status
        self.source = source
        self.note = note
        self.supersedes = supersedes
        self.reason = reason
        self.unit = unit
    }
}

public struct Obligation: Sendable, Codable, Equatable {
    public let party: String
    public let kpi: String
    /// The value to reach in each period (in the KPI's unit and direction).
    public let target: Double
    public let from: Period
    public let until: Period

    public init(party: String, kpi: String, target: Double, from: Period, until: Period) {
        self.party = party
        self.kpi = kpi
        self.target = target
        self.from = from
        self.until = until
    }
}

public struct AgreementTerms: Sendable, Codable, Equatable {
    public let agreement: String
    /// 1 for the proposal, then one more for each amendment.
    public let version: Int
    public let title: String
    public let terms: String
    public let parties: [String]
    public let obligations: [Obligation]
    public let validFrom: CalendarDate
    public let validUntil: CalendarDate
    /// Why it was amended (amendments only).
    public let reason: String?

    public init(agreement: String, version: Int, title: String, terms: String, parties: [String], obligations: [Obligation], validFrom: CalendarDate, validUntil: CalendarDate, reason: String? = nil) {
        self.agreement = agreement
        self.version = version
        self.title = title
        self.terms = terms
        self.parties = parties
        self.obligations = obligations
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.reason = reason
    }
}

public struct AgreementSigned: Sendable, Codable, Equatable {
    public let agreement: String
    public let version: Int
    public let party: String

    public init(agreement: String, version: Int, party: String) {
        self.agreement = agreement
        self.version = version
        self.party = party
    }
}

public struct AgreementTerminated: Sendable, Codable, Equatable {
    public let agreement: String
    public let reason: String
    public let effective: CalendarDate

    public init(agreement: String, reason: String, effective: CalendarDate) {
        self.agreement = agreement
        self.reason = reason
        self.effective = effective
    }
}

public struct Evidence: Sendable, Codable, Equatable {
    /// Ledger positions the decision refers to (measurements, earlier decisions, …).
    public let positions: [UInt64]
    /// KPIs whose state the decision was based on.
    public let kpis: [String]

    public init(positions: [UInt64], kpis: [String]) {
        self.positions = positions
        self.kpis = kpis
    }
}

public struct Decision: Sendable, Codable, Equatable {
    public let decision: String
    public let text: String
    public let rationale: String
    public let decidedBy: PersonRef
    public let evidence: Evidence

    public init(decision: String, text: String, rationale: String, decidedBy: PersonRef, evidence: Evidence) {
        self.decision = decision
        self.text = text
        self.rationale = rationale
        self.decidedBy = decidedBy
        self.evidence = evidence
    }
}

public struct Action: Sendable, Codable, Equatable {
    public let action: String
    public let text: String
    public let owner: PersonRef
    public let due: CalendarDate

    public init(action: String, text: String, owner: PersonRef, due: CalendarDate) {
        self.action = action
        self.text = text
        self.owner = owner
        self.due = due
    }
}

public struct DialogueHeld: Sendable, Codable, Equatable {
    public let dialogue: String
    public let chain: String
    public let date: CalendarDate
    public let participants: [PersonRef]
    /// The ledger size whose state the dialogue reviewed.
    public let reviewedPosition: UInt64
    public let decisions: [Decision]
    public let actions: [Action]

    public init(dialogue: String, chain: String, date: CalendarDate, participants: [PersonRef], reviewedPosition: UInt64, decisions: [Decision], actions: [Action]) {
        self.dialogue = dialogue
        self.chain = chain
        self.date = date
        self.participants = participants
        self.reviewedPosition = reviewedPosition
        self.decisions = decisions
        self.actions = actions
    }
}

public struct ActionCompleted: Sendable, Codable, Equatable {
    public let dialogue: String
    public let action: String
    public let completedOn: CalendarDate
    public let note: String?

    public init(dialogue: String, action: String, completedOn: CalendarDate, note: String? = nil) {
        self.dialogue = dialogue
        self.action = action
        self.completedOn = completedOn
        self.note = note
    }
}
