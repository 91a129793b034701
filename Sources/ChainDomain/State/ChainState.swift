/// What the chain domain keeps in memory: everything but measurements (those are checked through
/// their stream versions). Folded from the domain's state streams, in log order.
public struct ChainState: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var registration: MemberRegistered
        public var roles: Set<RoleKey>
    }

    public struct RoleKey: Hashable, Sendable {
        public let role: Role
        public let scope: String?
    }

    public struct Chain: Sendable, Equatable {
        public var definition: ChainDefinition
        public var owner: PersonRef?
        /// Every assignment, oldest first, with its position.
        public var ownerHistory: [(position: UInt64, assignment: ChainOwnerAssigned)]
        public var retired: Bool
        public var definedAt: UInt64
        /// The customer and internal values its owner set last (none until `CustomerValuesSet`).
        public var values: CustomerValuesSet?

        public static func == (lhs: Chain, rhs: Chain) -> Bool {
            lhs.definition == rhs.definition && lhs.owner == rhs.owner && lhs.retired == rhs.retired && lhs.values == rhs.values
                && lhs.ownerHistory.map(\.position) == rhs.ownerHistory.map(\.position)
        }
    }

    public struct Kpi: Sendable, Equatable {
        public var definition: KpiDefinition
        public var owner: PersonRef
        public var reporters: [String]
        /// KPIs this one contributes to.
        public var contributesTo: Set<String>
        public var goals: Set<String>
        public var targets: [TargetSet]
        public var retired: Bool
        /// The chain values it measures (`KpiValuesSet`).
        public var measures: [String] = []
        /// The latest `KpiLinked` to each KPI it feeds that says a hypothesis or a lag, by that KPI.
        public var hypotheses: [String: KpiLink] = [:]
    }

    public struct Agreement: Sendable, Equatable {
        /// Every version, by number (1 = the proposal).
        public var versions: [Int: AgreementTerms]
        /// Parties that signed each version.
        public var signatures: [Int: Set<String>]
        /// Parties that declined each version, with their reasons.
        public var declines: [Int: [String: String]] = [:]
        /// Commitments kept, by id (an amendment that carries one forward keeps it kept).
        public var fulfilled: [String: CommitmentFulfilled] = [:]
        /// The latest fully signed version.
        public var activeVersion: Int?
        public var terminated: AgreementTerminated?

        public var latestVersion: Int { versions.keys.max() ?? 0 }
    }

    public struct Dialogue: Sendable, Equatable {
        public var held: DialogueHeld
        public var completedActions: Set<String>
    }

    public struct Preparation: Sendable, Equatable {
        public var prepared: DialoguePrepared
        public var citedBy: String?
    }

    public var mission: MissionDefined?
    public var policy = PolicySet.defaults
    /// Members by `organisation/person`.
    public var members: [String: Member] = [:]
    public var chains: [String: Chain] = [:]
    public var kpis: [String: Kpi] = [:]
    public var agreements: [String: Agreement] = [:]
    public var dialogues: [String: Dialogue] = [:]
    /// Every dialogue preparation, and the dialogue that cited it (nil until one did).
    public var preparations: [String: Preparation] = [:]
    /// Every decision id, with its dialogue.
    public var decisions: [String: String] = [:]
    /// Every action id, with its dialogue.
    public var actions: [String: String] = [:]

    public init() {}

    public func member(_ person: PersonRef) -> Member? {
        members["\(person.organisation)/\(person.person)"]
    }

    /// Active KPIs of a chain.
    public func activeKpis(of chain: String) -> [Kpi] {
        kpis.values.filter { $0.definition.chain == chain && !$0.retired }
    }

    /// Folds a (valid) domain event into the state. One file per concern (`ChainState+Coalition.swift`,
    /// `+Chains`, `+Kpis`, `+Agreements`, `+Dialogues`), as the rules (`ChainRules+…`) are split.
    public mutating func apply(_ event: ChainEvent, at position: UInt64) {
        switch event {
        case .missionDefined(let mission): applyMissionDefined(mission)
        case .policySet(let policy): applyPolicySet(policy)
        case .memberRegistered(let member), .memberChanged(let member): applyMember(member)
        case .roleGranted(let change): applyRole(change, granted: true)
        case .roleRevoked(let change): applyRole(change, granted: false)
        case .chainDefined(let definition): applyChainDefined(definition, at: position)
        case .chainChanged(let definition): applyChainChanged(definition)
        case .chainOwnerAssigned(let assignment): applyChainOwnerAssigned(assignment, at: position)
        case .chainRetired(let retirement): applyChainRetired(retirement)
        case .customerValuesSet(let values): applyCustomerValuesSet(values)
        case .kpiDefined(let definition): applyKpiDefined(definition)
        case .kpiLinked(let link): applyKpiLink(link, linked: true)
        case .kpiUnlinked(let link): applyKpiLink(link, linked: false)
        case .kpiOwnerAssigned(let assignment): applyKpiOwnerAssigned(assignment)
        case .kpiReportersSet(let change): applyKpiReportersSet(change)
        case .kpiValuesSet(let change): applyKpiValuesSet(change)
        case .targetSet(let target): applyTargetSet(target)
        case .kpiRetired(let retirement): applyKpiRetired(retirement)
        // Measurements are checked through their stream versions, not kept in memory.
        case .measurementRecorded, .measurementCorrected: break
        case .agreementProposed(let terms), .agreementAmended(let terms): applyAgreementTerms(terms)
        case .agreementSigned(let signature): applyAgreementSigned(signature)
        case .agreementDeclined(let decline): agreements[decline.agreement]?.declines[decline.version, default: [:]][decline.party] = decline.reason
        case .agreementTerminated(let termination): applyAgreementTerminated(termination)
        case .commitmentFulfilled(let fulfilment): agreements[fulfilment.agreement]?.fulfilled[fulfilment.commitment] = fulfilment
        case .dialogueHeld(let held): applyDialogueHeld(held)
        case .actionCompleted(let completion): applyActionCompleted(completion)
        case .dialoguePrepared(let preparation): applyDialoguePrepared(preparation)
        }
    }
}
