import ChainDomain
import Foundation
import GRDB
import LedgerCore

// Moving goalposts: a target made easier right after red periods, or a KPI retired while red. The
// KPI stops saying what it said, and nobody has to act on it. Each change is a sign for a year
// from the day it was made.

extension ReadModels {
    /// How long a moved goalpost stays a sign.
    static let goalpostDays = 365

    /// A target made easier while the KPI's last two periods were red, or a KPI retired while its
    /// last period was red.
    struct MovedGoalpost {
        let kpi: String
        /// `target-lowered` or `retired-while-red`.
        let kind: String
        /// The periods that were red when it was made.
        let redPeriods: [Period]
        /// For a lowered target: the target before and after, and the period it first applies to.
        let before: Double?
        let after: Double?
        let from: Period?
        /// The day it was made.
        let since: CalendarDate
    }

    /// The goalposts of chain `chain`'s KPIs (retired ones too) moved in the year before `moment`.
    static func movedGoalposts(of chain: String, _ moment: Moment, _ db: Database) throws -> [MovedGoalpost] {
        let size = Int64(moment.size)
        let oldest = moment.day.addingDays(-goalpostDays)
        // The first position recorded in the window: older changes are no longer signs.
        let start =
            try Int64.fetchOne(
                db, sql: "SELECT MIN(first_position) FROM timeline WHERE recorded_at >= ?",
                arguments: [Timestamp(rfc3339: "\(oldest)T00:00:00Z")?.milliseconds ?? 0]
            ) ?? size
        guard start < size else { return [] }
        var found: [MovedGoalpost] = []
        let kpis = try String.fetchAll(
            db, sql: "SELECT DISTINCT kpi FROM kpis WHERE chain = ? AND valid_from < ? ORDER BY kpi", arguments: [chain, size])
        for kpi in kpis {
            for row in try Row.fetchAll(
                db,
                sql: "SELECT from_period, target, valid_from FROM targets WHERE kpi = ? AND valid_from >= ? AND valid_from < ? ORDER BY valid_from",
                arguments: [kpi, start, size])
            {
                let position = UInt64(row["valid_from"] as Int64)
                guard let from = Period(row["from_period"] as String), let kpiDefinition = try definition(of: kpi, size: position, db),
                    let previous = try target(kpi: kpi, period: from, size: position, db)
                else { continue }
                let after: Double = row["target"]
                let easier = kpiDefinition.direction == .higher ? after < previous.0 : after > previous.0
                let red = try latestStatuses(of: kpi, kpiDefinition, size: position, count: 2, db)
                guard easier, red.count == 2, red.allSatisfy({ $0.status == .red }) else { continue }
                found.append(
                    .init(
                        kpi: kpi, kind: "target-lowered", redPeriods: red.map(\.period).reversed(), before: previous.0, after: after, from: from,
                        since: try day(ofPosition: Int64(position), db) ?? moment.day))
            }
            if let retiredAt = try Int64.fetchOne(
                db, sql: "SELECT MIN(valid_from) FROM kpis WHERE kpi = ? AND retired = 1 AND valid_from >= ? AND valid_from < ?",
                arguments: [kpi, start, size]),
                let kpiDefinition = try definition(of: kpi, size: UInt64(retiredAt), db),
                let last = try latestStatuses(of: kpi, kpiDefinition, size: UInt64(retiredAt), count: 1, db).first, last.status == .red
            {
                found.append(
                    .init(
                        kpi: kpi, kind: "retired-while-red", redPeriods: [last.period], before: nil, after: nil, from: nil,
                        since: try day(ofPosition: retiredAt, db) ?? moment.day))
            }
        }
        return found.sorted { ($0.since, $0.kpi) < ($1.since, $1.kpi) }
    }

    /// What a KPI's status is computed by, as defined before `size`.
    private static func definition(of kpi: String, size: UInt64, _ db: Database) throws -> (direction: Direction, aggregation: Aggregation)? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT direction, aggregation FROM kpis WHERE kpi = ? AND valid_from < ? ORDER BY valid_from DESC LIMIT 1",
                arguments: [kpi, Int64(size)]),
            let direction = Direction(rawValue: row[0]), let aggregation = Aggregation(rawValue: row[1])
        else { return nil }
        return (direction, aggregation)
    }

    /// The statuses of the latest `count` periods of `kpi` that have a value before `size`, latest
    /// first, each judged by the target known then.
    private static func latestStatuses(
        of kpi: String, _ definition: (direction: Direction, aggregation: Aggregation), size: UInt64, count: Int, _ db: Database
    ) throws -> [(period: Period, status: KpiStatus)] {
        var periods: [Period] = []
        let cursor = try String.fetchCursor(
            db, sql: "SELECT period FROM measurements WHERE kpi = ? AND valid_from < ? ORDER BY first_day DESC", arguments: [kpi, Int64(size)])
        while periods.count < count, let text = try cursor.next() {
            if let period = Period(text), !periods.contains(period) { periods.append(period) }
        }
        return try periods.map { period in
            let values = try values(kpi: kpi, period: period, size: size, db)
            let target = try target(kpi: kpi, period: period, size: size, db)
            return (
                period,
                KpiStatus.evaluate(
                    value: Combination.combine(values.map { ($0.value, $0.position) }, by: definition.aggregation), target: target?.0,
                    red: target?.1, direction: definition.direction)
            )
        }
    }
}
