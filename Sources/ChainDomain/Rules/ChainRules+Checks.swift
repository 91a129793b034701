import LedgerCore

extension Check {
    /// Checks authorisation and invariants for one decoded event against the state before it.
    func validate(_ event: ChainEvent) throws(LedgerError) {
        switch event {
        case let .missionDefined(mission):
            try requireCoordinator("only coordinators set the coalition's mission and goals")
            try text("mission", mission.mission, limit: 1000)
            guard (1...10).contains(mission.goals.count) else {
                throw rule("a few goals", "a mission has 1 to 10 goals, not \(mission.goals.count)")
            }
            try unique(mission.goals.map(\.goal), "goal")
            for goal in mission.goals { try text("goal title", goal.title, limit: 200) }

        case let .policySet(policy):
            try requireCoordinator("only coordinators set the coalition's policy")
            guard (1...50).contains(policy.kpiLimitPerChain), (0...366).contains(policy.staleGraceDays),
                  (0...92).contains(policy.dialogueGraceDays)
            else { throw rule("policy within bounds", "the KPI limit runs from 1 to 50, grace periods from 0 days") }

        case let .memberRegistered(member), let .memberChanged(member):
            guard member.organisation == signer || isCoordinator else {
                throw refuse("an organisation registers its own members (or a coordinator does)")
            }
            try requireOrganisation(member.organisation)
            try id("person", member.person)
            try text("name", member.name, limit: 120)
            if case .memberRegistered = event, self.event.version != 1 {
                throw rule("members are registered once", "\(member.person) of \(member.organisation) is already registered")
            }
            if case .memberChanged = event, state.member(PersonRef(organisation: member.organisation, person: member.person)) == nil {
                throw rule("only registered members change", "\(member.person) of \(member.organisation) is not registered")
            }

        case let .roleGranted(change), let .roleRevoked(change):
            try requireCoordinator("only coordinators grant and revoke roles")
            let person = PersonRef(organisation: change.organisation, person: change.person)
            guard let member = state.member(person) else {
                throw rule("roles go to registered members", "\(person) is not registered")
            }
            if let scope = change.scope {
                guard state.chains[scope] != nil || state.kpis[scope] != nil else {
                    throw rule("role scopes exist", "\"\(scope)\" is neither a chain nor a KPI")
                }
            }
            let key = ChainState.RoleKey(role: change.role, scope: change.scope)
            if case .roleGranted = event, member.roles.contains(key) {
                throw rule("roles are granted once", "\(person) already holds \(change.role.rawValue)")
            }
            if case .roleRevoked = event, !member.roles.contains(key) {
                throw rule("only held roles are revoked", "\(person) does not hold \(change.role.rawValue)")
            }

        case let .chainDefined(definition):
            try requireCoordinator("only coordinators define chains")
            guard self.event.version == 1 else { throw rule("chain ids are unique", "chain \(definition.chain) already exists") }
            try validateChain(definition)

        case let .chainChanged(definition):
            let chain = try existingChain(definition.chain)
            try requireChainOwnerOrCoordinator(chain)
            try validateChain(definition)

        case let .chainOwnerAssigned(assignment):
            try requireCoordinator("only coordinators assign chain owners")
            let chain = try existingChain(assignment.chain)
            guard let member = state.member(assignment.owner) else {
                throw rule("owners are registered members", "\(assignment.owner) is not registered")
            }
            guard member.registration.managementTeam else {
                throw rule("a chain owner sits in a management team", "\(assignment.owner) is not a management-team member")
            }
            guard chain.definition.partners.contains(assignment.owner.organisation) else {
                throw rule("a chain owner works for a partner", "\(assignment.owner.organisation) is not a partner of chain \(chain.definition.chain)")
            }
            guard chain.owner != assignment.owner else {
                throw rule("ownership changes hands", "\(assignment.owner) already owns chain \(chain.definition.chain)")
            }
            try text("reason", assignment.reason, limit: 500)
            if let decision = assignment.decision, state.decisions[decision] == nil {
                throw rule("decisions referred to exist", "decision \(decision) is not in the ledger")
            }

        case let .chainRetired(retirement):
            try requireCoordinator("only coordinators retire chains")
            _ = try existingChain(retirement.chain ?? "")
            try text("reason", retirement.reason, limit: 500)

        case let .kpiDefined(definition):
            let chain = try existingChain(definition.chain)
            try requireChainOwnerOrCoordinator(chain)
            guard self.event.version == 1 else { throw rule("KPI ids are unique", "KPI \(definition.kpi) already exists") }
            try id("kpi", definition.kpi)
            try text("name", definition.name, limit: 200)
            try text("unit", definition.unit, limit: 40)
            switch (definition.level, definition.step) {
            case (.process, nil):
                throw rule("process KPIs belong to a step", "process KPI \(definition.kpi) names no step")
            case let (.process, step?):
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
                throw rule("at most \(state.policy.kpiLimitPerChain) KPIs per chain",
                           "chain \(chain.definition.chain) already has \(active) active KPIs")
            }
            for target in definition.contributesTo { try validateLink(from: definition.kpi, level: definition.level, to: target) }
            for goal in definition.goals { try validateGoalLink(level: definition.level, goal: goal) }

        case let .kpiLinked(link), let .kpiUnlinked(link):
            let kpi = try existingKpi(link.kpi)
            try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
            guard (link.to == nil) != (link.goal == nil) else {
                throw .invalidEvent(index: index, reason: "\(type) names either a KPI (\"to\") or a goal, not both or neither")
            }
            let linked = link.to.map(kpi.contributesTo.contains) ?? link.goal.map(kpi.goals.contains) ?? false
            if case .kpiUnlinked = event {
                guard linked else { throw rule("only existing links are removed", "\(link.kpi) has no such link") }
            } else {
                guard !linked else { throw rule("links are made once", "\(link.kpi) is already linked there") }
                if let to = link.to { try validateLink(from: link.kpi, level: kpi.definition.level, to: to) }
                if let goal = link.goal { try validateGoalLink(level: kpi.definition.level, goal: goal) }
            }

        case let .kpiOwnerAssigned(assignment):
            let kpi = try existingKpi(assignment.kpi)
            try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
            try requireMember(assignment.owner, as: "KPI owner")
            try text("reason", assignment.reason, limit: 500)

        case let .kpiReportersSet(change):
            let kpi = try existingKpi(change.kpi)
            let chain = try existingChain(kpi.definition.chain)
            try requireChainOwnerOrCoordinator(chain)
            try validateReporters(change.reporters, chain: chain)

        case let .targetSet(target):
            let kpi = try existingKpi(target.kpi)
            try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
            try requireGrain(target.from, of: kpi)
            if let until = target.until {
                try requireGrain(until, of: kpi)
                guard target.from <= until else { throw rule("periods run forward", "target from \(target.from) until \(until)") }
            }
            guard target.target.isFinite, target.red.isFinite, kpi.definition.direction.meets(target.target, target.red) else {
                throw rule("thresholds follow the KPI's direction",
                           kpi.definition.direction == .higher
                               ? "for higher-is-better the red threshold (\(target.red)) lies at or below the target (\(target.target))"
                               : "for lower-is-better the red threshold (\(target.red)) lies at or above the target (\(target.target))")
            }

        case let .kpiRetired(retirement):
            let kpi = try existingKpi(retirement.kpi ?? "")
            try requireChainOwnerOrCoordinator(try existingChain(kpi.definition.chain))
            try text("reason", retirement.reason, limit: 500)

        case let .measurementRecorded(measurement), let .measurementCorrected(measurement):
            try validateMeasurement(measurement, correction: { if case .measurementCorrected = event { true } else { false } }())

        case let .agreementProposed(terms):
            guard self.event.version == 1, terms.version == 1 else {
                throw rule("agreement ids are unique", "agreement \(terms.agreement) already exists; amend it instead")
            }
            try validateTerms(terms)

        case let .agreementAmended(terms):
            let agreement = try existingAgreement(terms.agreement)
            guard terms.version == agreement.latestVersion + 1 else {
                throw rule("amendments are numbered", "the next version of \(terms.agreement) is \(agreement.latestVersion + 1), not \(terms.version)")
            }
            guard agreement.versions[agreement.latestVersion]?.parties.contains(signer) == true else {
                throw refuse("only a party amends an agreement")
            }
            try text("reason", terms.reason ?? "", limit: 500)
            try validateTerms(terms)

        case let .agreementSigned(signature):
            let agreement = try existingAgreement(signature.agreement)
            guard signature.party == signer else { throw refuse("a party signs only for itself, not for \(signature.party)") }
            guard let terms = agreement.versions[signature.version] else {
                throw rule("signatures name a version", "agreement \(signature.agreement) has no version \(signature.version)")
            }
            guard terms.parties.contains(signer) else { throw refuse("only parties sign agreement \(signature.agreement)") }
            guard signature.version == agreement.latestVersion else {
                throw rule("only the latest version is signed", "version \(signature.version) was superseded by version \(agreement.latestVersion)")
            }
            guard agreement.signatures[signature.version]?.contains(signer) != true else {
                throw rule("a party signs once", "\(signer) already signed version \(signature.version)")
            }

        case let .agreementTerminated(termination):
            let agreement = try existingAgreement(termination.agreement)
            guard agreement.versions[agreement.latestVersion]?.parties.contains(signer) == true || isCoordinator else {
                throw refuse("only a party or a coordinator terminates an agreement")
            }
            try text("reason", termination.reason, limit: 500)

        case let .dialogueHeld(dialogue):
            let chain = try existingChain(dialogue.chain)
            try requireChainOwnerOrCoordinator(chain)
            guard self.event.version == 1 else { throw rule("dialogue ids are unique", "dialogue \(dialogue.dialogue) already exists") }
            try id("dialogue", dialogue.dialogue)
            guard dialogue.reviewedPosition <= self.event.position else {
                throw rule("a dialogue reviews the past", "it cannot review position \(dialogue.reviewedPosition), beyond its own \(self.event.position)")
            }
            guard !dialogue.participants.isEmpty else { throw rule("dialogues have participants", "no participants named") }
            for participant in dialogue.participants { try requireMember(participant, as: "participant") }
            try unique(dialogue.decisions.map(\.decision), "decision")
            try unique(dialogue.actions.map(\.action), "action")
            for decision in dialogue.decisions {
                guard state.decisions[decision.decision] == nil else {
                    throw rule("decision ids are unique", "decision \(decision.decision) already exists")
                }
                try text("decision", decision.text, limit: 1000)
                try text("rationale", decision.rationale, limit: 1000)
                try requireMember(decision.decidedBy, as: "decision maker")
                for position in decision.evidence.positions where position >= self.event.position {
                    throw rule("evidence comes from the ledger", "position \(position) is not yet in the ledger")
                }
                for kpi in decision.evidence.kpis where state.kpis[kpi] == nil {
                    throw rule("evidence comes from the ledger", "KPI \(kpi) does not exist")
                }
            }
            for action in dialogue.actions {
                guard state.actions[action.action] == nil else { throw rule("action ids are unique", "action \(action.action) already exists") }
                try text("action", action.text, limit: 500)
                try requireMember(action.owner, as: "action owner")
            }

        case let .actionCompleted(completion):
            guard let dialogue = state.dialogues[completion.dialogue] else {
                throw rule("actions belong to dialogues", "dialogue \(completion.dialogue) does not exist")
            }
            guard let action = dialogue.held.actions.first(where: { $0.action == completion.action }) else {
                throw rule("actions belong to dialogues", "dialogue \(completion.dialogue) has no action \(completion.action)")
            }
            let chainOwner = state.chains[dialogue.held.chain]?.owner?.organisation
            guard action.owner.organisation == signer || chainOwner == signer || isCoordinator else {
                throw refuse("only the action's owner, the chain owner or a coordinator completes an action")
            }
            guard !dialogue.completedActions.contains(completion.action) else {
                throw rule("actions are completed once", "action \(completion.action) is already done")
            }
            if let note = completion.note { try text("note", note, limit: DomainIdentifiers.noteLimit) }
        }
    }

