public import LedgerCore

/// The rules of integral performance management as the ledger enforces them: who may cause which
/// event, and what must hold for it to be accepted. Plugged into the ledger core as its domain.
///
/// Authorisation (the signing organisation, S):
///
/// | events | who may sign |
/// | --- | --- |
/// | `MissionDefined`, `PolicySet`, `RoleGranted`, `RoleRevoked`, `ChainDefined`, `ChainOwnerAssigned`, `ChainRetired` | a coordinator |
/// | `MemberRegistered`, `MemberChanged` | the member's own organisation or a coordinator |
/// | `ChainChanged`, KPI tree and targets (`Kpi…`, `TargetSet`), `DialogueHeld` (chain level) | the chain owner's organisation or a coordinator |
/// | `DialogueHeld` (department level) | the partner whose department met, or a coordinator |
/// | `DialogueHeld` (strategic level) | a coordinator |
/// | `MeasurementRecorded`, `MeasurementCorrected` | a reporting organisation of the KPI, for itself |
/// | `AgreementProposed`, `AgreementAmended`, `AgreementSigned`, `AgreementDeclined` | a party, for itself |
/// | `AgreementTerminated` | a party or a coordinator |
/// | `CommitmentFulfilled` | the party that made the commitment |
/// | `ActionCompleted` | the action owner's organisation, the chain owner's organisation or a coordinator |
/// | `DialoguePrepared`, `CustomerValuesSet` | the chain owner's organisation |
/// | `KpiValuesSet` | the chain owner's organisation or a coordinator (part of the KPI tree) |
///
/// Organisations of kind `auditor` only read: they sign nothing but their own members.
public struct ChainRules: LedgerDomain {
    public init() {}

    public var stateStreamPrefixes: [String] { ChainStreams.statePrefixes }

    public func initialState() -> ChainState { ChainState() }

    public func streamsToRead(for commit: CommitDocument) -> Set<String> { [] }

    public func apply(_ event: RecordedEvent, to state: inout ChainState) throws(LedgerError) {
        guard ChainEventType(rawValue: event.type) != nil else { return }
        do {
            state.apply(try ChainEvent.decode(event.event), at: event.position)
        } catch {
            throw .corrupted(position: event.position, reason: "unreadable \(event.type): \(error.message)")
        }
    }

    /// Reads one of a commit's events into its typed value and checks that it sits in the stream its
    /// type and ids call for: what needs no state. The core does this for every event of a commit,
    /// on every core for large commits.
    public func prepare(_ event: EventLine, index: Int) throws(LedgerError) -> ChainEvent {
        try Check.read(event, index: index)
    }

    public func validate(
        _ commit: CommitDocument, prepared: [Result<ChainEvent, LedgerError>?], context: ValidationContext, state: ChainState
    ) throws(LedgerError) -> ChainState {
        guard let first = context.events.first?.position else { return state }
        let domainEvents = context.events.filter { !CoreEvent.isCoreStream($0.stream) }
        guard let firstDomainEvent = domainEvents.first else { return state }
        // One check, moved from event to event, so that the state is updated in place.
        var check = Check(index: 0, event: firstDomainEvent, signer: context.signer, registry: context.registry, state: state)
        // Every event must be readable, and an auditor's must be its own members, before any rule
        // is checked: the first event (by index) that is not is refused.
        let signerIsAuditor = context.registry.organisations[context.signer]?.kind == "auditor"
        var decoded: [ChainEvent] = []
        decoded.reserveCapacity(domainEvents.count)
        for recorded in domainEvents {
            check.index = Int(recorded.position - first)
            check.event = recorded
            // The core prepared every event outside its own streams; should it not have, it is read here.
            let result = prepared[check.index] ?? Result { () throws(LedgerError) in try prepare(recorded.event, index: check.index) }
            let event = try result.get()
            if signerIsAuditor { try check.authoriseAuditor(event) }
            decoded.append(event)
        }
        for (recorded, event) in zip(domainEvents, decoded) {
            check.index = Int(recorded.position - first)
            check.event = recorded
            try check.validate(event)
            check.state.apply(event, at: recorded.position)
        }
        return check.state
    }
}

/// The checks for one event of a commit.
struct Check {
    var index: Int
    var event: RecordedEvent
    let signer: String
    let registry: CoalitionRegistry
    var state: ChainState

    var type: String { event.type }

