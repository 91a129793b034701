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

        public static func == (lhs: Chain, rhs: Chain) -> Bool {
            lhs.definition == rhs.definition && lhs.owner == rhs.owner && lhs.retired == rhs.retired
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
    }

    public struct Agreement: Sendable, Equatable {
        /// Every version, by number (1 = the proposal).
        public var versions: [Int: AgreementTerms]
        /// Parties that signed each version.
        public var signatures: [Int: Set<String>]
        /// The latest fully signed version.
        public var activeVersion: Int?
        public var terminated: AgreementTerminated?

        public var latestVersion: Int { versions.keys.max() ?? 0 }
    }

    public struct Dialogue: Sendable, Equatable {
        public var held: DialogueHeld
        public var completedActions: Set<String>
    }

    public var mission: MissionDefined?
    public var policy = PolicySet.defaults
    /// Members by `organisation/person`.
    public var members: [String: Member] = [:]
    public var chains: [String: Chain] = [:]
    public var kpis: [String: Kpi] = [:]
    public var agreements: [String: Agreement] = [:]
    public var dialogues: [String: Dialogue] = [:]
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
        case let .missionDefined(mission): applyMissionDefined(mission)
        case let .policySet(policy): applyPolicySet(policy)
        case let .memberRegistered(member), let .memberChanged(member): applyMember(member)
        case let .roleGranted(change): applyRole(change, granted: true)
        case let .roleRevoked(change): applyRole(change, granted: false)
        case let .chainDefined(definition): applyChainDefined(definition, at: position)
        case let .chainChanged(definition): applyChainChanged(definition)
        case let .chainOwnerAssigned(assignment): applyChainOwnerAssigned(assignment, at: position)
        case let .chainRetired(retirement): applyChainRetired(retirement)
        case let .kpiDefined(definition): applyKpiDefined(definition)
        case let .kpiLinked(link): applyKpiLink(link, linked: true)
        case let .kpiUnlinked(link): applyKpiLink(link, linked: false)
        case let .kpiOwnerAssigned(assignment): applyKpiOwnerAssigned(assignment)
        case let .kpiReportersSet(change): applyKpiReportersSet(change)
        case let .targetSet(target): applyTargetSet(target)
        case let .kpiRetired(retirement): applyKpiRetired(retirement)
        // Measurements are checked through their stream versions, not kept in memory.
        case .measurementRecorded, .measurementCorrected: break
        case let .agreementProposed(terms), let .agreementAmended(terms): applyAgreementTerms(terms)
        case let .agreementSigned(signature): applyAgreementSigned(signature)
        case let .agreementTerminated(termination): applyAgreementTerminated(termination)
        case let .dialogueHeld(held): applyDialogueHeld(held)
        case let .actionCompleted(completion): applyActionCompleted(completion)
        }
    }
}
