public import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// What a coordinator comes for: a decision, the KPI state exactly as the ledger knew it when
/// the decision was recorded, the same KPIs now, and every correction and late figure since.
public struct DecisionAudit: Sendable, Codable, Equatable {
    public struct AuditedKpi: Sendable, Codable, Equatable {
        public let kpi: String
        /// Whether the decision named this KPI as evidence.
        public let evidence: Bool
        /// As the ledger knew it when the decision was recorded.
        public let then: KpiState
        /// The same period's value as the ledger knows it now.
        public let samePeriodNow: Double?
        public let samePeriodStatusNow: KpiStatus
        /// The KPI's latest state now.
        public let now: KpiState
    }

    public struct Correction: Sendable, Codable, Equatable {
        public let kpi: String
        public let period: String
        public let organisation: String
        public let previousValue: Double?
        public let value: Double
        public let position: UInt64
        public let recordedAt: String
        public let reason: String
    }

    public let decision: DialoguesReport.DecisionRow
    /// The chain of the dialogue; nil for a strategic dialogue's decision, whose audited KPIs are
    /// its evidence KPIs, in whatever chain, and which has no reds not discussed.
    public let chain: String?
    /// The ledger when the decision was recorded (entries before it).
    public let then: Moment
    /// The ledger position the dialogue said it reviewed.
    public let reviewedPosition: UInt64
    public let now: Moment
    public let kpis: [AuditedKpi]
    /// Corrections recorded since the decision, of the KPIs above.
    public let corrections: [Correction]
    /// Values recorded after the decision for periods the decision could already review (up to
    /// each KPI's latest period then): figures that arrived late.
    public let late: [MeasurementRow]
    /// The agenda the dialogue followed (`DialoguePrepared`), if it cited one.
    public let agenda: Agenda?
    /// KPIs red in the ledger the dialogue reviewed that were neither on the agenda nor cited as
    /// evidence by any decision of the dialogue.
    public let redsNotDiscussed: [String]

    /// A dialogue's agenda, as signed before it.
    public struct Agenda: Sendable, Codable, Equatable {
        public let preparation: String
        public let plannedOn: String
        public let items: [AgendaItem]
        public let invited: [String]
        public let position: UInt64
        public let recordedAt: String
    }
}

