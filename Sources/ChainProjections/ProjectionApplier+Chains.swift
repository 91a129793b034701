import ChainDomain
import GRDB
import LedgerCore
import SQLiteSupport

// The chains' tables: their definitions (with retirement), owners and values.

extension ProjectionApplier {
    /// A chain defined or changed: a new version of its row, keeping when it was first defined.
    mutating func applyChainDefinition(_ chain: ChainDefinition, at position: UInt64) throws {
        let definedAt = try Int64.fetchOne(
            db, sql: "SELECT defined_at FROM chains\(suffix) WHERE chain = ? AND valid_to IS NULL", arguments: [chain.chain])
        try close("chains", "chain = ?", [.text(chain.chain)], at: position)
        try run(
            """
            INSERT INTO chains@ (chain, name, customer_need, customer, parent, partners, cadence, steps, retired, defined_at,
            valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL)
            """,
            [
                .text(chain.chain), .text(chain.name), .text(chain.customerNeed), .text(chain.customer), Self.text(chain.parent),
                Self.json(chain.partners), .text(chain.cadence.rawValue),
                try Self.json(encoded: chain.steps, what: "the steps of chain \(chain.chain)"), .integer(definedAt ?? Int64(position)),
                Self.integer(position),
            ])
    }

    mutating func applyChainOwnerAssigned(_ assignment: ChainOwnerAssigned, at position: UInt64, recordedAt: Timestamp) throws {
        try close("chain_owners", "chain = ?", [.text(assignment.chain)], at: position)
        try run(
            """
            INSERT INTO chain_owners@ (chain, owner_organisation, owner_person, reason, decision, recorded_at, valid_from, valid_to)
            VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
            """,
            [
                .text(assignment.chain), .text(assignment.owner.organisation), .text(assignment.owner.person), .text(assignment.reason),
                Self.text(assignment.decision), .integer(recordedAt.milliseconds), Self.integer(position),
            ])
    }

    /// The chain's values replaced by the ones just set, in the owner's order.
    mutating func applyCustomerValuesSet(_ values: CustomerValuesSet, at position: UInt64) throws {
        try close("chain_values", "chain = ?", [.text(values.chain)], at: position)
        for (kind, list) in [("customer", values.customerValues), ("internal", values.internalValues)] {
            for (ordinal, value) in list.enumerated() {
                try run(
                    "INSERT INTO chain_values@ (chain, kind, value, name, ordinal, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    [.text(values.chain), .text(kind), .text(value.value), .text(value.name), Self.integer(ordinal), Self.integer(position)])
            }
        }
    }

    mutating func applyChainRetired(_ retirement: Retirement, at position: UInt64) throws {
        guard let chain = retirement.chain else { return }
        try supersede("chains", "chain = ?", [.text(chain)], changing: ["retired": .integer(1)], at: position)
    }
}
