import LedgerCore

// The rules of chains: coordinators define, staff and retire them; their owners change them and set their values.

extension Check {
    /// `ChainDefined`: a coordinator defines a chain under a new id.
    func validateChainDefined(_ definition: ChainDefinition) throws(LedgerError) {
        try requireCoordinator("only coordinators define chains")
        guard event.version == 1 else { throw rule("chain ids are unique", "chain \(definition.chain) already exists") }
        try validateChain(definition)
    }

    /// `ChainChanged`: the owner or a coordinator changes a chain that is not retired.
    func validateChainChanged(_ definition: ChainDefinition) throws(LedgerError) {
        let chain = try existingChain(definition.chain)
        try requireChainOwnerOrCoordinator(chain)
        try validateChain(definition)
    }

    /// `ChainOwnerAssigned`: a coordinator hands a chain to a management-team member of one of its partners.
    func validateChainOwnerAssigned(_ assignment: ChainOwnerAssigned) throws(LedgerError) {
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
        try requireText("reason", assignment.reason, limit: 500)
        if let decision = assignment.decision, state.decisions[decision] == nil {
            throw rule("decisions referred to exist", "decision \(decision) is not in the ledger")
        }
    }

    /// `CustomerValuesSet`: the chain's owner sets its customer values (at least one) and internal values,
    /// each list short, every id unique across both, and none dropped that an active KPI still measures.
    func validateCustomerValuesSet(_ values: CustomerValuesSet) throws(LedgerError) {
        let chain = try existingChain(values.chain)
        guard chain.owner?.organisation == signer else {
            throw refuse("only the owner of chain \(values.chain) (\(Self.ownerName(chain))) sets its values")
        }
        guard !values.customerValues.isEmpty else {
            throw rule("a chain serves customer values", "chain \(values.chain) names no customer value")
        }
        guard values.customerValues.count <= Self.valuesPerList else {
            throw rule(
                "a chain holds a few values", "at most \(Self.valuesPerList) customer values per chain, not \(values.customerValues.count)")
        }
        guard values.internalValues.count <= Self.valuesPerList else {
            throw rule(
                "a chain holds a few values", "at most \(Self.valuesPerList) internal values per chain, not \(values.internalValues.count)")
        }
        try unique(values.all.map(\.value), "value")
        for value in values.all { try requireText("value name", value.name, limit: 200) }
        let kept = Set(values.all.map(\.value))
        for kpi in state.activeKpis(of: values.chain).sorted(by: { $0.definition.kpi < $1.definition.kpi }) {
            if let dropped = kpi.measures.first(where: { !kept.contains($0) }) {
                throw rule(
                    "measured values stay", "KPI \(kpi.definition.kpi) measures value \(dropped); set the KPI's values first")
            }
        }
    }

    /// The most values of each kind a chain holds: the method asks for a few, not a list.
    static let valuesPerList = 10

    /// `ChainRetired`: a coordinator retires a chain.
    func validateChainRetired(_ retirement: Retirement) throws(LedgerError) {
        try requireCoordinator("only coordinators retire chains")
        _ = try existingChain(retirement.chain ?? "")
        try requireText("reason", retirement.reason, limit: 500)
    }

    // MARK: - Helpers

    func existingChain(_ id: String) throws(LedgerError) -> ChainState.Chain {
        guard let chain = state.chains[id] else { throw rule("chains exist", "chain \(id) does not exist") }
        guard !chain.retired else { throw rule("retired chains stay as they are", "chain \(id) is retired") }
        return chain
    }

    /// What creating a KPI or a dialogue on a chain needs: the chain active, its owner or a coordinator
    /// signing, and a new, valid id (`what` names the kind in messages, `field` the id's field).
    @discardableResult
    func requireNew(_ what: Phrase, field: Phrase, id value: String, on chainID: String) throws(LedgerError) -> ChainState.Chain {
        let chain = try existingChain(chainID)
        try requireChainOwnerOrCoordinator(chain)
        guard event.version == 1 else { throw rule("\(what) ids are unique", "\(what) \(value) already exists") }
        try requireID(field, value)
        return chain
    }

    /// What holds for every chain definition: ids, texts, partners that are members, steps carried out by
    /// partners, and a parent without cycles.
    func validateChain(_ definition: ChainDefinition) throws(LedgerError) {
        try requireID("chain", definition.chain)
        try requireText("name", definition.name, limit: 200)
        try requireText("customer need", definition.customerNeed, limit: 500)
        try requireText("customer", definition.customer, limit: 200)
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
            try requireText("step name", step.name, limit: 200)
            guard definition.partners.contains(step.organisation) else {
                throw rule(
                    "steps are carried out by partners", "step \(step.step) is carried out by \(step.organisation), not a partner of the chain")
            }
        }
    }
}
