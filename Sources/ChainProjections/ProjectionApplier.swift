import ChainDomain
import Foundation
import GRDB
import LedgerCore
import SQLiteSupport

/// Writes what each log entry changes into the read models' tables (the live ones, or a rebuild's
/// shadow tables when `suffix` is set). Versioned rows are closed (`valid_to`) and replaced, never
/// deleted, so that every past state stays queryable.
struct ProjectionApplier {
    let db: Database
    let suffix: String
    /// During a rebuild, corrections do not close the value they supersede row by row: the
    /// rebuild closes them all in one statement at the end (`closeSupersededMeasurements`).
    let deferClosingMeasurements: Bool
    private var statements: [String: BulkInsert] = [:]

    init(_ db: Database, suffix: String, deferClosingMeasurements: Bool = false) {
        self.db = db
        self.suffix = suffix
        self.deferClosingMeasurements = deferClosingMeasurements
    }

    /// Runs `sql` (with `@` standing for the table suffix) as a cached statement.
    private mutating func run(_ sql: String, _ values: [BulkInsert.Value]) throws {
        if let statement = statements[sql] {
            try statement.execute(values)
            return
        }
        let statement = try BulkInsert(db, sql: sql.replacingOccurrences(of: "@", with: suffix))
        statements[sql] = statement
        try statement.execute(values)
    }

