import ChainDomain
import Foundation
import GRDB
import LedgerCore
import SQLiteSupport

/// Writes what each log entry changes into the read models' tables (the live ones, or a rebuild's
/// shadow tables when `suffix` is set). Versioned rows are closed (`valid_to`) and replaced, never
/// deleted, so that every past state stays queryable.
///
/// One file per concern, as the rules (`ChainRules+…`) and the state (`ChainState+…`) are split:
/// `ProjectionApplier+Coalition.swift`, `+Chains`, `+Kpis`, `+Measurements`, `+Agreements`, `+Dialogues`.
struct ProjectionApplier {
    let db: Database
    let suffix: String
    /// During a rebuild, corrections do not close the value they supersede row by row: the
    /// rebuild closes them all in one statement at the end (`closeSupersededMeasurements`).
    let deferClosingMeasurements: Bool
    private var statements: [String: BulkInsert] = [:]
    /// First days of periods, spelled once each (`firstDay`).
    var firstDays: [Period: String] = [:]
    /// The commit of the entry applied last.
    private var lastCommit: CommitID?

    init(_ db: Database, suffix: String, deferClosingMeasurements: Bool = false) {
        self.db = db
        self.suffix = suffix
        self.deferClosingMeasurements = deferClosingMeasurements
    }

    /// Runs `sql` (with `@` standing for the table suffix) as a cached statement.
    mutating func run(_ sql: String, _ values: [BulkInsert.Value]) throws {
        if let statement = statements[sql] {
            try statement.execute(values)
            return
        }
        let statement = try BulkInsert(db, sql: sql.replacingOccurrences(of: "@", with: suffix))
        statements[sql] = statement
        try statement.execute(values)
    }

    /// Closes the current version of a row (`table` with `@` for the suffix, `key` a WHERE clause).
    mutating func close(_ table: String, _ key: String, _ values: [BulkInsert.Value], at position: UInt64) throws {
        try run("UPDATE \(table)@ SET valid_to = ? WHERE \(key) AND valid_to IS NULL", [.integer(Int64(position))] + values)
    }

    /// Closes the current version of a row of `table` (`key` a WHERE clause) and inserts the next one, valid
    /// from `position`: the closed row's values but for `changes`, by column name.
    mutating func supersede(
        _ table: String, _ key: String, _ keyValues: [BulkInsert.Value], changing changes: KeyValuePairs<String, BulkInsert.Value>,
        at position: UInt64
    ) throws {
        try close(table, key, keyValues, at: position)
        let columns = ProjectionSchema.columnNames(of: table).filter { $0 != "valid_from" && $0 != "valid_to" }
        var selected: [String] = []
        var values: [BulkInsert.Value] = []
        for column in columns {
            if let change = changes.first(where: { $0.key == column }) {
                selected.append("?")
                values.append(change.value)
            } else {
                selected.append(column)
            }
        }
        let list = columns.joined(separator: ", ")
        try run(
            """
            INSERT INTO \(table)@ (\(list), valid_from, valid_to) SELECT \(selected.joined(separator: ", ")), ?, NULL
            FROM \(table)@ WHERE \(key) AND valid_to = ?
            """, values + [Self.integer(position)] + keyValues + [Self.integer(position)])
    }

    // MARK: - Values

    static func text(_ value: String?) -> BulkInsert.Value { value.map { .text($0) } ?? .null }
    static func integer(_ value: some BinaryInteger) -> BulkInsert.Value { .integer(Int64(value)) }
    static func json(_ values: [String]) -> BulkInsert.Value {
        .text("[" + values.map { JSONText.quoted($0) }.joined(separator: ",") + "]")
    }
    static func json(_ positions: [UInt64]) -> BulkInsert.Value {
        .text("[" + positions.map(String.init).joined(separator: ",") + "]")
    }
    /// `value` as the JSON this project stores; `what` names it if it cannot be written.
    static func json<T: Encodable>(encoded value: T, what: @autoclosure () -> String) throws -> BulkInsert.Value {
        .text(String(decoding: try CanonicalJSON.encode(value, what: what()), as: UTF8.self))
    }

    // MARK: - Commits

    /// Records where a commit starts and when it was recorded, in the timeline.
    mutating func commitStarts(at position: UInt64, id: CommitID, recordedAt: Timestamp) throws {
        try run(
            "INSERT INTO timeline@ (first_position, recorded_at, commit_id) VALUES (?, ?, ?)",
            [.integer(Int64(position)), .integer(recordedAt.milliseconds), .text(id.hex)])
    }