    func refuse(_ reason: Phrase) -> LedgerError {
        .unauthorised(index: index, type: type, organisation: signer, reason: reason)
    }

    func rule(_ name: Phrase, _ detail: Phrase) -> LedgerError {
        .ruleViolation(index: index, rule: name, detail: detail)
    }

    var isCoordinator: Bool { registry.coordinators.contains(signer) }

    /// Reads an event line of the commit (at `index`) into its typed value and checks that it sits
    /// in the stream its type and ids call for. Needs no state.
    static func read(_ line: EventLine, index: Int) throws(LedgerError) -> ChainEvent {
        let type = line.type
        guard let kind = ChainEventType(rawValue: type) else {
            throw .invalidEvent(index: index, reason: "\(type) is not an event of the chain domain (see ChainEventType)")
        }
        guard StreamFamily.of(line.stream) == kind.family else {
            throw .invalidEvent(index: index, reason: "\(type) belongs in a \"\(kind.family.rawValue)…\" stream, not \"\(line.stream)\"")
        }
        let decoded: ChainEvent
        do {
            decoded = try ChainEvent.decode(line)
        } catch {
            throw .invalidEvent(index: index, reason: "\(type): \(error.message)")
        }
        let expected = stream(of: decoded)
        guard line.stream == expected else {
            throw .invalidEvent(index: index, reason: "\(type) for these ids belongs in stream \"\(expected)\", not \"\(line.stream)\"")
        }
        return decoded
    }

    /// Auditors read the ledger: they sign nothing but their own members.
    func authoriseAuditor(_ decoded: ChainEvent) throws(LedgerError) {
        if registry.organisations[signer]?.kind == "auditor", !isOwnMember(decoded) {
            throw refuse("auditors read the ledger; they do not write to it")
        }
    }

    private func isOwnMember(_ event: ChainEvent) -> Bool {
        switch event {
        case .memberRegistered(let member), .memberChanged(let member): member.organisation == signer
        default: false
        }
    }

    /// The stream an event's ids place it in.
    static func stream(of event: ChainEvent) -> String {
        switch event {
        case .missionDefined: ChainStreams.mission
        case .policySet: ChainStreams.policy
        case .memberRegistered(let member), .memberChanged(let member): ChainStreams.member(member.organisation, member.person)
        case .roleGranted(let change), .roleRevoked(let change): ChainStreams.member(change.organisation, change.person)
        case .chainDefined(let chain), .chainChanged(let chain): ChainStreams.chain(chain.chain)
        case .chainOwnerAssigned(let assignment): ChainStreams.chain(assignment.chain)
        case .chainRetired(let retirement): ChainStreams.chain(retirement.chain ?? "")
        case .customerValuesSet(let values): ChainStreams.chain(values.chain)
        case .kpiDefined(let kpi): ChainStreams.kpi(kpi.kpi)
        case .kpiLinked(let link), .kpiUnlinked(let link): ChainStreams.kpi(link.kpi)
        case .kpiOwnerAssigned(let assignment): ChainStreams.kpi(assignment.kpi)
        case .kpiReportersSet(let change): ChainStreams.kpi(change.kpi)
        case .kpiValuesSet(let change): ChainStreams.kpi(change.kpi)
        case .targetSet(let target): ChainStreams.kpi(target.kpi)
        case .kpiRetired(let retirement): ChainStreams.kpi(retirement.kpi ?? "")
        case .measurementRecorded(let measurement), .measurementCorrected(let measurement):
            ChainStreams.measurement(kpi: measurement.kpi, period: measurement.period, organisation: measurement.organisation)
        case .agreementProposed(let terms), .agreementAmended(let terms): ChainStreams.agreement(terms.agreement)
        case .agreementSigned(let signature): ChainStreams.agreement(signature.agreement)
        case .agreementDeclined(let decline): ChainStreams.agreement(decline.agreement)
        case .agreementTerminated(let termination): ChainStreams.agreement(termination.agreement)
        case .commitmentFulfilled(let fulfilment): ChainStreams.agreement(fulfilment.agreement)
        case .dialogueHeld(let dialogue): ChainStreams.dialogue(dialogue.dialogue)
        case .actionCompleted(let completion): ChainStreams.dialogue(completion.dialogue)
        case .dialoguePrepared(let preparation): ChainStreams.dialogue(preparation.preparation)
        }
    }
}
