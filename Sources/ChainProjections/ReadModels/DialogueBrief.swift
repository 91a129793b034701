public import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// What a chain owner brings to the next performance dialogue (*prestatiegesprek*), as of a
/// moment, compared with the moment the previous dialogue reviewed: the KPIs whose status changed,
/// every red and amber KPI with its contributors, corrections and late figures since that review,
/// open and overdue actions, obligations missed in the periods since, commitments due since or still
/// not kept, the chain's health warnings, and who should be at the table.
public struct DialogueBrief: Sendable, Codable, Equatable {
    /// The dialogue held last before the moment, and the ledger it reviewed.
    public struct PreviousDialogue: Sendable, Codable, Equatable {
        public let dialogue: String
        public let heldOn: String
        public let reviewed: Moment
    }

    /// A KPI whose status at the review differs from its status now.
    public struct StatusChange: Sendable, Codable, Equatable {
        public let kpi: String
        public let name: String
        public let level: KPILevel
        public let before: KpiStatus
        public let periodBefore: String?
        public let valueBefore: Double?
        public let now: KpiStatus
        public let periodNow: String?
        public let valueNow: Double?
    }

    /// An obligation of an agreement missed in a period that ended after the review.
    public struct MissedObligation: Sendable, Codable, Equatable {
        public let agreement: String
        public let party: String
        public let kpi: String
        public let period: String
        public let target: Double
        /// The value reported (nil: nothing was reported for the period).
        public let value: Double?
        /// `missed` or `no-data`.
        public let result: String
    }

    /// A commitment of an agreement in force whose day fell since the review, or that is still not
    /// kept past its day.
    public struct CommitmentDue: Sendable, Codable, Equatable {
        public let agreement: String
        public let commitment: String
        public let party: String
        public let text: String
        public let due: String
        /// `kept`, `late`, `missed` or `open` (see `AgreementState.CommitmentState`).
        public let result: String
        public let fulfilledOn: String?
    }

    /// An organisation that should be at the table, and why.
    public struct Participant: Sendable, Codable, Equatable {
        public let organisation: String
        /// `owner`, `step`, `kpi-owner`, `reporter`, `obligation`: each role once, in that order.
        public let roles: [String]
        /// Whether it took part in the previous dialogue.
        public let atPrevious: Bool
    }

    public let chain: String
    public let name: String
    public let moment: Moment
    /// Nil before the chain's first dialogue; the comparison is then with the empty ledger.
    public let previous: PreviousDialogue?
    /// The moment compared with: what the previous dialogue reviewed (position 0 without one).
    public let since: Moment
    public let statusChanges: [StatusChange]
    /// Every red and amber KPI now, red first, with its contributors' states.
    public let attention: [KpiState]
    public let corrections: [DecisionAudit.Correction]
    /// Values recorded since the review for periods that had already ended at the review.
    public let late: [MeasurementRow]
    /// Actions not done, overdue first.
    public let actions: [DialoguesReport.ActionRow]
    public let missedObligations: [MissedObligation]
    /// By due day.
    public let commitments: [CommitmentDue]
    public let warnings: [MethodHealth.Warning]
    public let nextDue: String
    public let overdue: Bool
    public let participants: [Participant]
    /// The agenda already signed for the next dialogue: the latest preparation of the chain that
    /// no dialogue has cited yet.
    public let nextAgenda: DecisionAudit.Agenda?
}

