// The data of the coalition's events: its mission and policy, its members and their roles.

/// A goal of the coalition's mission.
public struct Goal: Sendable, Codable, Equatable {
    public let goal: String
    public let title: String

    public init(goal: String, title: String) {
        self.goal = goal
        self.title = title
    }
}

/// The data of `MissionDefined`: the coalition's mission and its goals (set by a coordinator).
public struct MissionDefined: Sendable, Codable, Equatable {
    public let mission: String
    public let goals: [Goal]

    public init(mission: String, goals: [Goal]) {
        self.mission = mission
        self.goals = goals
    }
}

/// The data of `PolicySet`: the limits and grace periods the coalition holds its chains to.
///
/// Schema 2 adds `ownerSpan`; without it the span is `defaultOwnerSpan`.
public struct PolicySet: Sendable, Codable, Equatable {
    /// At most this many active KPIs per chain (the method says 12 to 15).
    public let kpiLimitPerChain: Int
    /// A KPI not reported within its period plus this many days is stale.
    public let staleGraceDays: Int
    /// A dialogue more than this many days past its cadence is overdue.
    public let dialogueGraceDays: Int
    /// At most this many chains owned by one person (the owner leads each chain's dialogues).
    public let ownerSpan: Int?

    public static let defaults = PolicySet(kpiLimitPerChain: 15, staleGraceDays: 14, dialogueGraceDays: 7)
    /// The span of control when the policy names none.
    public static let defaultOwnerSpan = 3

    /// `ownerSpan`, or the default.
    public var span: Int { ownerSpan ?? Self.defaultOwnerSpan }

    public init(kpiLimitPerChain: Int, staleGraceDays: Int, dialogueGraceDays: Int, ownerSpan: Int? = nil) {
        self.kpiLimitPerChain = kpiLimitPerChain
        self.staleGraceDays = staleGraceDays
        self.dialogueGraceDays = dialogueGraceDays
        self.ownerSpan = ownerSpan
    }
}

/// The data of `MemberRegistered` and `MemberChanged`: a person of a member organisation.
public struct MemberRegistered: Sendable, Codable, Equatable {
    public let organisation: String
    public let person: String
    /// A name or function title, as the organisation chooses to publish it.
    public let name: String
    /// Whether the person sits in a management team (chain owners must).
    public let managementTeam: Bool
    public let department: String?

    public init(organisation: String, person: String, name: String, managementTeam: Bool, department: String? = nil) {
        self.organisation = organisation
        self.person = person
        self.name = name
        self.managementTeam = managementTeam
        self.department = department
    }
}

/// The data of `RoleGranted` and `RoleRevoked`: a role of a registered member, for the coalition or one chain or KPI.
public struct RoleChange: Sendable, Codable, Equatable {
    public let organisation: String
    public let person: String
    public let role: Role
    /// The chain or KPI the role is for, when it is for one.
    public let scope: String?
    public let reason: String?

    public init(organisation: String, person: String, role: Role, scope: String? = nil, reason: String? = nil) {
        self.organisation = organisation
        self.person = person
        self.role = role
        self.scope = scope
        self.reason = reason
    }
}