    // MARK: - Events

    /// An entry read and decoded, ready to apply (decoding runs in parallel, applying in order).
    struct Prepared: Sendable {
        enum Kind: Sendable {
            case core(EventLine)
            case chain(ChainEvent)
            case other
        }

        let position: UInt64
        let recordedAt: Timestamp
        let commit: CommitID
        let kind: Kind

        init(_ stored: StoredEntry) throws(LedgerError) {
            position = stored.position
            recordedAt = stored.recordedAt
            commit = stored.commit
            let event = try stored.eventLine()
            if CoreEvent.isCoreStream(event.stream) {
                kind = .core(event)
            } else if ChainEventType(rawValue: event.type) != nil {
                do {
                    kind = .chain(try ChainEvent.decode(event))
                } catch {
                    throw .corrupted(position: position, reason: "unreadable \(event.type): \(error.message)")
                }
            } else {
                kind = .other
            }
        }
    }

    /// Applies one prepared entry. `previousCommit` is the commit of the entry before it in the log
    /// (nil at position 0), so that the first entry of every commit starts a timeline row.
    mutating func apply(_ entry: Prepared, previousCommit: CommitID?) throws {
        if entry.commit != (lastCommit ?? previousCommit) || entry.position == 0 {
            try commitStarts(at: entry.position, id: entry.commit, recordedAt: entry.recordedAt)
        }
        lastCommit = entry.commit
        switch entry.kind {
        case .core(let event): try applyCore(event, at: entry.position)
        case .chain(let event): try applyChain(event, at: entry.position, recordedAt: entry.recordedAt)
        case .other: break
        }
    }

    private mutating func applyChain(_ event: ChainEvent, at position: UInt64, recordedAt: Timestamp) throws {
        switch event {
        case .missionDefined(let mission): try applyMissionDefined(mission, at: position)
        case .policySet(let policy): try applyPolicySet(policy, at: position)
        case .memberRegistered(let member), .memberChanged(let member): try applyMember(member, at: position)
        case .roleGranted(let change): try applyRoleGranted(change, at: position)
        case .roleRevoked(let change): try applyRoleRevoked(change, at: position)
        case .chainDefined(let chain), .chainChanged(let chain): try applyChainDefinition(chain, at: position)
        case .chainOwnerAssigned(let assignment): try applyChainOwnerAssigned(assignment, at: position, recordedAt: recordedAt)
        case .chainRetired(let retirement): try applyChainRetired(retirement, at: position)
        case .customerValuesSet(let values): try applyCustomerValuesSet(values, at: position)
        case .kpiDefined(let kpi): try applyKpiDefined(kpi, at: position)
        case .kpiLinked(let link): try applyKpiLinked(link, at: position)
        case .kpiUnlinked(let link): try applyKpiUnlinked(link, at: position)
        case .kpiOwnerAssigned(let assignment): try applyKpiOwnerAssigned(assignment, at: position)
        case .kpiReportersSet(let change): try applyKpiReportersSet(change, at: position)
        case .kpiValuesSet(let change): try applyKpiValuesSet(change, at: position)
        case .kpiRetired(let retirement): try applyKpiRetired(retirement, at: position)
        case .targetSet(let target): try applyTargetSet(target, at: position)
        case .measurementRecorded(let measurement), .measurementCorrected(let measurement):
            try applyMeasurement(measurement, at: position, recordedAt: recordedAt)
        case .agreementProposed(let terms), .agreementAmended(let terms): try applyAgreementTerms(terms, at: position)
        case .agreementSigned(let signature): try applyAgreementSigned(signature, at: position)
        case .agreementDeclined(let decline): try applyAgreementDeclined(decline, at: position)
        case .agreementTerminated(let termination): try applyAgreementTerminated(termination, at: position)
        case .commitmentFulfilled(let fulfilment): try applyCommitmentFulfilled(fulfilment, at: position)
        case .dialogueHeld(let dialogue): try applyDialogueHeld(dialogue, at: position, recordedAt: recordedAt)
        case .actionCompleted(let completion): try applyActionCompleted(completion, at: position)
        case .dialoguePrepared(let preparation): try applyDialoguePrepared(preparation, at: position, recordedAt: recordedAt)
        }
    }
}
