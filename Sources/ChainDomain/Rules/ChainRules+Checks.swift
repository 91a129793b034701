import Foundation
import LedgerCore

// The dispatch of each event to its rules, one file per concern: `ChainRules+Coalition.swift`, `+Chains`,
// `+Kpis`, `+Measurements`, `+Agreements` and `+Dialogues`. The state (`ChainState+…`) and the projections
// (`ProjectionApplier+…`) follow the same split.

extension Check {
    /// Checks authorisation and invariants for one decoded event against the state before it.
    func validate(_ event: ChainEvent) throws(LedgerError) {
        switch event {
        case let .missionDefined(mission): try validateMissionDefined(mission)
        case let .policySet(policy): try validatePolicySet(policy)
        case let .memberRegistered(member): try validateMember(member, registering: true)
        case let .memberChanged(member): try validateMember(member, registering: false)
        case let .roleGranted(change): try validateRole(change, granting: true)
        case let .roleRevoked(change): try validateRole(change, granting: false)
        case let .chainDefined(definition): try validateChainDefined(definition)
        case let .chainChanged(definition): try validateChainChanged(definition)
        case let .chainOwnerAssigned(assignment): try validateChainOwnerAssigned(assignment)
        case let .chainRetired(retirement): try validateChainRetired(retirement)
        case let .kpiDefined(definition): try validateKpiDefined(definition)
        case let .kpiLinked(link): try validateKpiLink(link, linking: true)
        case let .kpiUnlinked(link): try validateKpiLink(link, linking: false)
        case let .kpiOwnerAssigned(assignment): try validateKpiOwnerAssigned(assignment)
        case let .kpiReportersSet(change): try validateKpiReportersSet(change)
        case let .targetSet(target): try validateTargetSet(target)
        case let .kpiRetired(retirement): try validateKpiRetired(retirement)
        case let .measurementRecorded(measurement): try validateMeasurement(measurement, correction: false)
        case let .measurementCorrected(measurement): try validateMeasurement(measurement, correction: true)
        case let .agreementProposed(terms): try validateAgreementProposed(terms)
        case let .agreementAmended(terms): try validateAgreementAmended(terms)
        case let .agreementSigned(signature): try validateAgreementSigned(signature)
        case let .agreementTerminated(termination): try validateAgreementTerminated(termination)
        case let .dialogueHeld(dialogue): try validateDialogueHeld(dialogue)
        case let .actionCompleted(completion): try validateActionCompleted(completion)
        }
    }

    // MARK: - Helpers shared by the concerns

    func requireCoordinator(_ reason: String) throws(LedgerError) {
        guard isCoordinator else { throw refuse(reason) }
    }

    func requireChainOwnerOrCoordinator(_ chain: ChainState.Chain) throws(LedgerError) {
        guard isCoordinator || chain.owner?.organisation == signer else {
            throw refuse("only the owner of chain \(chain.definition.chain) (\(chain.owner.map(\.description) ?? "none yet")) or a coordinator changes it")
        }
    }

    func requireOrganisation(_ organisation: String) throws(LedgerError) {
        guard registry.organisations[organisation] != nil else {
            throw rule("organisations are members", "\"\(organisation)\" is not a member of the coalition")
        }
    }

    func requireMember(_ person: PersonRef, as what: String) throws(LedgerError) {
        guard state.member(person) != nil else {
            throw rule("people are registered members", "\(what) \(person) is not registered")
        }
    }

    func requireGrain(_ period: Period, of kpi: ChainState.Kpi) throws(LedgerError) {
        guard period.grain == kpi.definition.grain else {
            throw rule("periods fit the KPI's grain", "KPI \(kpi.definition.kpi) is measured per \(kpi.definition.grain.rawValue); \(period) is a \(period.grain.rawValue)")
        }
    }

    func id(_ field: String, _ value: String) throws(LedgerError) {
        guard DomainIdentifiers.isValid(value) else {
            throw .invalidEvent(index: index, reason: "\(field) \"\(value)\" is not an id (1–64 lowercase letters, digits, hyphens)")
        }
    }

    func text(_ field: String, _ value: String, limit: Int) throws(LedgerError) {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= limit else {
            throw .invalidEvent(index: index, reason: "\(field) must hold 1 to \(limit) characters")
        }
    }

    func unique(_ ids: [String], _ what: String) throws(LedgerError) {
        var seen = Set<String>()
        for value in ids {
            try id(what, value)
            guard seen.insert(value).inserted else { throw rule("\(what) ids are unique", "\(what) \(value) appears twice") }
        }
    }
}
