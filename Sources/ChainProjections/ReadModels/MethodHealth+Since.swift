import ChainDomain
import Foundation
import GRDB
import LedgerCore

// Since when the first signs hold: each from the later of the day the thing it is about came to
// be (a chain, a KPI, an ownership) and the day the last thing that kept it silent ended (an owner,
// a link, a measured value).

extension ReadModels {
    /// The day at which a sign that holds since positions `positions` (the latest counts) began.
    static func since(_ positions: Int64?..., moment: Moment, _ db: Database) throws -> CalendarDate {
        try since(positions, moment: moment, db)
    }

    static func since(_ positions: [Int64?], moment: Moment, _ db: Database) throws -> CalendarDate {
        guard let latest = positions.compactMap({ $0 }).max() else { return moment.day }
        return try day(ofPosition: latest, db) ?? moment.day
    }

    /// The position at which each of `kpis` was first defined.
    static func definedPositions(of kpis: [String], _ db: Database) throws -> [String: Int64] {
        guard !kpis.isEmpty else { return [:] }
        var positions: [String: Int64] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT kpi, MIN(valid_from) FROM kpis WHERE kpi IN (\(kpis.map { _ in "?" }.joined(separator: ", "))) GROUP BY kpi",
            arguments: StatementArguments(kpis))
        {
            positions[row[0]] = row[1]
        }
        return positions
    }

    /// Where the last link of `kpi` to a target of `kind` (`kpi` or `goal`) ended before `moment`.
    static func lastLinkEnded(_ kpi: String, kind: String, _ moment: Moment, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT MAX(valid_to) FROM kpi_links WHERE kpi = ? AND target_kind = ? AND valid_to < ?",
            arguments: [kpi, kind, Int64(moment.size)])
    }

    /// Where the last owner of `chain` stopped before `moment`.
    static func lastOwnerEnded(_ chain: String, _ moment: Moment, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT MAX(valid_to) FROM chain_owners WHERE chain = ? AND valid_to < ?", arguments: [chain, Int64(moment.size)])
    }

    /// Where `owner` became the current owner of `chain`, and where the run of their member rows
    /// outside a management team (to `moment`) began; nil for a person no longer registered.
    static func ownerOutsideManagementTeam(_ owner: PersonRef, of chain: String, _ moment: Moment, _ db: Database) throws -> [Int64?] {
        let size = Int64(moment.size)
        let owned = try Int64.fetchOne(
            db, sql: "SELECT valid_from FROM chain_owners WHERE chain = ? AND \(current)", arguments: [chain, size, size])
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT management_team, valid_from FROM members WHERE organisation = ? AND person = ? AND valid_from < ? ORDER BY valid_from DESC",
            arguments: [owner.organisation, owner.person, size])
        let outside = rows.prefix { ($0[0] as Int) == 0 }.last.map { $0[1] as Int64 }
        return [owned, outside]
    }

    /// Where the last value link of `kpi` (`KpiValuesSet`) ended before `moment`.
    static func lastValueLinkEnded(_ kpi: String, _ moment: Moment, _ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MAX(valid_to) FROM kpi_values WHERE kpi = ? AND valid_to < ?", arguments: [kpi, Int64(moment.size)])
    }

    /// Where value `value` of `chain` was set (its current row) and where the last chain KPI that
    /// measured it stopped.
    static func valueUnmeasured(_ value: String, of chain: String, _ moment: Moment, _ db: Database) throws -> [Int64?] {
        let size = Int64(moment.size)
        // The value's rows, newest first: a value kept by a later CustomerValuesSet continues in a
        // new row from where the old one ended.
        let rows = try Row.fetchAll(
            db, sql: "SELECT valid_from, valid_to FROM chain_values WHERE chain = ? AND value = ? AND valid_from < ? ORDER BY valid_from DESC",
            arguments: [chain, value, size]
        ).map { (from: $0[0] as Int64, to: $0[1] as Int64?) }
        var set = rows.first?.from
        for (newer, older) in zip(rows, rows.dropFirst()) {
            guard older.to == newer.from else { break }
            set = older.from
        }
        let measured = try Int64.fetchOne(
            db,
            sql: """
                SELECT MAX(v.valid_to) FROM kpi_values v JOIN kpis k ON k.kpi = v.kpi AND k.chain = ? WHERE v.value = ? AND v.valid_to < ?
                """, arguments: [chain, value, size])
        return [set, measured]
    }
}
