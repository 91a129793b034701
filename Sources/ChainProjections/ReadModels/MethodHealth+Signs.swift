import ChainDomain
import Foundation
import GRDB
import LedgerCore

// Silo signs read from the agreements and the measurements: an agreement left waiting for a
// signature, provisional figures never finalised, a reporter that corrects too many of its
// figures, and a chain whose tree, with its nested chains, has grown past what one table can
// discuss. Each names the day from which it holds.

extension ReadModels {
    /// The most KPIs a chain and its nested chains together hold before the method calls the tree
    /// too large to steer on.
    static let nestedKpiLimit = 15

    /// How long the latest version of an agreement may wait for a party's signature.
    static let signatureWaitDays = 28

    /// A version of an agreement that parties have neither signed nor declined four weeks after it
    /// was proposed.
    struct AwaitingSignature {
        let agreement: String
        let version: Int
        let parties: [String]
        /// The day four weeks after the version was proposed.
        let since: CalendarDate
        /// The chains its obligations and commitments concern (empty: none).
        let chains: Set<String>
    }

    /// The day on which the entry at `position` was recorded.
    static func day(ofPosition position: Int64, _ db: Database) throws -> CalendarDate? {
        try Int64.fetchOne(
            db, sql: "SELECT recorded_at FROM timeline WHERE first_position <= ? ORDER BY first_position DESC LIMIT 1", arguments: [position]
        ).map { CalendarDate(dayOf: Timestamp(milliseconds: $0)) }
    }

