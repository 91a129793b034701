import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// An agreement's state at a moment, its signatures and how each obligation is met.
public struct AgreementState: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        case proposed
        case partiallySigned = "partially-signed"
        case active, amended, terminated, expired
        /// A party declined the latest version, and no earlier version is in force.
        case declined
    }

    public struct Signature: Sendable, Codable, Equatable {
        public let version: Int
        public let party: String
        public let position: UInt64
    }

    /// A party's no to a version, with its reason.
    public struct Decline: Sendable, Codable, Equatable {
        public let version: Int
        public let party: String
        public let reason: String
        public let position: UInt64
    }

    public struct ObligationState: Sendable, Codable, Equatable {
        public let party: String
        public let kpi: String
        public let target: Double
        public let from: String
        public let until: String
        /// Per period due so far: met, missed or no data.
        public let periods: [PeriodCompliance]
        public let met: Int
        public let missed: Int
        public let missing: Int
    }

    /// A promise without a KPI and whether it was kept by its day: `kept` (fulfilled by the due day),
    /// `late` (fulfilled after it), `missed` (the day has passed, not fulfilled) or `open` (not yet due).
    public struct CommitmentState: Sendable, Codable, Equatable {
        public let commitment: String
        public let party: String
        public let chain: String
        public let text: String
        public let due: String
        public let result: String
        public let fulfilledOn: String?
        public let note: String?
        /// Where `CommitmentFulfilled` is in the log.
        public let position: UInt64?
    }

    public struct PeriodCompliance: Sendable, Codable, Equatable {
        public let period: String
        public let value: Double?
        public let result: String
    }

    public let agreement: String
    public let title: String
    public let state: State
    public let parties: [String]
    /// The latest version, and the one in force (nil before every party signed).
    public let latestVersion: Int
    public let activeVersion: Int?
    public let validFrom: String
    public let validUntil: String
    public let terminatedOn: String?
    public let signatures: [Signature]
    public let declines: [Decline]
    /// Parties that have yet to sign or decline the latest version.
    public let awaiting: [String]
    /// The dialogue decision the latest version's amendment cites, if any.
    public let decision: String?
    public let obligations: [ObligationState]
    /// The commitments of the version in force (else of the latest version), by due day.
    public let commitments: [CommitmentState]
}

public struct AgreementsReport: Sendable, Codable, Equatable {
    public let moment: Moment
    public let agreements: [AgreementState]
}