extension ReadModels {
    public func audit(decision id: String) async throws -> DecisionAudit {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM decisions WHERE decision = ?", arguments: [id]) else {
                throw ReadModelError("there is no decision \(id); `chainledger decisions` lists them", code: "no-decision", facts: ["decision": id])
            }
            let decision = Self.decision(row)
            let chain: String? = row["chain"]
            let reviewed =
                try Int64.fetchOne(db, sql: "SELECT reviewed_position FROM dialogues WHERE dialogue = ?", arguments: [decision.dialogue]) ?? 0
            let then = try Self.resolve(.position(decision.position), db)
            let now = try Self.resolve(.now, db)
            let evidence = Set(decision.evidenceKpis)
            // A chain's KPIs at a moment; for a strategic decision, its evidence KPIs from their chains' trees.
            let evidenceChains =
                chain != nil
                ? []
                : try Set(
                    decision.evidenceKpis.compactMap {
                        try String.fetchOne(db, sql: "SELECT chain FROM kpis WHERE kpi = ? LIMIT 1", arguments: [$0])
                    })
            func kpis(at moment: Moment) throws -> [KpiState] {
                if let chain { return try Self.kpiTree(chain: chain, moment: moment, db).kpis }
                return try evidenceChains.sorted().flatMap { try Self.kpiTree(chain: $0, moment: moment, db).kpis }.filter {
                    evidence.contains($0.kpi)
                }
            }
            let kpisThen = try kpis(at: then)
            let kpisNow = (try? kpis(at: now)) ?? []
            var audited: [DecisionAudit.AuditedKpi] = []
            for state in kpisThen.sorted(by: { (evidence.contains($0.kpi) ? 0 : 1, $0.kpi) < (evidence.contains($1.kpi) ? 0 : 1, $1.kpi) }) {
                var samePeriod: Double?
                if let text = state.period, let period = Period(text),
                    let aggregation = try String.fetchOne(
                        db, sql: "SELECT aggregation FROM kpis WHERE kpi = ? ORDER BY valid_from DESC LIMIT 1", arguments: [state.kpi]
                    )
                    .flatMap(Aggregation.init(rawValue:))
                {
                    samePeriod = Combination.combine(
                        try Self.values(kpi: state.kpi, period: period, size: now.size, db).map { ($0.value, $0.position) },
                        by: aggregation)
                }
                let current = kpisNow.first { $0.kpi == state.kpi } ?? state
                audited.append(
                    .init(
                        kpi: state.kpi, evidence: evidence.contains(state.kpi), then: state, samePeriodNow: samePeriod,
                        samePeriodStatusNow: KpiStatus.evaluate(value: samePeriod, target: state.target, red: state.red, direction: state.direction),
                        now: current))
            }
            let kpis = audited.map(\.kpi)
            let corrections = try Self.corrections(of: kpis, from: decision.position, to: now.size, db)
            var late: [MeasurementRow] = []
            for kpi in audited {
                guard let text = kpi.then.period, let period = Period(text) else { continue }
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM measurements WHERE kpi = ? AND valid_from >= ? AND supersedes IS NULL AND first_day <= ? ORDER BY valid_from
                        """, arguments: [kpi.kpi, Int64(decision.position), period.days.lowerBound.description])
                {
                    late.append(Self.measurement(row, size: now.size))
                }
            }
            late.sort { $0.position < $1.position }
            let agenda = try Self.agenda(of: decision.dialogue, db)
            let cited = Set(
                try String.fetchAll(db, sql: "SELECT evidence_kpis FROM decisions WHERE dialogue = ?", arguments: [decision.dialogue])
                    .flatMap { decodeList($0, as: [String].self) ?? [] })
            let onAgenda = Set(agenda?.items.flatMap(\.kpis) ?? [])
            // Red in the ledger the dialogue reviewed: what it could have seen.
            // A chain defined after the reviewed position had no KPIs to be red.
            let reviewedTree: KpiTree?
            do {
                reviewedTree = try chain.map { try Self.kpiTree(chain: $0, moment: try Self.resolve(.position(UInt64(reviewed)), db), db) }
            } catch is ReadModelError {
                reviewedTree = nil
            }
            let reds = (reviewedTree?.kpis ?? []).filter { $0.status == .red && !cited.contains($0.kpi) && !onAgenda.contains($0.kpi) }
                .map(\.kpi)
            return DecisionAudit(
                decision: decision, chain: chain, then: then, reviewedPosition: UInt64(reviewed), now: now,
                kpis: audited, corrections: corrections, late: late, agenda: agenda, redsNotDiscussed: reds.sorted())
        }
    }

    /// The agenda dialogue `dialogue` cited, if any.
    static func agenda(of dialogue: String, _ db: Database) throws -> DecisionAudit.Agenda? {
        guard let preparation = try String.fetchOne(db, sql: "SELECT preparation FROM dialogues WHERE dialogue = ?", arguments: [dialogue])
        else { return nil }
        return try agenda(preparation: preparation, db)
    }

    /// Preparation `preparation`'s agenda.
    static func agenda(preparation: String, _ db: Database) throws -> DecisionAudit.Agenda? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM dialogue_preparations WHERE preparation = ?", arguments: [preparation])
        else { return nil }
        return DecisionAudit.Agenda(
            preparation: preparation, plannedOn: row["planned_on"], items: decodeList(row["agenda"], as: [AgendaItem].self) ?? [],
            invited: decodeList(row["invited"], as: [String].self) ?? [], position: UInt64(row["valid_from"] as Int64),
            recordedAt: Timestamp(milliseconds: row["recorded_at"]).description)
    }
}
