// Chains as the state keeps them: their definitions, owners, values and retirement.

extension ChainState {
    /// A new chain, without an owner yet.
    mutating func applyChainDefined(_ definition: ChainDefinition, at position: UInt64) {
        chains[definition.chain] = Chain(definition: definition, owner: nil, ownerHistory: [], retired: false, definedAt: position)
    }

    mutating func applyChainChanged(_ definition: ChainDefinition) {
        chains[definition.chain]?.definition = definition
    }

    /// A chain's new owner, added to its history.
    mutating func applyChainOwnerAssigned(_ assignment: ChainOwnerAssigned, at position: UInt64) {
        chains[assignment.chain]?.owner = assignment.owner
        chains[assignment.chain]?.ownerHistory.append((position, assignment))
    }

    mutating func applyCustomerValuesSet(_ values: CustomerValuesSet) {
        chains[values.chain]?.values = values
    }

    mutating func applyChainRetired(_ retirement: Retirement) {
        if let chain = retirement.chain { chains[chain]?.retired = true }
    }
}