extension ReadModels {
    /// The brief for chain `chain`'s next performance dialogue, as of `asOf`.
    public func brief(chain: String, asOf: AsOf = .now) async throws -> DialogueBrief {
        let moment = try await resolve(asOf)
        let at = AsOf.moment(moment)
        let tree = try await kpiTree(chain: chain, asOf: at)
        let dialogues = try await dialogues(chain: chain, asOf: at).chains.first
        let previous: DialogueBrief.PreviousDialogue?
        let previousParticipants: Set<String>
        if let last = dialogues?.dialogues.last, let heldOn = dialogues?.heldOn.last {
            let (reviewedPosition, participants) = try await database.read { db -> (Int64?, String?) in
                let row = try Row.fetchOne(db, sql: "SELECT reviewed_position, participants FROM dialogues WHERE dialogue = ?", arguments: [last])
                return (row?["reviewed_position"], row?["participants"])
            }
            let reviewed = min(UInt64(reviewedPosition ?? 0), moment.size)
            previous = .init(dialogue: last, heldOn: heldOn, reviewed: try await resolve(.position(reviewed)))
            previousParticipants = Set((decodeList(participants, as: [PersonRef].self) ?? []).map(\.organisation))
        } else {
            previous = nil
            previousParticipants = []
        }
        let since: Moment
        if let reviewed = previous?.reviewed { since = reviewed } else { since = try await resolve(.position(0)) }
        // Before the chain existed there is no tree to compare with: every status is new.
        let before: KpiTree?
        do { before = try await kpiTree(chain: chain, asOf: .moment(since)) } catch is ReadModelError { before = nil }

        let statusChanges = tree.kpis.compactMap { kpi -> DialogueBrief.StatusChange? in
            let then = before?.kpis.first { $0.kpi == kpi.kpi }
            let status = then?.status ?? .noData
            guard status != kpi.status else { return nil }
            return .init(
                kpi: kpi.kpi, name: kpi.name, level: kpi.level, before: status, periodBefore: then?.period, valueBefore: then?.value,
                now: kpi.status, periodNow: kpi.period, valueNow: kpi.value)
        }
        let attention = tree.kpis.filter { $0.status == .red } + tree.kpis.filter { $0.status == .amber }
        let kpis = tree.kpis.map(\.kpi)
        let (corrections, late, nextAgenda) = try await database.read { db in
            (
                try Self.corrections(of: kpis, from: since.size, to: moment.size, db),
                // Without a review, no figure can have come late for it.
                try previous.map { try Self.lateFigures(of: kpis, from: since.size, to: moment.size, endedBy: $0.reviewed.day, db) } ?? [],
                try String.fetchOne(
                    db,
                    sql: """
                        SELECT preparation FROM dialogue_preparations p WHERE chain = ? AND valid_from < ?
                        AND NOT EXISTS (SELECT 1 FROM dialogues d WHERE d.preparation = p.preparation AND d.valid_from < ?)
                        ORDER BY valid_from DESC LIMIT 1
                        """, arguments: [chain, Int64(moment.size), Int64(moment.size)]
                )
                .flatMap { try Self.agenda(preparation: $0, db) }
            )
        }
        let actions = (dialogues?.actions ?? []).filter { $0.doneOn == nil }.sorted { ($0.overdue ? 0 : 1, $0.due) < ($1.overdue ? 0 : 1, $1.due) }

        var missed: [DialogueBrief.MissedObligation] = []
        var commitments: [DialogueBrief.CommitmentDue] = []
        // Only a version every party signed binds: a proposed or declined one promises nothing yet.
        for agreement in try await agreements(chain: chain, asOf: at).agreements where agreement.activeVersion != nil {
            for commitment in agreement.commitments where commitment.chain == chain {
                let dueSinceReview = previous.map { commitment.due >= $0.reviewed.day.description } ?? true
                guard commitment.result == "missed" || (dueSinceReview && commitment.due <= moment.day.description) else { continue }
                commitments.append(
                    .init(
                        agreement: agreement.agreement, commitment: commitment.commitment, party: commitment.party, text: commitment.text,
                        due: commitment.due, result: commitment.result, fulfilledOn: commitment.fulfilledOn))
            }
            for obligation in agreement.obligations {
                for period in obligation.periods where period.result != "met" {
                    // The periods that ended after the review (every period, without one).
                    guard let ended = Period(period.period)?.days.upperBound, previous.map({ ended >= $0.reviewed.day }) ?? true else { continue }
                    missed.append(
                        .init(
                            agreement: agreement.agreement, party: obligation.party, kpi: obligation.kpi, period: period.period,
                            target: obligation.target, value: period.value, result: period.result))
                }
            }
        }

        let warnings = try await database.read { db in try Self.health(chain: chain, moment: moment, tree: tree, db) }.warnings
        let participants = try await database.read { db in try Self.parties(of: chain, moment: moment, db) }.map { party in
            DialogueBrief.Participant(
                organisation: party.organisation, roles: party.roles, atPrevious: previousParticipants.contains(party.organisation))
        }

        return DialogueBrief(
            chain: chain, name: tree.name, moment: moment, previous: previous, since: since, statusChanges: statusChanges,
            attention: attention, corrections: corrections, late: late, actions: actions, missedObligations: missed,
            commitments: commitments.sorted { ($0.due, $0.agreement, $0.commitment) < ($1.due, $1.agreement, $1.commitment) }, warnings: warnings,
            nextDue: dialogues?.nextDue ?? moment.day.description, overdue: dialogues?.overdue ?? false, participants: participants,
            nextAgenda: nextAgenda)
    }

    /// Corrections of `kpis` recorded at positions `from ..< to`, oldest first.
    static func corrections(of kpis: [String], from: UInt64, to: UInt64, _ db: Database) throws -> [DecisionAudit.Correction] {
        guard !kpis.isEmpty else { return [] }
        let marks = kpis.map { _ in "?" }.joined(separator: ",")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT m.*, old.value AS previous_value FROM measurements m LEFT JOIN measurements old
                  ON old.kpi = m.kpi AND old.first_day = m.first_day AND old.organisation = m.organisation AND old.valid_to = m.valid_from
                WHERE m.kpi IN (\(marks)) AND m.valid_from >= ? AND m.valid_from < ? AND m.supersedes IS NOT NULL ORDER BY m.valid_from
                """, arguments: StatementArguments(kpis + [Int64(from), Int64(to)] as [any DatabaseValueConvertible])
        )
        .map { row in
            .init(
                kpi: row["kpi"], period: row["period"], organisation: row["organisation"], previousValue: row["previous_value"],
                value: row["value"], position: UInt64(row["valid_from"] as Int64),
                recordedAt: Timestamp(milliseconds: row["recorded_at"]).description, reason: row["reason"] ?? "")
        }
    }

    /// First values of `kpis` recorded at positions `from ..< to` for periods that had ended by
    /// `endedBy`: figures that arrived late. Oldest first.
    static func lateFigures(of kpis: [String], from: UInt64, to: UInt64, endedBy: CalendarDate, _ db: Database) throws -> [MeasurementRow] {
        guard !kpis.isEmpty else { return [] }
        let marks = kpis.map { _ in "?" }.joined(separator: ",")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM measurements WHERE kpi IN (\(marks)) AND valid_from >= ? AND valid_from < ? AND supersedes IS NULL
                ORDER BY valid_from
                """, arguments: StatementArguments(kpis + [Int64(from), Int64(to)] as [any DatabaseValueConvertible])
        )
        .filter { row in Period(row["period"] as String).map { $0.days.upperBound < endedBy } ?? false }
        .map { Self.measurement($0, size: to) }
    }
}
