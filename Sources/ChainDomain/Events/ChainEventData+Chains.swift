// The data of the chain events (`ChainRetired` carries a `Retirement`, in ChainEventData.swift).

/// A step of a chain, carried out by one of its partners.
public struct ChainStep: Sendable, Codable, Equatable {
    public let step: String
    public let name: String
    public let organisation: String
    public let department: String?
    /// Whether the customer sees this step.
    public let customerVisible: Bool

    public init(step: String, name: String, organisation: String, department: String? = nil, customerVisible: Bool) {
        self.step = step
        self.name = name
        self.organisation = organisation
        self.department = department
        self.customerVisible = customerVisible
    }
}

/// The data of `ChainDefined` and `ChainChanged`: a chain from a customer need, its partners and steps.
public struct ChainDefinition: Sendable, Codable, Equatable {
    public let chain: String
    public let name: String
    /// The customer need the chain starts from.
    public let customerNeed: String
    /// The customer or main stakeholder.
    public let customer: String
    /// The chain this one is a sub-chain of.
    public let parent: String?
    public let partners: [String]
    public let cadence: Cadence
    /// The ordered steps.
    public let steps: [ChainStep]

    public init(
        chain: String, name: String, customerNeed: String, customer: String, parent: String? = nil, partners: [String], cadence: Cadence,
        steps: [ChainStep]
    ) {
        self.chain = chain
        self.name = name
        self.customerNeed = customerNeed
        self.customer = customer
        self.parent = parent
        self.partners = partners
        self.cadence = cadence
        self.steps = steps
    }
}

/// The data of `ChainOwnerAssigned`: the management-team member who owns a chain from now on.
public struct ChainOwnerAssigned: Sendable, Codable, Equatable {
    public let chain: String
    public let owner: PersonRef
    public let reason: String
    /// The decision this assignment carries out, if one was taken.
    public let decision: String?

    public init(chain: String, owner: PersonRef, reason: String, decision: String? = nil) {
        self.chain = chain
        self.owner = owner
        self.reason = reason
        self.decision = decision
    }
}

/// One of a chain's values: what its customers hold (a *klantwaarde*) or the chain itself (an
/// *interne waarde*), under an id the chain's KPIs refer to.
public struct ChainValue: Sendable, Codable, Equatable {
    public let value: String
    public let name: String

    public init(value: String, name: String) {
        self.value = value
        self.name = name
    }
}

/// The data of `CustomerValuesSet`: the chain's customer values and internal values from now on, as
/// its owner sets them, each list in the owner's order.
public struct CustomerValuesSet: Sendable, Codable, Equatable {
    public let chain: String
    /// What the chain's customers value (*klantwaarden*).
    public let customerValues: [ChainValue]
    /// What the chain itself must safeguard (*interne waarden*).
    public let internalValues: [ChainValue]

    public init(chain: String, customerValues: [ChainValue], internalValues: [ChainValue] = []) {
        self.chain = chain
        self.customerValues = customerValues
        self.internalValues = internalValues
    }

    /// Both lists, customer values first.
    public var all: [ChainValue] { customerValues + internalValues }
}
