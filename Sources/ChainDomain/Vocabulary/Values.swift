import Foundation

/// A person of a member organisation (a pseudonymous id chosen by the organisation, such as an
/// employee number or initials; never a citizen).
public struct PersonRef: Hashable, Sendable, Codable, CustomStringConvertible {
    public let organisation: String
    public let person: String

    public init(organisation: String, person: String) {
        self.organisation = organisation
        self.person = person
    }

    public var description: String { "\(person) (\(organisation))" }
}

/// Whether higher or lower values of a KPI are better.
public enum Direction: String, Sendable, Codable {
    case higher, lower

    /// Whether `value` meets `threshold` in this direction.
    public func meets(_ value: Double, _ threshold: Double) -> Bool {
        self == .higher ? value >= threshold : value <= threshold
    }
}

/// How values of finer periods combine into a coarser one.
public enum Aggregation: String, Sendable, Codable {
    case sum, average, last
}

/// The three KPI levels of integral performance management.
public enum KPILevel: String, Sendable, Codable, Comparable {
    /// Derived from the coalition's goals.
    case result
    /// The expectations of the chain's customers and stakeholders.
    case chain
    /// One step of the chain.
    case process

    /// Process KPIs feed chain KPIs, which feed result KPIs: a link may only point up (or level).
    var height: Int {
        switch self {
        case .process: 0
        case .chain: 1
        case .result: 2
        }
    }

    public static func < (lhs: KPILevel, rhs: KPILevel) -> Bool { lhs.height < rhs.height }
}

/// SDMX observation status of a measured value.
public enum ObservationStatus: String, Sendable, Codable {
    /// Normal value.
    case normal = "A"
    /// Provisional: to be finalised or corrected later.
    case provisional = "P"
    /// Estimated.
    case estimated = "E"
}

/// The three steering levels of chain steering (*besturingsniveaus*), at which a dialogue is held:
/// the coalition's management on its strategic goals (`strategic`), the chain's team on the chain
/// (`chain`), and a partner's own department on its role in the chain (`department`). A person who
/// takes part at two levels is a linking pin between them.
public enum SteeringLevel: String, Sendable, Codable, CaseIterable {
    case strategic, chain, department
}

/// How often a chain's performance dialogue takes place.
public enum Cadence: String, Sendable, Codable, CaseIterable {
    case weekly, fortnightly, monthly, quarterly

    /// Days between dialogues.
    public var days: Int {
        switch self {
        case .weekly: 7
        case .fortnightly: 14
        case .monthly: 31
        case .quarterly: 92
        }
    }
}

/// Roles a member may hold. Coordinators, chain owners, KPI owners and reporters are also implied
/// by other events (coordinator organisations, owner assignments, KPI definitions); a granted role
/// records the person who acts in it.
public enum Role: String, Sendable, Codable, CaseIterable {
    case coordinator
    case chainOwner = "chain-owner"
    case kpiOwner = "kpi-owner"
    case reporter, auditor
}

/// Identifier rules for the ids the domain's events carry.
public enum DomainIdentifiers {
    /// Ids of chains, KPIs, goals, agreements, dialogues, decisions, actions and persons: 1–64
    /// characters of lowercase letters, digits and hyphens, starting with a letter or digit.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...64).contains(bytes.count), let first = bytes.first,
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
        }
    }

    /// Free-text notes are the one place where personal data could slip in: they are kept short.
    public static let noteLimit = 280
}