    /// Agreements in force or proposed at `moment` whose latest version has waited more than four
    /// weeks for a signature. A version a party declined waits for nobody: an amendment asks again.
    static func agreementsAwaitingSignature(_ moment: Moment, _ db: Database) throws -> [AwaitingSignature] {
        let size = Int64(moment.size)
        let day = moment.day.description
        var result: [AwaitingSignature] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT agreement, latest_version, parties FROM agreements WHERE \(current)
                  AND (active_version IS NULL OR active_version < latest_version)
                  AND (terminated_on IS NULL OR terminated_on > ?) AND valid_until_day >= ?
                ORDER BY agreement
                """, arguments: [size, size, day, day])
        {
            let agreement: String = row["agreement"]
            let version: Int = row["latest_version"]
            let arguments: StatementArguments = [agreement, version, size]
            guard
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM agreement_declines WHERE agreement = ? AND version = ? AND valid_from < ?", arguments: arguments)
                    == 0,
                let proposedAt = try Int64.fetchOne(
                    db, sql: "SELECT MIN(valid_from) FROM agreements WHERE agreement = ? AND latest_version = ? AND valid_from < ?",
                    arguments: arguments),
                let proposed = try Self.day(ofPosition: proposedAt, db)
            else { continue }
            let since = proposed.addingDays(Self.signatureWaitDays)
            guard since < moment.day else { continue }
            let signed = Set(
                try String.fetchAll(
                    db, sql: "SELECT party FROM agreement_signatures WHERE agreement = ? AND version = ? AND valid_from < ?", arguments: arguments))
            let parties = (decodeList(row["parties"], as: [String].self) ?? []).filter { !signed.contains($0) }
            guard !parties.isEmpty else { continue }
            let chains = try String.fetchAll(
                db,
                sql: """
                    SELECT k.chain FROM obligations o JOIN kpis k ON k.kpi = o.kpi AND k.valid_from < ? AND (k.valid_to IS NULL OR k.valid_to >= ?)
                    WHERE o.agreement = ? AND o.version = ?
                    UNION SELECT chain FROM commitments WHERE agreement = ? AND version = ?
                    """, arguments: [size, size, agreement, version, agreement, version])
            result.append(.init(agreement: agreement, version: version, parties: parties, since: since, chains: Set(chains)))
        }
        return result
    }

    /// A provisional value still not finalised when two more periods of its KPI have ended.
    struct Unfinalised {
        let kpi: String
        let period: Period
        let organisation: String
        /// The day the second period after it ended.
        let since: CalendarDate
    }

    /// The provisional values of `kpis` current at `moment` that two later periods have outlived.
    static func provisionalNotFinalised(_ kpis: [KpiState], _ moment: Moment, _ db: Database) throws -> [Unfinalised] {
        let size = Int64(moment.size)
        var result: [Unfinalised] = []
        for kpi in kpis {
            for row in try Row.fetchAll(
                db,
                // No ORDER BY: SQLite would then prefer the index by period, which reads every value of the KPI.
                sql: "SELECT period, organisation FROM measurements WHERE status = 'P' AND kpi = ? AND \(current)",
                arguments: [kpi.kpi, size, size])
            {
                guard let period = Period(row["period"] as String), let second = period.next?.next else { continue }
                let since = second.days.upperBound
                if since < moment.day { result.append(.init(kpi: kpi.kpi, period: period, organisation: row["organisation"], since: since)) }
            }
        }
        return result.sorted { ($0.kpi, $0.period.days.lowerBound, $0.organisation) < ($1.kpi, $1.period.days.lowerBound, $1.organisation) }
    }

    /// The KPIs of `chain` and of every chain nested in it, at `moment`, when there are more than
    /// `nestedKpiLimit`: their number and the day the one over the limit was defined.
    static func nestedKpis(of chain: String, _ chains: [ChainRow], _ moment: Moment, _ db: Database) throws -> (count: Int, since: CalendarDate)? {
        var family: Set<String> = [chain]
        var grown = true
        while grown {
            let children = chains.filter { $0.parent.map(family.contains) == true && !family.contains($0.chain) }.map(\.chain)
            grown = !children.isEmpty
            family.formUnion(children)
        }
        guard family.count > 1 else { return nil }
        let size = Int64(moment.size)
        let marks = family.map { _ in "?" }.joined(separator: ",")
        // When each current KPI was first defined (its first row), oldest first.
        let defined = try Int64.fetchAll(
            db,
            sql: """
                SELECT (SELECT MIN(first.valid_from) FROM kpis first WHERE first.kpi = k.kpi) AS defined FROM kpis k
                WHERE k.chain IN (\(marks)) AND k.retired = 0 AND k.valid_from < ? AND (k.valid_to IS NULL OR k.valid_to >= ?)
                ORDER BY defined
                """, arguments: StatementArguments(Array(family) + [size, size] as [any DatabaseValueConvertible]))
        guard defined.count > Self.nestedKpiLimit, let since = try Self.day(ofPosition: defined[Self.nestedKpiLimit], db) else { return nil }
        return (defined.count, since)
    }

    /// A reporter of `kpis` whose corrections exceed a tenth of its values of them. Each correction
    /// counts, a correction of a correction too; finalising a provisional value does not (it is the
    /// provisional figure's normal course).
    struct CorrectingReporter {
        let organisation: String
        let corrections: Int
        let values: Int
        /// The day of the correction after which the share has stayed above a tenth.
        let since: CalendarDate
    }

    /// The reporters of `kpis` whose corrections at `moment` exceed a tenth of their values. Reads
    /// the corrections by their own index, and the values only of reporters that corrected.
    static func correctingReporters(_ kpis: [String], _ moment: Moment, _ db: Database) throws -> [CorrectingReporter] {
        guard !kpis.isEmpty else { return [] }
        let size = Int64(moment.size)
        let list = kpis.map { _ in "?" }.joined(separator: ", ")
        let kpiArguments = StatementArguments(kpis)
        // Whether the measurement `m` corrects a value that was not provisional.
        let corrects = """
            (m.supersedes IS NOT NULL AND (SELECT s.status FROM measurements s WHERE s.kpi = m.kpi AND s.first_day = m.first_day
              AND s.organisation = m.organisation AND s.valid_from = m.supersedes) != 'P')
            """
        // The index's name changes with every rebuild.
        let index = try LatestPeriods.partialIndex(where: ProjectionSchema.corrections, db).map { "INDEXED BY \($0)" } ?? ""
        let reporters = try String.fetchAll(
            db,
            sql: """
                SELECT DISTINCT organisation FROM measurements m \(index)
                WHERE \(ProjectionSchema.corrections) AND kpi IN (\(list)) AND valid_from < ? AND \(corrects) ORDER BY organisation
                """, arguments: kpiArguments + [size])
        var found: [CorrectingReporter] = []
        for organisation in reporters {
            // The reporter's values and corrections in the order recorded (finalisations left out).
            let recorded = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.valid_from, \(corrects) FROM measurements m
                    WHERE m.kpi IN (\(list)) AND m.organisation = ? AND m.valid_from < ? AND (m.supersedes IS NULL OR \(corrects))
                    ORDER BY m.valid_from
                    """, arguments: kpiArguments + [organisation, size]
            ).map { (position: $0[0] as Int64, correction: $0[1] as Bool) }
            let corrected = recorded.filter(\.correction).count
            let values = recorded.count - corrected
            guard corrected * 10 > values else { continue }
            // Back from the end to the last moment the share was a tenth or less: the entry after it,
            // a correction, took it above, and there it has stayed.
            var (c, v) = (corrected, values)
            var index = recorded.count
            while index > 0, c * 10 > v {
                index -= 1
                if recorded[index].correction { c -= 1 } else { v -= 1 }
            }
            let since = try day(ofPosition: recorded[index].position, db) ?? moment.day
            found.append(.init(organisation: organisation, corrections: corrected, values: values, since: since))
        }
        return found
    }

    /// A hand-over between two organisations: the step one ends with and the next, another's.
    struct HandOver {
        let from: ChainStep
        let to: ChainStep
        /// The day from which no process KPI has measured it: when the steps took this order, or
        /// when the last process KPI of the receiving step was retired or moved, whichever is later.
        let since: CalendarDate
    }

    /// The hand-overs of chain `chain` at `moment` that no active process KPI of the receiving step
    /// measures: the method's hand-overs are where a chain breaks, and a step that takes over
    /// without a KPI of its own lets the break go unseen.
    static func unmeasuredHandOvers(of chain: String, _ moment: Moment, _ db: Database) throws -> [HandOver] {
        let size = Int64(moment.size)
        let versions = try Row.fetchAll(
            db, sql: "SELECT steps, valid_from FROM chains WHERE chain = ? AND valid_from < ? ORDER BY valid_from DESC",
            arguments: [chain, size]
        ).map { (steps: decodeList($0["steps"], as: [ChainStep].self) ?? [], from: $0["valid_from"] as Int64) }
        guard let steps = versions.first?.steps, steps.count > 1 else { return [] }
        let measured = Set(
            try String.fetchAll(
                db, sql: "SELECT step FROM kpis WHERE chain = ? AND \(current) AND retired = 0 AND level = 'process' AND step IS NOT NULL",
                arguments: [chain, size, size]))
        func handsOver(_ steps: [ChainStep], _ from: ChainStep, _ to: ChainStep) -> Bool {
            zip(steps, steps.dropFirst()).contains { $0.step == from.step && $1.step == to.step && $0.organisation != $1.organisation }
        }
        var found: [HandOver] = []
        for (from, to) in zip(steps, steps.dropFirst()) where from.organisation != to.organisation && !measured.contains(to.step) {
            // The chain versions, newest first, that hold this hand-over: the oldest of the run.
            let ordered = versions.prefix { handsOver($0.steps, from, to) }.last?.from ?? versions[0].from
            let unmeasured = try Int64.fetchOne(
                db,
                sql: """
                    SELECT MAX(valid_to) FROM kpis WHERE chain = ? AND level = 'process' AND step = ? AND retired = 0 AND valid_to < ?
                    """, arguments: [chain, to.step, size])
            let since = try day(ofPosition: max(ordered, unmeasured ?? 0), db) ?? moment.day
            found.append(.init(from: from, to: to, since: since))
        }
        return found
    }
}
