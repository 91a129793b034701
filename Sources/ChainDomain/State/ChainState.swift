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

    /// Folds a (valid) domain event into the state.
    public mutating func apply(_ event: ChainEvent, at position: UInt64) {
        switch event {
        case let .missionDefined(mission):
            self.mission = mission
        case let .policySet(policy):
            self.policy = policy
        case let .memberRegistered(member), let .memberChanged(member):
            let key = "\(member.organisation)/\(member.person)"
            members[key] = Member(registration: member, roles: members[key]?.roles ?? [])
        case let .roleGranted(change):
            members["\(change.organisation)/\(change.person)"]?.roles.insert(RoleKey(role: change.role, scope: change.scope))
        case let .roleRevoked(change):
            members["\(change.organisation)/\(change.person)"]?.roles.remove(RoleKey(role: change.role, scope: change.scope))
        case let .chainDefined(definition):
            chains[definition.chain] = Chain(definition: definition, owner: nil, ownerHistory: [], retired: false, definedAt: position)
        case let .chainChanged(definition):
            chains[definition.chain]?.definition = definition
        case let .chainOwnerAssigned(assignment):
            chains[assignment.chain]?.owner = assignment.owner
            chains[assignment.chain]?.ownerHistory.append((position, assignment))
        case let .chainRetired(retirement):
            if let chain = retirement.chain { chains[chain]?.retired = true }
        case let .kpiDefined(definition):
            kpis[definition.kpi] = Kpi(
                definition: definition, owner: definition.owner, reporters: definition.reporters,
                contributesTo: Set(definition.contributesTo), goals: Set(definition.goals), targets: [], retired: false)
        case let .kpiLinked(link):
            if let to = link.to { kpis[link.kpi]?.contributesTo.insert(to) }
            if let goal = link.goal { kpis[link.kpi]?.goals.insert(goal) }
        case let .kpiUnlinked(link):
            if let to = link.to { kpis[link.kpi]?.contributesTo.remove(to) }
            if let goal = link.goal { kpis[link.kpi]?.goals.remove(goal) }
        case let .kpiOwnerAssigned(assignment):
            kpis[assignment.kpi]?.owner = assignment.owner
        case let .kpiReportersSet(change):
            kpis[change.kpi]?.reporters = change.reporters
        case let .targetSet(target):
            kpis[target.kpi]?.targets.append(target)
        case let .kpiRetired(retirement):
            if let kpi = retirement.kpi { kpis[kpi]?.retired = true }
        case .measurementRecorded, .measurementCorrected:
            break
        case let .agreementProposed(terms), let .agreementAmended(terms):
            var agreement = agreements[terms.agreement] ?? Agreement(versions: [:], signatures: [:], activeVersion: nil, terminated: nil)
            agreement.versions[terms.version] = terms
            agreement.signatures[terms.version] = []
            agreements[terms.agreement] = agreement
        case let .agreementSigned(signature):
            guard var agreement = agreements[signature.agreement] else { return }
            agreement.signatures[signature.version, default: []].insert(signature.party)
            if let terms = agreement.versions[signature.version],
               Set(terms.parties).isSubset(of: agreement.signatures[signature.version] ?? []),
               signature.version > (agreement.activeVersion ?? 0) {
                agreement.activeVersion = signature.version
            }
            agreements[signature.agreement] = agreement
        case let .agreementTerminated(termination):
            agreements[termination.agreement]?.terminated = termination
        case let .dialogueHeld(held):
            dialogues[held.dialogue] = Dialogue(held: held, completedActions: [])
            for decision in held.decisions { decisions[decision.decision] = held.dialogue }
            for action in held.actions { actions[action.action] = held.dialogue }
        case let .actionCompleted(completion):
            dialogues[completion.dialogue]?.completedActions.insert(completion.action)
        }
    }
}
