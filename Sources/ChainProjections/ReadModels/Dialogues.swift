public import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// Per chain: the dialogues held, whether the next is overdue, the decisions and the actions.
public struct DialoguesReport: Sendable, Codable, Equatable {
    public struct DecisionRow: Sendable, Codable, Equatable {
        public let decision: String
        public let dialogue: String
        public let text: String
        public let rationale: String
        public let decidedBy: PersonRef
        public let evidencePositions: [UInt64]
        public let evidenceKpis: [String]
        public let position: UInt64
        public let recordedAt: String
    }

    public struct ActionRow: Sendable, Codable, Equatable {
        public let action: String
        public let dialogue: String
        public let text: String
        public let owner: PersonRef
        public let due: String
        public let doneOn: String?
        public let overdue: Bool
    }

    public struct ChainDialogues: Sendable, Codable, Equatable {
        public let chain: String
        public let cadence: Cadence
        /// The dialogues the chain's own team held (at the chain level), oldest first.
        public let dialogues: [String]
        /// The day each of `dialogues` was held, in the same order.
        public let heldOn: [String]
        public let lastHeld: String?
        /// The day the next dialogue is due (cadence plus the policy's grace), and whether that has passed.
        public let nextDue: String
        public let overdue: Bool
        public let decisions: [DecisionRow]
        public let actions: [ActionRow]
    }

    /// The coalition's strategic dialogues (on its goals, not one chain), with their decisions and
    /// actions.
    public struct StrategicDialogues: Sendable, Codable, Equatable {
        public let dialogues: [String]
        /// The day each of `dialogues` was held, in the same order.
        public let heldOn: [String]
        public let decisions: [DecisionRow]
        public let actions: [ActionRow]
    }

    public let moment: Moment
    public let chains: [ChainDialogues]
    /// The strategic dialogues; nil when the report is of one chain.
    public let strategic: StrategicDialogues?
}

extension ReadModels {
    public func dialogues(chain: String? = nil, asOf: AsOf = .now) async throws -> DialoguesReport {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            return DialoguesReport(
                moment: moment,
                chains: try Self.chains(moment, db).filter { chain == nil || $0.chain == chain }.map {
                    try Self.dialogues(of: $0, moment: moment, db)
                }, strategic: chain == nil ? try Self.strategicDialogues(moment, db) : nil)
        }
    }

    static func policy(_ moment: Moment, _ db: Database) throws -> PolicySet {
        let size = Int64(moment.size)
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM policy WHERE \(current)", arguments: [size, size]) else { return .defaults }
        return PolicySet(
            kpiLimitPerChain: row["kpi_limit"], staleGraceDays: row["stale_grace_days"], dialogueGraceDays: row["dialogue_grace_days"],
            ownerSpan: row["owner_span"])
    }

    static func dialogues(of chain: ChainRow, moment: Moment, _ db: Database) throws -> DialoguesReport.ChainDialogues {
        let size = Int64(moment.size)
        let held = try Row.fetchAll(
            db, sql: "SELECT dialogue, day FROM dialogues WHERE chain = ? AND level = 'chain' AND valid_from < ? ORDER BY day, dialogue",
            arguments: [chain.chain, size])
        let lastDay = held.last.flatMap { CalendarDate($0["day"] as String) }
        let definedDay = try day(ofPosition: Int64(chain.definedAt), db)
        let grace = try policy(moment, db).dialogueGraceDays
        let from = lastDay ?? definedDay ?? moment.day
        let due = from.addingDays(chain.cadence.days + grace)
        let decisions = try Row.fetchAll(
            db, sql: "SELECT * FROM decisions WHERE chain = ? AND valid_from < ? ORDER BY valid_from",
            arguments: [chain.chain, size]
        ).map(Self.decision)
        let actions = try Row.fetchAll(
            db, sql: "SELECT * FROM actions WHERE chain = ? AND \(current) ORDER BY due, action",
            arguments: [chain.chain, size, size]
        ).map { Self.action($0, moment: moment) }
        return .init(
            chain: chain.chain, cadence: chain.cadence, dialogues: held.map { $0["dialogue"] }, heldOn: held.map { $0["day"] },
            lastHeld: lastDay?.description,
            nextDue: due.description, overdue: due < moment.day, decisions: decisions, actions: actions)
    }

    /// The strategic dialogues held by `moment`, and their decisions and actions (which name no chain).
    static func strategicDialogues(_ moment: Moment, _ db: Database) throws -> DialoguesReport.StrategicDialogues {
        let size = Int64(moment.size)
        let held = try Row.fetchAll(
            db, sql: "SELECT dialogue, day FROM dialogues WHERE level = 'strategic' AND valid_from < ? ORDER BY day, dialogue", arguments: [size])
        return .init(
            dialogues: held.map { $0["dialogue"] }, heldOn: held.map { $0["day"] },
            decisions: try Row.fetchAll(
                db, sql: "SELECT * FROM decisions WHERE chain IS NULL AND valid_from < ? ORDER BY valid_from", arguments: [size]
            ).map(Self.decision),
            actions: try Row.fetchAll(
                db, sql: "SELECT * FROM actions WHERE chain IS NULL AND \(current) ORDER BY due, action", arguments: [size, size]
            ).map { Self.action($0, moment: moment) })
    }

    static func action(_ row: Row, moment: Moment) -> DialoguesReport.ActionRow {
        let doneOn: String? = row["done_on"]
        let dueDay = CalendarDate(row["due"] as String)
        return .init(
            action: row["action"], dialogue: row["dialogue"], text: row["text"],
            owner: PersonRef(organisation: row["owner_organisation"], person: row["owner_person"]), due: row["due"], doneOn: doneOn,
            overdue: doneOn == nil && (dueDay.map { $0 < moment.day } ?? false))
    }

    static func decision(_ row: Row) -> DialoguesReport.DecisionRow {
        .init(
            decision: row["decision"], dialogue: row["dialogue"], text: row["text"], rationale: row["rationale"],
            decidedBy: PersonRef(organisation: row["decided_by_organisation"], person: row["decided_by_person"]),
            evidencePositions: decodeList(row["evidence_positions"], as: [UInt64].self) ?? [],
            evidenceKpis: decodeList(row["evidence_kpis"], as: [String].self) ?? [],
            position: UInt64(row["valid_from"] as Int64), recordedAt: Timestamp(milliseconds: row["recorded_at"]).description)
    }
}