extension ReadModels {
    public func agreements(chain: String? = nil, asOf: AsOf = .now) async throws -> AgreementsReport {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            let size = Int64(moment.size)
            let chainKpis: Set<String>? = try chain.map {
                Set(try String.fetchAll(db, sql: "SELECT kpi FROM kpis WHERE chain = ? AND \(current)", arguments: [$0, size, size]))
            }
            var result: [AgreementState] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM agreements WHERE \(current) ORDER BY agreement", arguments: [size, size]) {
                let agreement: String = row["agreement"]
                let latest: Int = row["latest_version"]
                let active: Int? = row["active_version"]
                let parties = decodeList(row["parties"], as: [String].self) ?? []
                let signatures = try Row.fetchAll(
                    db, sql: "SELECT * FROM agreement_signatures WHERE agreement = ? AND valid_from < ? ORDER BY valid_from",
                    arguments: [agreement, size]
                ).map {
                    AgreementState.Signature(version: $0["version"], party: $0["party"], position: UInt64($0["valid_from"] as Int64))
                }
                let declines = try Row.fetchAll(
                    db, sql: "SELECT * FROM agreement_declines WHERE agreement = ? AND valid_from < ? ORDER BY valid_from",
                    arguments: [agreement, size]
                ).map {
                    AgreementState.Decline(
                        version: $0["version"], party: $0["party"], reason: $0["reason"], position: UInt64($0["valid_from"] as Int64))
                }
                let signedLatest = Set(signatures.filter { $0.version == latest }.map(\.party))
                let declinedLatest = Set(declines.filter { $0.version == latest }.map(\.party))
                let terminatedOn: String? = row["terminated_on"]
                let validUntil: String = row["valid_until_day"]
                let state: AgreementState.State
                if let terminatedOn, let day = CalendarDate(terminatedOn), day <= moment.day {
                    state = .terminated
                } else if let until = CalendarDate(validUntil), until < moment.day {
                    state = .expired
                } else if let active {
                    state = active == latest ? .active : .amended
                } else if !declinedLatest.isEmpty {
                    state = .declined
                } else {
                    state = signedLatest.isEmpty ? .proposed : .partiallySigned
                }
                let version = active ?? latest
                let obligationRows = try Row.fetchAll(
                    db, sql: "SELECT * FROM obligations WHERE agreement = ? AND version = ? ORDER BY party, kpi, from_period",
                    arguments: [agreement, version])
                let commitments = try Self.commitments(agreement: agreement, version: version, moment: moment, db)
                if let chain, let chainKpis, !obligationRows.contains(where: { chainKpis.contains($0["kpi"]) }),
                    !commitments.contains(where: { $0.chain == chain }), !chainKpis.isEmpty
                {
                    continue
                }
                var obligations: [AgreementState.ObligationState] = []
                for obligation in obligationRows {
                    obligations.append(try Self.compliance(obligation, moment: moment, db))
                }
                result.append(
                    AgreementState(
                        agreement: agreement, title: row["title"], state: state, parties: parties, latestVersion: latest, activeVersion: active,
                        validFrom: row["valid_from_day"], validUntil: validUntil, terminatedOn: terminatedOn, signatures: signatures,
                        declines: declines, awaiting: parties.filter { !signedLatest.contains($0) && !declinedLatest.contains($0) },
                        decision: row["decision"], obligations: obligations, commitments: commitments))
            }
            return AgreementsReport(moment: moment, agreements: result)
        }
    }

    /// The commitments of one version of an agreement as they stood at `moment`, by due day.
    static func commitments(agreement: String, version: Int, moment: Moment, _ db: Database) throws -> [AgreementState.CommitmentState] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT c.*, f.fulfilled_on, f.note, f.valid_from AS fulfilled_at FROM commitments c
                LEFT JOIN commitment_fulfilments f ON f.agreement = c.agreement AND f.commitment = c.commitment AND f.valid_from < ?
                WHERE c.agreement = ? AND c.version = ? ORDER BY c.due_day, c.commitment
                """, arguments: [Int64(moment.size), agreement, version]
        )
        .map { row in
            let due: String = row["due_day"]
            let fulfilledOn: String? = row["fulfilled_on"]
            let result =
                if let fulfilledOn { fulfilledOn <= due ? "kept" : "late" } else {
                    (CalendarDate(due).map { $0 < moment.day } ?? false) ? "missed" : "open"
                }
            return .init(
                commitment: row["commitment"], party: row["party"], chain: row["chain"], text: row["text"], due: due, result: result,
                fulfilledOn: fulfilledOn, note: row["note"], position: (row["fulfilled_at"] as Int64?).map(UInt64.init))
        }
    }

    /// An obligation period by period, up to the last period that has ended by the moment's day.
    static func compliance(_ obligation: Row, moment: Moment, _ db: Database) throws -> AgreementState.ObligationState {
        let kpi: String = obligation["kpi"]
        let party: String = obligation["party"]
        let target: Double = obligation["target"]
        let direction =
            Direction(
                rawValue: try String.fetchOne(
                    db, sql: "SELECT direction FROM kpis WHERE kpi = ? ORDER BY valid_from LIMIT 1",
                    arguments: [kpi]) ?? "higher") ?? .higher
        var periods: [AgreementState.PeriodCompliance] = []
        if var period = Period(obligation["from_period"]), let until = Period(obligation["until_period"]) {
            while period <= until, period.days.upperBound < moment.day {
                let value = try Self.values(kpi: kpi, period: period, size: moment.size, db).first { $0.organisation == party }?.value
                let result = value.map { direction.meets($0, target) ? "met" : "missed" } ?? "no-data"
                periods.append(.init(period: period.description, value: value, result: result))
                guard let next = period.next else { break }
                period = next
            }
        }
        return .init(
            party: party, kpi: kpi, target: target, from: obligation["from_period"], until: obligation["until_period"], periods: periods,
            met: periods.filter { $0.result == "met" }.count, missed: periods.filter { $0.result == "missed" }.count,
            missing: periods.filter { $0.result == "no-data" }.count)
    }
}