    // MARK: - Helpers

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

    func existingChain(_ id: String) throws(LedgerError) -> ChainState.Chain {
        guard let chain = state.chains[id] else { throw rule("chains exist", "chain \(id) does not exist") }
        guard !chain.retired else { throw rule("retired chains stay as they are", "chain \(id) is retired") }
        return chain
    }

    func existingKpi(_ id: String) throws(LedgerError) -> ChainState.Kpi {
        guard let kpi = state.kpis[id] else { throw rule("KPIs exist", "KPI \(id) does not exist") }
        guard !kpi.retired else { throw rule("retired KPIs stay as they are", "KPI \(id) is retired") }
        return kpi
    }

    func existingAgreement(_ id: String) throws(LedgerError) -> ChainState.Agreement {
        guard let agreement = state.agreements[id] else { throw rule("agreements exist", "agreement \(id) does not exist") }
        guard agreement.terminated == nil else { throw rule("terminated agreements stay as they are", "agreement \(id) was terminated") }
        return agreement
    }

    func validateChain(_ definition: ChainDefinition) throws(LedgerError) {
        try id("chain", definition.chain)
        try text("name", definition.name, limit: 200)
        try text("customer need", definition.customerNeed, limit: 500)
        try text("customer", definition.customer, limit: 200)
        guard !definition.partners.isEmpty else { throw rule("chains have partners", "chain \(definition.chain) names no partner") }
        for partner in definition.partners { try requireOrganisation(partner) }
        if let parent = definition.parent {
            _ = try existingChain(parent)
            var ancestor: String? = parent
            while let current = ancestor {
                guard current != definition.chain else {
                    throw rule("chains nest without cycles", "chain \(definition.chain) would contain itself")
                }
                ancestor = state.chains[current]?.definition.parent
            }
        }
        guard !definition.steps.isEmpty else { throw rule("chains have steps", "chain \(definition.chain) names no step") }
        try unique(definition.steps.map(\.step), "step")
        for step in definition.steps {
            try text("step name", step.name, limit: 200)
            guard definition.partners.contains(step.organisation) else {
                throw rule("steps are carried out by partners", "step \(step.step) is carried out by \(step.organisation), not a partner of the chain")
            }
        }
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
            throw rule("links run upward", "\(level.rawValue) KPI \(source) cannot contribute to \(destination.definition.level.rawValue) KPI \(target)")
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

    func validateMeasurement(_ measurement: Measurement, correction: Bool) throws(LedgerError) {
        guard measurement.organisation == signer else {
            throw refuse("an organisation records only its own figures, not those of \(measurement.organisation)")
        }
        let kpi = try existingKpi(measurement.kpi)
        guard kpi.reporters.contains(signer) else {
            throw refuse("only the reporting organisations of KPI \(measurement.kpi) (\(kpi.reporters.joined(separator: ", "))) record it")
        }
        try requireGrain(measurement.period, of: kpi)
        if let unit = measurement.unit, unit != kpi.definition.unit {
            throw rule("units match", "KPI \(measurement.kpi) is measured in \(kpi.definition.unit), not \(unit)")
        }
        if let note = measurement.note, note.count > DomainIdentifiers.noteLimit {
            throw .invalidEvent(index: index, reason: "notes hold at most \(DomainIdentifiers.noteLimit) characters (keep personal data out)")
        }
        if correction {
            guard let previous = event.previous else {
                throw rule("corrections supersede a measurement", "there is no measurement of \(measurement.kpi) for \(measurement.period) by \(signer) to correct")
            }
            guard measurement.supersedes == previous else {
                throw rule("corrections supersede the latest value",
                           "the latest value of \(measurement.kpi) for \(measurement.period) by \(signer) is at position \(previous), not \(measurement.supersedes ?? 0)")
            }
            try text("reason", measurement.reason ?? "", limit: 500)
        } else {
            guard event.version == 1 else {
                throw rule("one value per KPI, period and organisation",
                           "\(measurement.kpi) for \(measurement.period) by \(signer) is already recorded; send a correction that names position \(event.previous ?? 0) and gives a reason")
            }
        }
    }

    func validateTerms(_ terms: AgreementTerms) throws(LedgerError) {
        try id("agreement", terms.agreement)
        try text("title", terms.title, limit: 200)
        try text("terms", terms.terms, limit: 4000)
        guard Set(terms.parties).count == terms.parties.count, terms.parties.count >= 2 else {
            throw rule("agreements bind two or more parties", "name at least two different parties")
        }
        for party in terms.parties { try requireOrganisation(party) }
        guard terms.parties.contains(signer) else { throw refuse("only a party proposes or amends an agreement") }
        guard terms.validFrom <= terms.validUntil else {
            throw rule("periods run forward", "valid from \(terms.validFrom) until \(terms.validUntil)")
        }
        for obligation in terms.obligations {
            guard terms.parties.contains(obligation.party) else {
                throw rule("obligations bind parties", "\(obligation.party) is not a party to \(terms.agreement)")
            }
            let kpi = try existingKpi(obligation.kpi)
            guard let chain = state.chains[kpi.definition.chain], chain.definition.partners.contains(obligation.party) else {
                throw rule("obligations stay within a party's chains",
                           "\(obligation.party) is not a partner of chain \(kpi.definition.chain), which KPI \(obligation.kpi) measures")
            }
            try requireGrain(obligation.from, of: kpi)
            try requireGrain(obligation.until, of: kpi)
            guard obligation.from <= obligation.until else {
                throw rule("periods run forward", "obligation from \(obligation.from) until \(obligation.until)")
            }
        }
    }
}

import Foundation
