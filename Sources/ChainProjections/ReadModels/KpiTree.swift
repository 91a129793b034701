public import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// A KPI as it stood: its latest period with data, value, target, status and trend.
public struct KpiState: Sendable, Codable, Equatable {
    public let kpi: String
    public let chain: String
    public let name: String
    public let level: KPILevel
    public let step: String?
    public let unit: String
    public let direction: Direction
    public let grain: Grain
    public let owner: PersonRef
    public let reporters: [String]
    /// The latest period with a value (nil when nothing was reported).
    public let period: String?
    public let value: Double?
    /// Observation statuses of the values combined (A, P, E).
    public let observation: [String]
    public let target: Double?
    public let red: Double?
    public let status: KpiStatus
    public let previousValue: Double?
    public let trend: Trend
    /// Values superseded by a correction for this period (kept, and shown).
    public let corrections: Int
    /// KPIs this one contributes to, and goals.
    public let contributesTo: [String]
    public let goals: [String]
    /// The chain's values (`ChainProfile.customerValues`, `internalValues`) this KPI measures, by id.
    public let measures: [String]
    /// Statuses of the KPIs that contribute to this one.
    public let contributors: [Contributor]

    /// A KPI that feeds this one, with its status and what its link claims.
    public struct Contributor: Sendable, Codable, Equatable {
        public let kpi: String
        public let status: KpiStatus
        /// Why the contributor should move this KPI, when its link says so.
        public let hypothesis: String?
        /// After how many periods of this KPI the effect is expected (nil: not said, read as 0).
        public let lag: Int?
    }
}

/// A chain's KPI tree at a moment.
public struct KpiTree: Sendable, Codable, Equatable {
    public let chain: String
    public let name: String
    public let moment: Moment
    /// Result KPIs first, then chain and process KPIs.
    public let kpis: [KpiState]

    /// The same tree at another moment of the same revision (`ReadModels.kpiTreeRevision`).
    public func at(_ other: Moment) -> KpiTree {
        KpiTree(chain: chain, name: name, moment: other, kpis: kpis)
    }
}

/// One value of a KPI for a period, as recorded and as corrected.
public struct MeasurementRow: Sendable, Codable, Equatable {
    public let kpi: String
    public let period: String
    public let organisation: String
    public let value: Double
    public let status: String
    public let source: String
    public let note: String?
    public let position: UInt64
    public let recordedAt: String
    public let supersedes: UInt64?
    public let reason: String?
    /// The position of the correction that replaced this value, if any (as of the moment asked).
    public let supersededAt: UInt64?
}

