public import ChainDomain
import GRDB
import LedgerCore

/// A KPI period by period as of a moment, for its trend chart: the combined value, the target
/// and red threshold that held for that period, and each reporting organisation's value, with
/// provisional and corrected values marked.
public struct KpiHistory: Sendable, Codable, Equatable {
    public struct Reported: Sendable, Codable, Equatable {
        public let organisation: String
        public let value: Double
        public let provisional: Bool
        public let corrected: Bool
    }

    public struct PeriodValues: Sendable, Codable, Equatable {
        public let period: String
        /// The organisations' values combined by the KPI's aggregation.
        public let value: Double?
        public let target: Double?
        public let red: Double?
        /// Whether any value behind `value` is provisional.
        public let provisional: Bool
        /// Whether any value behind `value` corrects an earlier one.
        public let corrected: Bool
        public let reported: [Reported]
    }

    public let kpi: String
    public let moment: Moment
    public let aggregation: Aggregation
    /// Oldest period first.
    public let periods: [PeriodValues]
}

extension ReadModels {
    /// `kpi` period by period, as the ledger knew it at `asOf`.
    public func kpiHistory(kpi: String, asOf: AsOf = .now) async throws -> KpiHistory {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            let size = Int64(moment.size)
            guard
                let aggregation = try String.fetchOne(
                    db, sql: "SELECT aggregation FROM kpis WHERE kpi = ? AND valid_from < ? ORDER BY valid_from DESC LIMIT 1",
                    arguments: [kpi, size]
                ).flatMap(Aggregation.init(rawValue:))
            else {
                throw ReadModelError(
                    "there is no KPI \(kpi) at position \(moment.size)", code: "no-kpi", facts: ["kpi": kpi, "position": "\(moment.size)"])
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM measurements WHERE kpi = ? AND \(current) ORDER BY first_day, organisation",
                arguments: [kpi, size, size]
            ).map { Self.measurement($0, size: moment.size) }
            var periods: [KpiHistory.PeriodValues] = []
            var index = rows.startIndex
            while index < rows.endIndex {
                let period = rows[index].period
                let end = rows[index...].firstIndex { $0.period != period } ?? rows.endIndex
                let group = rows[index..<end]
                index = end
                let threshold = try Period(period).flatMap { try Self.target(kpi: kpi, period: $0, size: moment.size, db) }
                periods.append(
                    KpiHistory.PeriodValues(
                        period: period, value: Combination.combine(group.map { ($0.value, $0.position) }, by: aggregation),
                        target: threshold?.0, red: threshold?.1, provisional: group.contains { $0.status == "P" },
                        corrected: group.contains { $0.supersedes != nil },
                        reported: group.map {
                            .init(organisation: $0.organisation, value: $0.value, provisional: $0.status == "P", corrected: $0.supersedes != nil)
                        }))
            }
            return KpiHistory(kpi: kpi, moment: moment, aggregation: aggregation, periods: periods)
        }
    }
}