    /// Sets `valid_to` of every measurement a later value of the same KPI, period and organisation
    /// replaced: the position of that next value. Only streams with a correction are touched.
    /// `corrections` names the partial index of the corrections (`supersedes IS NOT NULL`), so
    /// that only they are read to find the streams concerned.
    static func closeSupersededMeasurements(_ db: Database, suffix: String, corrections: String) throws {
        let table = "measurements\(suffix)"
        try db.execute(sql: """
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

    /// Closes the current version of a row (`table` with `@` for the suffix, `key` a WHERE clause).
    private mutating func close(_ table: String, _ key: String, _ values: [BulkInsert.Value], at position: UInt64) throws {
        try run("UPDATE \(table)@ SET valid_to = ? WHERE \(key) AND valid_to IS NULL", [.integer(Int64(position))] + values)
    }

    // MARK: - Values

    private static func text(_ value: String?) -> BulkInsert.Value { value.map { .text($0) } ?? .null }
    private static func integer(_ value: some BinaryInteger) -> BulkInsert.Value { .integer(Int64(value)) }
    private static func json(_ values: [String]) -> BulkInsert.Value {
        .text("[" + values.map { JSONText.quoted($0) }.joined(separator: ",") + "]")
    }
    private static func json(_ positions: [UInt64]) -> BulkInsert.Value {
        .text("[" + positions.map(String.init).joined(separator: ",") + "]")
    }
    private static func json<T: Encodable>(encoded value: T) -> BulkInsert.Value {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .text(String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self))
    }

    // MARK: - Commits

    /// Records where a commit starts and when it was recorded, in the timeline.
    mutating func commitStarts(at position: UInt64, id: CommitID, recordedAt: Timestamp) throws {
        try run("INSERT INTO timeline@ VALUES (?, ?, ?)", [.integer(Int64(position)), .integer(recordedAt.milliseconds), .text(id.hex)])
    }

    /// First days of periods, spelled once each.
    private var firstDays: [Period: String] = [:]

    private mutating func firstDay(_ period: Period) -> String {
        if let day = firstDays[period] { return day }
        let day = period.days.lowerBound.description
        firstDays[period] = day
        return day
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

    /// The commit of the entry applied last.
    private var lastCommit: CommitID?

    /// Applies one prepared entry. `previousCommit` is the commit of the entry before it in the log
    /// (nil at position 0), so that the first entry of every commit starts a timeline row.
    mutating func apply(_ entry: Prepared, previousCommit: CommitID?) throws {
        if entry.commit != (lastCommit ?? previousCommit) || entry.position == 0 {
            try commitStarts(at: entry.position, id: entry.commit, recordedAt: entry.recordedAt)
        }
        lastCommit = entry.commit
        switch entry.kind {
        case let .core(event): try applyCore(event, at: entry.position)
        case let .chain(event): try applyChain(event, at: entry.position, recordedAt: entry.recordedAt)
        case .other: break
        }
    }

    private mutating func applyCore(_ event: EventLine, at position: UInt64) throws {
        let fields = try? JSONFields(Array(event.data))
        guard let organisation = try? fields?.string("organisation") else { return }
        switch event.type {
        case CoreEvent.organisationJoined:
            let name = (try? fields?.string("name")) ?? organisation
            let kind = try? fields?.optionalString("kind")
            // The first organisation to join, in the genesis commit, coordinates.
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organisations\(suffix)") ?? 0
            try run("INSERT INTO organisations@ VALUES (?, ?, ?, ?, ?, NULL)",
                    [.text(organisation), .text(name), Self.text(kind ?? nil), .integer(count == 0 ? 1 : 0), Self.integer(position)])
        case CoreEvent.coordinatorAppointed, CoreEvent.coordinatorWithdrawn:
            try close("organisations", "organisation = ?", [.text(organisation)], at: position)
            try run("""
                INSERT INTO organisations@ SELECT organisation, name, kind, ?, ?, NULL FROM organisations@
                WHERE organisation = ? AND valid_to = ? ORDER BY valid_from DESC LIMIT 1
                """, [.integer(event.type == CoreEvent.coordinatorAppointed ? 1 : 0), Self.integer(position), .text(organisation), Self.integer(position)])
        default:
            break
        }
    }

    private mutating func applyChain(_ event: ChainEvent, at position: UInt64, recordedAt: Timestamp) throws {
        let from = Self.integer(position)
        switch event {
        case let .missionDefined(mission):
            try close("mission", "1 = 1", [], at: position)
            try run("INSERT INTO mission@ VALUES (?, ?, ?, NULL)", [.text(mission.mission), Self.json(encoded: mission.goals), from])
        case let .policySet(policy):
            try close("policy", "1 = 1", [], at: position)
            try run("INSERT INTO policy@ VALUES (?, ?, ?, ?, NULL)", [
                Self.integer(policy.kpiLimitPerChain), Self.integer(policy.staleGraceDays), Self.integer(policy.dialogueGraceDays), from,
            ])
        case let .memberRegistered(member), let .memberChanged(member):
            try close("members", "organisation = ? AND person = ?", [.text(member.organisation), .text(member.person)], at: position)
            try run("INSERT INTO members@ VALUES (?, ?, ?, ?, ?, ?, NULL)", [
                .text(member.organisation), .text(member.person), .text(member.name), .integer(member.managementTeam ? 1 : 0),
                Self.text(member.department), from,
            ])
        case let .roleGranted(change):
            try run("INSERT INTO member_roles@ VALUES (?, ?, ?, ?, ?, ?, NULL)", [
                .text(change.organisation), .text(change.person), .text(change.role.rawValue), Self.text(change.scope), Self.text(change.reason), from,
            ])
        case let .roleRevoked(change):
            try close("member_roles", "organisation = ? AND person = ? AND role = ? AND scope IS ?",
                      [.text(change.organisation), .text(change.person), .text(change.role.rawValue), Self.text(change.scope)], at: position)
        case let .chainDefined(chain), let .chainChanged(chain):
            let definedAt = try Int64.fetchOne(db, sql: "SELECT defined_at FROM chains\(suffix) WHERE chain = ? AND valid_to IS NULL", arguments: [chain.chain])
            try close("chains", "chain = ?", [.text(chain.chain)], at: position)
            try run("INSERT INTO chains@ VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL)", [
                .text(chain.chain), .text(chain.name), .text(chain.customerNeed), .text(chain.customer), Self.text(chain.parent),
                Self.json(chain.partners), .text(chain.cadence.rawValue), Self.json(encoded: chain.steps),
                .integer(definedAt ?? Int64(position)), from,
            ])
        case let .chainOwnerAssigned(assignment):
            try close("chain_owners", "chain = ?", [.text(assignment.chain)], at: position)
            try run("INSERT INTO chain_owners@ VALUES (?, ?, ?, ?, ?, ?, ?, NULL)", [
                .text(assignment.chain), .text(assignment.owner.organisation), .text(assignment.owner.person), .text(assignment.reason),
                Self.text(assignment.decision), .integer(recordedAt.milliseconds), from,
            ])
        case let .chainRetired(retirement):
            guard let chain = retirement.chain else { return }
            try close("chains", "chain = ?", [.text(chain)], at: position)
            try run("""
                INSERT INTO chains@ SELECT chain, name, customer_need, customer, parent, partners, cadence, steps, 1, defined_at, ?, NULL
                FROM chains@ WHERE chain = ? AND valid_to = ?
                """, [from, .text(chain), from])
        case let .kpiDefined(kpi):
            try run("INSERT INTO kpis@ VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, NULL)", [
                .text(kpi.kpi), .text(kpi.chain), .text(kpi.name), .text(kpi.level.rawValue), Self.text(kpi.step), .text(kpi.unit),
                .text(kpi.direction.rawValue), .text(kpi.grain.rawValue), .text(kpi.aggregation.rawValue), .text(kpi.owner.organisation),
                .text(kpi.owner.person), Self.json(kpi.reporters), from,
            ])
            for target in kpi.contributesTo {
                try run("INSERT INTO kpi_links@ VALUES (?, 'kpi', ?, ?, NULL)", [.text(kpi.kpi), .text(target), from])
            }
            for goal in kpi.goals {
                try run("INSERT INTO kpi_links@ VALUES (?, 'goal', ?, ?, NULL)", [.text(kpi.kpi), .text(goal), from])
            }
        case let .kpiLinked(link):
            try run("INSERT INTO kpi_links@ VALUES (?, ?, ?, ?, NULL)",
                    [.text(link.kpi), .text(link.to == nil ? "goal" : "kpi"), .text(link.to ?? link.goal ?? ""), from])
        case let .kpiUnlinked(link):
            try close("kpi_links", "kpi = ? AND target_kind = ? AND target = ?",
                      [.text(link.kpi), .text(link.to == nil ? "goal" : "kpi"), .text(link.to ?? link.goal ?? "")], at: position)
        case let .kpiOwnerAssigned(assignment):
            try replaceKpi(assignment.kpi, at: position, set: "owner_organisation = ?, owner_person = ?",
                           [.text(assignment.owner.organisation), .text(assignment.owner.person)])
        case let .kpiReportersSet(change):
            try replaceKpi(change.kpi, at: position, set: "reporters = ?", [Self.json(change.reporters)])
        case let .kpiRetired(retirement):
            guard let kpi = retirement.kpi else { return }
            try replaceKpi(kpi, at: position, set: "retired = 1", [])
        case let .targetSet(target):
            try run("INSERT INTO targets@ VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                .text(target.kpi), .text(target.from.description), Self.text(target.until?.description),
                .text(target.from.days.lowerBound.description), Self.text(target.until?.days.upperBound.description),
                .real(target.target), .real(target.red), from,
            ])
        case let .measurementRecorded(measurement), let .measurementCorrected(measurement):
            if measurement.supersedes != nil, !deferClosingMeasurements {
                try close("measurements", "kpi = ? AND first_day = ? AND organisation = ?",
                          [.text(measurement.kpi), .text(firstDay(measurement.period)), .text(measurement.organisation)],
                          at: position)
            }
            try run("INSERT INTO measurements@ VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)", [
                .text(measurement.kpi), .text(measurement.period.description), .text(firstDay(measurement.period)),
                .text(measurement.organisation), .real(measurement.value), .text(measurement.status.rawValue), .text(measurement.source),
                Self.text(measurement.note), measurement.supersedes.map { .integer(Int64($0)) } ?? .null, Self.text(measurement.reason),
                .integer(recordedAt.milliseconds), from,
            ])
        case let .agreementProposed(terms), let .agreementAmended(terms):
            let active = try Int64.fetchOne(db, sql: "SELECT active_version FROM agreements\(suffix) WHERE agreement = ? AND valid_to IS NULL",
                                            arguments: [terms.agreement])
            try close("agreements", "agreement = ?", [.text(terms.agreement)], at: position)
            try run("INSERT INTO agreements@ VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL)", [
                .text(terms.agreement), Self.integer(terms.version), active.map { .integer($0) } ?? .null, .text(terms.title), .text(terms.terms),
                Self.json(terms.parties), .text(terms.validFrom.description), .text(terms.validUntil.description), from,
            ])
            for obligation in terms.obligations {
                try run("INSERT INTO obligations@ VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                    .text(terms.agreement), Self.integer(terms.version), .text(obligation.party), .text(obligation.kpi), .real(obligation.target),
                    .text(obligation.from.description), .text(obligation.until.description), from,
                ])
            }
        case let .agreementSigned(signature):
            try run("INSERT INTO agreement_signatures@ VALUES (?, ?, ?, ?)",
                    [.text(signature.agreement), Self.integer(signature.version), .text(signature.party), from])
            let parties = try String.fetchOne(db, sql: "SELECT parties FROM agreements\(suffix) WHERE agreement = ? AND valid_to IS NULL",
                                              arguments: [signature.agreement]) ?? "[]"
            let signed = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT party) FROM agreement_signatures\(suffix) WHERE agreement = ? AND version = ?",
                                          arguments: [signature.agreement, signature.version]) ?? 0
            let partyCount = (try? JSONDecoder().decode([String].self, from: Data(parties.utf8)).count) ?? 0
            if signed == partyCount {
                try close("agreements", "agreement = ?", [.text(signature.agreement)], at: position)
                try run("""
                    INSERT INTO agreements@ SELECT agreement, latest_version, ?, title, terms, parties, valid_from_day, valid_until_day,
                    terminated_on, termination_reason, ?, NULL FROM agreements@ WHERE agreement = ? AND valid_to = ?
                    """, [Self.integer(signature.version), from, .text(signature.agreement), from])
            }
        case let .agreementTerminated(termination):
            try close("agreements", "agreement = ?", [.text(termination.agreement)], at: position)
            try run("""
                INSERT INTO agreements@ SELECT agreement, latest_version, active_version, title, terms, parties, valid_from_day, valid_until_day,
                ?, ?, ?, NULL FROM agreements@ WHERE agreement = ? AND valid_to = ?
                """, [.text(termination.effective.description), .text(termination.reason), from, .text(termination.agreement), from])
        case let .dialogueHeld(dialogue):
            try run("INSERT INTO dialogues@ VALUES (?, ?, ?, ?, ?, ?)", [
                .text(dialogue.dialogue), .text(dialogue.chain), .text(dialogue.date.description), Self.integer(dialogue.reviewedPosition),
                Self.json(encoded: dialogue.participants), from,
            ])
            for decision in dialogue.decisions {
                try run("INSERT INTO decisions@ VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                    .text(decision.decision), .text(dialogue.dialogue), .text(dialogue.chain), .text(decision.text), .text(decision.rationale),
                    .text(decision.decidedBy.organisation), .text(decision.decidedBy.person), Self.json(decision.evidence.positions),
                    Self.json(decision.evidence.kpis), .integer(recordedAt.milliseconds), from,
                ])
            }
            for action in dialogue.actions {
                try run("INSERT INTO actions@ VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL)", [
                    .text(action.action), .text(dialogue.dialogue), .text(dialogue.chain), .text(action.text), .text(action.owner.organisation),
                    .text(action.owner.person), .text(action.due.description), from,
                ])
            }
        case let .actionCompleted(completion):
            try close("actions", "action = ?", [.text(completion.action)], at: position)
            try run("""
                INSERT INTO actions@ SELECT action, dialogue, chain, text, owner_organisation, owner_person, due, ?, ?, ?, NULL
                FROM actions@ WHERE action = ? AND valid_to = ?
                """, [.text(completion.completedOn.description), Self.text(completion.note), from, .text(completion.action), from])
        }
    }

    /// A new version of a KPI's row with some columns changed.
    private mutating func replaceKpi(_ kpi: String, at position: UInt64, set assignments: String, _ values: [BulkInsert.Value]) throws {
        try close("kpis", "kpi = ?", [.text(kpi)], at: position)
        try run("""
            INSERT INTO kpis@ SELECT kpi, chain, name, level, step, unit, direction, grain, aggregation, owner_organisation, owner_person,
            reporters, retired, ?, NULL FROM kpis@ WHERE kpi = ? AND valid_to = ?
            """, [.integer(Int64(position)), .text(kpi), .integer(Int64(position))])
        if !assignments.isEmpty {
            try run("UPDATE kpis@ SET \(assignments) WHERE kpi = ? AND valid_from = ? AND valid_to IS NULL",
                    values + [.text(kpi), .integer(Int64(position))])
        }
    }
}