extension ReadModels {
    /// The KPI tree of a chain as of a moment.
    public func kpiTree(chain: String, asOf: AsOf = .now) async throws -> KpiTree {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            return try Self.kpiTree(chain: chain, moment: moment, db)
        }
    }

    /// The position of the last entry before `moment` that changed anything a chain's KPI tree
    /// shows: the chain, its KPIs, their links, the values they measure, targets and measurements. Two moments with the
    /// same revision have the same tree but for the moment itself, so a tree computed for one
    /// serves the other. Nil when the chain has never existed before the moment.
    public func kpiTreeRevision(chain: String, moment: Moment) async throws -> UInt64? {
        try await database.read { db in try Self.kpiTreeRevision(chain: chain, size: moment.size, db) }
    }

    /// `kpiTreeRevision` for several chains in one read; chains without a revision are left out.
    public func kpiTreeRevisions(chains: [String], moment: Moment) async throws -> [String: UInt64] {
        try await database.read { db in
            var revisions: [String: UInt64] = [:]
            for chain in chains {
                revisions[chain] = try Self.kpiTreeRevision(chain: chain, size: moment.size, db)
            }
            return revisions
        }
    }

    static func kpiTreeRevision(chain: String, size: UInt64, _ db: Database) throws -> UInt64? {
        // A row changes a tree at its valid_from (it appears) and its valid_to (it is replaced). A
        // measurement or target is only ever replaced by a later one of the same KPI, whose
        // valid_from is the same position, so their valid_from suffices.
        let revision = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    WITH chain_kpis AS (SELECT DISTINCT kpi FROM kpis WHERE chain = ?1)
                    SELECT MAX(p) FROM (
                        SELECT MAX(valid_from) AS p FROM chains WHERE chain = ?1 AND valid_from < ?2
                        UNION ALL SELECT MAX(valid_to) FROM chains WHERE chain = ?1 AND valid_to < ?2
                        UNION ALL SELECT MAX(valid_from) FROM kpis WHERE chain = ?1 AND valid_from < ?2
                        UNION ALL SELECT MAX(valid_to) FROM kpis WHERE chain = ?1 AND valid_to < ?2
                        UNION ALL SELECT MAX((SELECT MAX(valid_from) FROM kpi_links l WHERE l.kpi = k.kpi AND l.valid_from < ?2)) FROM chain_kpis k
                        UNION ALL SELECT MAX((SELECT MAX(valid_to) FROM kpi_links l WHERE l.kpi = k.kpi AND l.valid_to < ?2)) FROM chain_kpis k
                        UNION ALL SELECT MAX((SELECT MAX(valid_from) FROM kpi_values v WHERE v.kpi = k.kpi AND v.valid_from < ?2)) FROM chain_kpis k
                        UNION ALL SELECT MAX((SELECT MAX(valid_to) FROM kpi_values v WHERE v.kpi = k.kpi AND v.valid_to < ?2)) FROM chain_kpis k
                        UNION ALL SELECT MAX((SELECT MAX(valid_from) FROM targets t WHERE t.kpi = k.kpi AND t.valid_from < ?2)) FROM chain_kpis k
                        UNION ALL SELECT MAX((SELECT MAX(valid_from) FROM measurements m WHERE m.kpi = k.kpi AND m.valid_from < ?2 AND \(ProjectionSchema.originals))) FROM chain_kpis k
                        UNION ALL SELECT MAX((SELECT MAX(valid_from) FROM measurements m WHERE m.kpi = k.kpi AND m.valid_from < ?2 AND \(ProjectionSchema.corrections))) FROM chain_kpis k
                    )
                    """), arguments: [chain, Int64(size)])
        return revision.map { UInt64($0) }
    }

    /// The KPI trees of every chain as of a moment.
    public func kpiTrees(asOf: AsOf = .now) async throws -> [KpiTree] {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            return try Self.chains(moment, db).map { try Self.kpiTree(chain: $0.chain, moment: moment, db) }
        }
    }

    /// Every value of a KPI (superseded ones included), oldest period first, as of a moment.
    public func measurements(kpi: String, asOf: AsOf = .now) async throws -> [MeasurementRow] {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM measurements WHERE kpi = ? AND valid_from < ? ORDER BY first_day, valid_from
                    """, arguments: [kpi, Int64(moment.size)]
            ).map { Self.measurement($0, size: moment.size) }
        }
    }

    /// Bitemporal: what the ledger knew at `asOf` about `kpi` in `period` (the measurement period
    /// and the recorded time are separate axes). The combined value and the values behind it.
    public func value(kpi: String, period: Period, asOf: AsOf = .now) async throws -> (value: Double?, rows: [MeasurementRow]) {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            guard
                let aggregation = try String.fetchOne(
                    db, sql: "SELECT aggregation FROM kpis WHERE kpi = ? AND valid_from < ? ORDER BY valid_from DESC LIMIT 1",
                    arguments: [kpi, Int64(moment.size)]
                ).flatMap(Aggregation.init(rawValue:))
            else {
                throw ReadModelError(
                    "there is no KPI \(kpi) at position \(moment.size)", code: "no-kpi", facts: ["kpi": kpi, "position": "\(moment.size)"])
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM measurements WHERE kpi = ? AND first_day = ? AND \(current) ORDER BY organisation",
                arguments: [kpi, period.days.lowerBound.description, Int64(moment.size), Int64(moment.size)]
            )
            .map { Self.measurement($0, size: moment.size) }
            return (Combination.combine(rows.map { ($0.value, $0.position) }, by: aggregation), rows)
        }
    }

    static func measurement(_ row: Row, size: UInt64) -> MeasurementRow {
        let supersededAt: Int64? = row["valid_to"]
        return MeasurementRow(
            kpi: row["kpi"], period: row["period"], organisation: row["organisation"], value: row["value"], status: row["status"],
            source: row["source"], note: row["note"], position: UInt64(row["valid_from"] as Int64),
            recordedAt: Timestamp(milliseconds: row["recorded_at"]).description, supersedes: (row["supersedes"] as Int64?).map(UInt64.init),
            reason: row["reason"], supersededAt: supersededAt.flatMap { UInt64($0) < size ? UInt64($0) : nil })
    }

    struct ChainRow {
        let chain: String
        let name: String
        let partners: [String]
        let cadence: Cadence
        let definedAt: UInt64
        let parent: String?
    }

    static func chains(_ moment: Moment, _ db: Database) throws -> [ChainRow] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM chains WHERE \(current) AND retired = 0 ORDER BY chain",
            arguments: [Int64(moment.size), Int64(moment.size)]
        ).map {
            ChainRow(
                chain: $0["chain"], name: $0["name"], partners: decodeList($0["partners"], as: [String].self) ?? [],
                cadence: Cadence(rawValue: $0["cadence"]) ?? .monthly, definedAt: UInt64($0["defined_at"] as Int64), parent: $0["parent"])
        }
    }

    static func kpiTree(chain: String, moment: Moment, _ db: Database) throws -> KpiTree {
        guard
            let chainRow = try Row.fetchOne(
                db, sql: "SELECT name FROM chains WHERE chain = ? AND \(current)",
                arguments: [chain, Int64(moment.size), Int64(moment.size)])
        else {
            throw ReadModelError(
                "there is no chain \(chain) at position \(moment.size)", code: "no-chain", facts: ["chain": chain, "position": "\(moment.size)"])
        }
        let size = Int64(moment.size)
        let kpiRows = try Row.fetchAll(
            db, sql: "SELECT * FROM kpis WHERE chain = ? AND \(current) AND retired = 0",
            arguments: [chain, size, size])
        var links: [String: [Link]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT l.kpi, l.target_kind, l.target, l.hypothesis, l.lag FROM kpi_links l JOIN kpis k ON k.kpi = l.kpi
                WHERE k.chain = ? AND k.valid_from < ? AND (k.valid_to IS NULL OR k.valid_to >= ?)
                  AND l.valid_from < ? AND (l.valid_to IS NULL OR l.valid_to >= ?)
                """, arguments: [chain, size, size, size, size])
        {
            links[row["kpi"], default: []].append(
                Link(kind: row["target_kind"], target: row["target"], hypothesis: row["hypothesis"], lag: row["lag"]))
        }
        var measures: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT v.kpi, v.value FROM kpi_values v JOIN kpis k ON k.kpi = v.kpi
                WHERE k.chain = ? AND k.valid_from < ? AND (k.valid_to IS NULL OR k.valid_to >= ?)
                  AND v.valid_from < ? AND (v.valid_to IS NULL OR v.valid_to >= ?)
                ORDER BY v.kpi, v.value
                """, arguments: [chain, size, size, size, size])
        {
            measures[row["kpi"], default: []].append(row["value"])
        }
        var states: [String: KpiState] = [:]
        let latest = try LatestPeriods(size: moment.size, db)
        for row in kpiRows {
            let kpi: String = row["kpi"]
            let base = try kpiState(row, links: links[kpi] ?? [], measures: measures[kpi] ?? [], moment: moment, latest: latest, db)
            states[kpi] = base
        }
        // Each KPI with the statuses of what contributes to it.
        var contributors: [String: [KpiState.Contributor]] = [:]
        for state in states.values {
            for link in links[state.kpi] ?? [] where link.kind == "kpi" {
                contributors[link.target, default: []].append(
                    .init(kpi: state.kpi, status: state.status, hypothesis: link.hypothesis, lag: link.lag))
            }
        }
        let ordered = states.values.map { state in
            KpiState(
                kpi: state.kpi, chain: state.chain, name: state.name, level: state.level, step: state.step, unit: state.unit,
                direction: state.direction, grain: state.grain, owner: state.owner, reporters: state.reporters, period: state.period,
                value: state.value, observation: state.observation, target: state.target, red: state.red, status: state.status,
                previousValue: state.previousValue, trend: state.trend, corrections: state.corrections,
                contributesTo: state.contributesTo, goals: state.goals, measures: state.measures,
                contributors: (contributors[state.kpi] ?? []).sorted { $0.kpi < $1.kpi })
        }.sorted { ($1.level, $0.kpi) < ($0.level, $1.kpi) }
        return KpiTree(chain: chain, name: chainRow["name"], moment: moment, kpis: ordered)
    }

    /// The state of one KPI: its latest period with a value as of the moment.
    static func kpiState(
        _ row: Row, links: [Link], measures: [String], moment: Moment, latest: LatestPeriods,
        _ db: Database
    ) throws -> KpiState {
        let kpi: String = row["kpi"]
        let direction = Direction(rawValue: row["direction"]) ?? .higher
        let aggregation = Aggregation(rawValue: row["aggregation"]) ?? .average
        let grain = Grain(rawValue: row["grain"]) ?? .month
        let size = Int64(moment.size)
        let latest = try latest.firstDay(kpi: kpi, db)
        var period: Period?
        var value: Double?
        var observation: [String] = []
        var previousValue: Double?
        var corrections = 0
        var target: (Double, Double)?
        if let latest, let day = CalendarDate(latest), let current = Period.containing(day, grain: grain) {
            period = current
            let values = try Self.values(kpi: kpi, period: current, size: moment.size, db)
            value = Combination.combine(values.map { ($0.value, $0.position) }, by: aggregation)
            observation = Array(Set(values.map(\.status))).sorted()
            previousValue = Combination.combine(
                try current.previous.map { try Self.values(kpi: kpi, period: $0, size: moment.size, db) }?.map { ($0.value, $0.position) } ?? [],
                by: aggregation)
            corrections =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM measurements WHERE kpi = ? AND first_day = ? AND valid_from < ? AND valid_to IS NOT NULL AND valid_to < ?
                        """, arguments: [kpi, latest, size, size]) ?? 0
            target = try Self.target(kpi: kpi, period: current, size: moment.size, db)
        }
        return KpiState(
            kpi: kpi, chain: row["chain"], name: row["name"], level: KPILevel(rawValue: row["level"]) ?? .process, step: row["step"],
            unit: row["unit"], direction: direction, grain: grain,
            owner: PersonRef(organisation: row["owner_organisation"], person: row["owner_person"]),
            reporters: decodeList(row["reporters"], as: [String].self) ?? [], period: period?.description, value: value,
            observation: observation, target: target?.0, red: target?.1,
            status: KpiStatus.evaluate(value: value, target: target?.0, red: target?.1, direction: direction),
            previousValue: previousValue, trend: Trend.between(previous: previousValue, current: value, direction: direction),
            corrections: corrections, contributesTo: links.filter { $0.kind == "kpi" }.map(\.target).sorted(),
            goals: links.filter { $0.kind == "goal" }.map(\.target).sorted(), measures: measures, contributors: [])
    }

    /// A current row of `kpi_links`: a KPI's link to a KPI or a goal, with what a link to a KPI claims.
    struct Link {
        let kind: String
        let target: String
        let hypothesis: String?
        let lag: Int?
    }

    struct Value {
        let value: Double
        let position: UInt64
        let status: String
        let organisation: String
    }

    /// The current values of a KPI for a period, one per reporting organisation.
    static func values(kpi: String, period: Period, size: UInt64, _ db: Database) throws -> [Value] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT value, valid_from, status, organisation FROM measurements WHERE kpi = ? AND first_day = ? AND \(current)
                """, arguments: [kpi, period.days.lowerBound.description, Int64(size), Int64(size)]
        ).map {
            Value(value: $0[0], position: UInt64($0[1] as Int64), status: $0[2], organisation: $0[3])
        }
    }

    /// The target (target, red) that applied to `period`, as known at `size`: the latest set.
    static func target(kpi: String, period: Period, size: UInt64, _ db: Database) throws -> (Double, Double)? {
        let first = period.days.lowerBound.description
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT target, red FROM targets WHERE kpi = ? AND valid_from < ? AND first_day <= ? AND (last_day IS NULL OR last_day >= ?)
                    ORDER BY valid_from DESC LIMIT 1
                    """, arguments: [kpi, Int64(size), first, first])
        else { return nil }
        return (row[0], row[1])
    }
}

/// Finds the latest period of a KPI that has a value as of a moment.
///
/// A corrected value keeps its period, and the original it corrects came earlier, so the
/// originals alone (`ProjectionSchema.originals`) give the answer. There are two ways to find
/// it, each reading index entries in proportion to one side of the moment: from the latest
/// period down until one was recorded before the moment (so, the entries recorded after it), or
/// every original recorded before the moment. The first serves moments in the later half of
/// what the tables hold, the second the earlier half.
struct LatestPeriods {
    /// The log size of the moment.
    let size: UInt64
    /// For a moment in the earlier half: the partial index of the originals, by KPI and position.
    let originals: String?

    init(size: UInt64, _ db: Database) throws {
        self.size = size
        let projected = UInt64(try Int64.fetchOne(db, sql: "SELECT position FROM projection_state WHERE name = 'log'") ?? 0)
        originals = size < projected / 2 ? try Self.partialIndex(where: ProjectionSchema.originals, db) : nil
    }

    /// The name of the live measurements' partial index with `condition`: its generation changes
    /// with every rebuild.
    static func partialIndex(where condition: String, _ db: Database) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'measurements' AND sql LIKE ?
                """, arguments: ["%WHERE \(condition)"])
    }

    /// The first day of the latest period of `kpi` with a value as of the moment.
    func firstDay(kpi: String, _ db: Database) throws -> String? {
        if let originals {
            return try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT MAX(first_day) FROM measurements INDEXED BY \(originals) WHERE kpi = ? AND valid_from < ? AND \(ProjectionSchema.originals)
                        """), arguments: [kpi, Int64(size)])
        }
        return try String.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT first_day FROM measurements WHERE kpi = ? AND valid_from < ? ORDER BY first_day DESC LIMIT 1
                    """), arguments: [kpi, Int64(size)])
    }
}
