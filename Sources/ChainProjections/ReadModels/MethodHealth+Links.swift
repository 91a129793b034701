import ChainDomain
import GRDB
import LedgerCore

// Cause and effect you can question: a KPI link says its contributor moves the KPI it feeds, after
// its lag. When every contributor sits on one side of its target for the lagged periods while the KPI
// they feed sits on the other, the measurements say the links may not hold.

/// A KPI whose contributors all disagree with it, over the periods their links' lags point at.
struct QuestionedLinks {
    /// The KPI fed, red or green in `period`.
    let kpi: KpiState
    let period: Period
    /// The status every contributor had (the opposite of the KPI's).
    let contributors: KpiStatus
}

extension ReadModels {
    /// The KPIs of a tree whose latest status every contributor contradicts: all green while it is red,
    /// or all red while it is green. A contributor counts when each of its periods that overlaps the
    /// KPI's period shifted back by the link's lag has a value and that status.
    static func questionedLinks(_ tree: KpiTree, size: UInt64, _ db: Database) throws -> [QuestionedLinks] {
        let byId = Dictionary(tree.kpis.map { ($0.kpi, $0) }, uniquingKeysWith: { first, _ in first })
        var questioned: [QuestionedLinks] = []
        for kpi in tree.kpis where !kpi.contributors.isEmpty && (kpi.status == .red || kpi.status == .green) {
            guard let period = kpi.period.flatMap(Period.init) else { continue }
            let opposite: KpiStatus = kpi.status == .red ? .green : .red
            var all = true
            for contributor in kpi.contributors {
                guard let state = byId[contributor.kpi],
                    try laggedStatuses(of: state, feeding: period, lag: contributor.lag ?? 0, size: size, db).allSatisfy({ $0 == opposite })
                else {
                    all = false
                    break
                }
            }
            if all { questioned.append(QuestionedLinks(kpi: kpi, period: period, contributors: opposite)) }
        }
        return questioned
    }

    /// The statuses of `contributor` in each of its periods that overlap `period` moved back `lag`
    /// periods; empty when the window falls before the calendar.
    private static func laggedStatuses(of contributor: KpiState, feeding period: Period, lag: Int, size: UInt64, _ db: Database) throws
        -> [KpiStatus]
    {
        var window = period
        for _ in 0..<lag {
            guard let previous = window.previous else { return [] }
            window = previous
        }
        let aggregation =
            try String.fetchOne(
                db, sql: "SELECT aggregation FROM kpis WHERE kpi = ? AND \(current)", arguments: [contributor.kpi, Int64(size), Int64(size)]
            ).flatMap(Aggregation.init(rawValue:)) ?? .average
        var statuses: [KpiStatus] = []
        var next = Period.containing(window.days.lowerBound, grain: contributor.grain)
        while let overlapping = next, overlapping.days.lowerBound <= window.days.upperBound {
            let values = try Self.values(kpi: contributor.kpi, period: overlapping, size: size, db)
            let target = try Self.target(kpi: contributor.kpi, period: overlapping, size: size, db)
            statuses.append(
                KpiStatus.evaluate(
                    value: Combination.combine(values.map { ($0.value, $0.position) }, by: aggregation), target: target?.0, red: target?.1,
                    direction: contributor.direction))
            next = overlapping.next
        }
        return statuses
    }
}
