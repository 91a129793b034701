import ChainDomain
import GRDB
import LedgerCore
import SQLiteSupport

// The measurements' table: every value as recorded, corrections closing the value they replace.

extension ProjectionApplier {
    /// A measurement recorded or corrected. A correction closes the value it supersedes, unless a
    /// rebuild closes them all at the end (`deferClosingMeasurements`).
    mutating func applyMeasurement(_ measurement: Measurement, at position: UInt64, recordedAt: Timestamp) throws {
        if measurement.supersedes != nil, !deferClosingMeasurements {
            try close(
                "measurements", "kpi = ? AND first_day = ? AND organisation = ?",
                [.text(measurement.kpi), .text(firstDay(measurement.period)), .text(measurement.organisation)],
                at: position)
        }
        try run(
            """
            INSERT INTO measurements@ (kpi, period, first_day, organisation, value, status, source, note, supersedes, reason,
            recorded_at, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
            """,
            [
                .text(measurement.kpi), .text(measurement.period.description), .text(firstDay(measurement.period)),
                .text(measurement.organisation), .real(measurement.value), .text(measurement.status.rawValue), .text(measurement.source),
                Self.text(measurement.note), measurement.supersedes.map { .integer(Int64($0)) } ?? .null, Self.text(measurement.reason),
                .integer(recordedAt.milliseconds), Self.integer(position),
            ])
    }

    /// The first day of `period`, spelled once per period.
    mutating func firstDay(_ period: Period) -> String {
        if let day = firstDays[period] { return day }
        let day = period.days.lowerBound.description
        firstDays[period] = day
        return day
    }

    /// Sets `valid_to` of every measurement a later value of the same KPI, period and organisation
    /// replaced: the position of that next value. Only streams with a correction are touched.
    /// `corrections` names the partial index of the corrections (`supersedes IS NOT NULL`), so
    /// that only they are read to find the streams concerned.
    static func closeSupersededMeasurements(_ db: Database, suffix: String, corrections: String) throws {
        let table = "measurements\(suffix)"
        try db.execute(
            sql: """
                UPDATE \(table) AS m SET valid_to = (
                    SELECT MIN(c.valid_from) FROM \(table) c
                    WHERE c.kpi = m.kpi AND c.first_day = m.first_day AND c.organisation = m.organisation AND c.valid_from > m.valid_from)
                WHERE m.rowid IN (
                    SELECT x.rowid FROM \(table) x JOIN (SELECT DISTINCT kpi, first_day, organisation FROM \(table) INDEXED BY \(corrections) WHERE supersedes IS NOT NULL) s
                    ON x.kpi = s.kpi AND x.first_day = s.first_day AND x.organisation = s.organisation)
                  AND EXISTS (SELECT 1 FROM \(table) c WHERE c.kpi = m.kpi AND c.first_day = m.first_day AND c.organisation = m.organisation
                              AND c.valid_from > m.valid_from)
                """)
    }
}
