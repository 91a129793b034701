/// How a KPI stands against its target in a period, the way the dashboard colours it.
public enum KpiStatus: String, Sendable, Codable, Comparable {
    case green, amber, red
    /// No value for the period.
    case noData = "no-data"
    /// A value, but no target for the period.
    case noTarget = "no-target"

    /// Tiered thresholds: for higher-is-better, green from `target`, red below `red`, amber
    /// between; mirrored for lower-is-better.
    public static func evaluate(value: Double?, target: Double?, red: Double?, direction: Direction) -> KpiStatus {
        guard let value else { return .noData }
        guard let target, let red else { return .noTarget }
        if direction.meets(value, target) { return .green }
        return direction.meets(value, red) ? .amber : .red
    }

    /// Worst first: red, amber, no data, no target, green.
    var severity: Int {
        switch self {
        case .red: 0
        case .amber: 1
        case .noData: 2
        case .noTarget: 3
        case .green: 4
        }
    }

    public static func < (lhs: KpiStatus, rhs: KpiStatus) -> Bool { lhs.severity < rhs.severity }
}

/// How a KPI moved against the previous period.
public enum Trend: String, Sendable, Codable {
    case improving, worsening, steady
    /// No previous value to compare with.
    case unknown

    public static func between(previous: Double?, current: Double?, direction: Direction) -> Trend {
        guard let previous, let current else { return .unknown }
        if current == previous { return .steady }
        return (current > previous) == (direction == .higher) ? .improving : .worsening
    }
}

/// Combines the values several organisations report for one KPI and period.
public enum Combination {
    public static func combine(_ values: [(value: Double, position: UInt64)], by aggregation: Aggregation) -> Double? {
        guard !values.isEmpty else { return nil }
        switch aggregation {
        case .sum: return values.reduce(0) { $0 + $1.value }
        case .average: return values.reduce(0) { $0 + $1.value } / Double(values.count)
        case .last: return values.max { $0.position < $1.position }?.value
        }
    }
}
