import Foundation
import LedgerCore

// The dispatch of each event to its rules, one file per concern: `ChainRules+Coalition.swift`, `+Chains`,
// `+Kpis`, `+Measurements`, `+Agreements` and `+Dialogues`. The state (`ChainState+…`) and the projections
// (`ProjectionApplier+…`) follow the same split.

extension Check {
    /// Checks authorisation and invariants for one decoded event against the state before it.
    func validate(_ event: ChainEvent) throws(LedgerError) {
        switch event {
        case .missionDefined(let mission): try validateMissionDefined(mission)
        case .policySet(let policy): try validatePolicySet(policy)
        case .memberRegistered(let member): try validateMember(member, registering: true)
        case .memberChanged(let member): try validateMember(member, registering: false)
        case .roleGranted(let change): try validateRole(change, granting: true)
        case .roleRevoked(let change): try validateRole(change, granting: false)
        case .chainDefined(let definition): try validateChainDefined(definition)
        case .chainChanged(let definition): try validateChainChanged(definition)
        case .chainOwnerAssigned(let assignment): try validateChainOwnerAssigned(assignment)
        case .chainRetired(let retirement): try validateChainRetired(retirement)
        case .customerValuesSet(let values): try validateCustomerValuesSet(values)
        case .kpiDefined(let definition): try validateKpiDefined(definition)
        case .kpiLinked(let link): try validateKpiLink(link, linking: true)
        case .kpiUnlinked(let link): try validateKpiLink(link, linking: false)
        case .kpiOwnerAssigned(let assignment): try validateKpiOwnerAssigned(assignment)
        case .kpiReportersSet(let change): try validateKpiReportersSet(change)
        case .kpiValuesSet(let change): try validateKpiValuesSet(change)
        case .targetSet(let target): try validateTargetSet(target)
        case .kpiRetired(let retirement): try validateKpiRetired(retirement)
        case .measurementRecorded(let measurement): try validateMeasurement(measurement, correction: false)
        case .measurementCorrected(let measurement): try validateMeasurement(measurement, correction: true)
        case .agreementProposed(let terms): try validateAgreementProposed(terms)
        case .agreementAmended(let terms): try validateAgreementAmended(terms)
        case .agreementSigned(let signature): try validateAgreementSigned(signature)
        case .agreementDeclined(let decline): try validateAgreementDeclined(decline)
        case .agreementTerminated(let termination): try validateAgreementTerminated(termination)
        case .commitmentFulfilled(let fulfilment): try validateCommitmentFulfilled(fulfilment)
        case .dialogueHeld(let dialogue): try validateDialogueHeld(dialogue)
        case .actionCompleted(let completion): try validateActionCompleted(completion)
        case .dialoguePrepared(let preparation): try validateDialoguePrepared(preparation)
        }
    }

    // MARK: - Helpers shared by the concerns

    func requireCoordinator(_ reason: Phrase) throws(LedgerError) {
        guard isCoordinator else { throw refuse(reason) }
    }

    func requireChainOwnerOrCoordinator(_ chain: ChainState.Chain) throws(LedgerError) {
        guard isCoordinator || chain.owner?.organisation == signer else {
            throw refuse(
                "only the owner of chain \(chain.definition.chain) (\(Self.ownerName(chain))) or a coordinator changes it")
        }
    }

    /// The chain owner as a refusal names it: the person, or "none yet".
    static func ownerName(_ chain: ChainState.Chain) -> Phrase {
        chain.owner.map { Phrase(verbatim: $0.description) } ?? Phrase("none yet")
    }

    func requireOrganisation(_ organisation: String) throws(LedgerError) {
        guard registry.organisations[organisation] != nil else {
            throw rule("organisations are members", "\"\(organisation)\" is not a member of the coalition")
        }
    }

    func requireMember(_ person: PersonRef, as what: Phrase) throws(LedgerError) {
        guard state.member(person) != nil else {
            throw rule("people are registered members", "\(what) \(person) is not registered")
        }
    }

    func requireGrain(_ period: Period, of kpi: ChainState.Kpi) throws(LedgerError) {
        guard period.grain == kpi.definition.grain else {
            throw rule(
                "periods fit the KPI's grain",
                "KPI \(kpi.definition.kpi) is measured per \(kpi.definition.grain.rawValue); \(period) is a \(period.grain.rawValue)")
        }
    }

    func requireID(_ field: Phrase, _ value: String) throws(LedgerError) {
        guard DomainIdentifiers.isValid(value) else {
            throw .invalidEvent(index: index, reason: "\(field) \"\(value)\" is not an id (1–64 lowercase letters, digits, hyphens)")
        }
    }

    func requireText(_ field: Phrase, _ value: String, limit: Int) throws(LedgerError) {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= limit else {
            throw .invalidEvent(index: index, reason: "\(field) must hold 1 to \(limit) characters")
        }
    }

    func unique(_ ids: [String], _ what: Phrase) throws(LedgerError) {
        var seen = Set<String>()
        for value in ids {
            try requireID(what, value)
            guard seen.insert(value).inserted else { throw rule("\(what) ids are unique", "\(what) \(value) appears twice") }
        }
    }
}
