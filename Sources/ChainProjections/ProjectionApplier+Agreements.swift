import ChainDomain
import Foundation
import GRDB
import SQLiteSupport

// The agreements' tables: every version with its obligations and commitments (and the decision an
// amendment cites), the signatures and declines, the commitments kept, the active version and termination.

extension ProjectionApplier {
    /// A proposal or an amendment: a new version of the agreement's row (keeping the active
    /// version until every party has signed the new one), with its obligations.
    mutating func applyAgreementTerms(_ terms: AgreementTerms, at position: UInt64) throws {
        let active = try Int64.fetchOne(
            db, sql: "SELECT active_version FROM agreements\(suffix) WHERE agreement = ? AND valid_to IS NULL",
            arguments: [terms.agreement])
        try close("agreements", "agreement = ?", [.text(terms.agreement)], at: position)
        try run(
            """
            INSERT INTO agreements@ (agreement, latest_version, active_version, title, terms, parties, valid_from_day, valid_until_day,
            terminated_on, termination_reason, valid_from, valid_to, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL, ?)
            """,
            [
                .text(terms.agreement), Self.integer(terms.version), active.map { .integer($0) } ?? .null, .text(terms.title),
                .text(terms.terms), Self.json(terms.parties), .text(terms.validFrom.description), .text(terms.validUntil.description),
                Self.integer(position), terms.decision.map { .text($0) } ?? .null,
            ])
        for obligation in terms.obligations {
            try run(
                """
                INSERT INTO obligations@ (agreement, version, party, kpi, target, from_period, until_period, valid_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(terms.agreement), Self.integer(terms.version), .text(obligation.party), .text(obligation.kpi),
                    .real(obligation.target), .text(obligation.from.description), .text(obligation.until.description), Self.integer(position),
                ])
        }
        for commitment in terms.commitments ?? [] {
            try run(
                """
                INSERT INTO commitments@ (agreement, version, commitment, party, chain, text, due_day, valid_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(terms.agreement), Self.integer(terms.version), .text(commitment.commitment), .text(commitment.party),
                    .text(commitment.chain), .text(commitment.text), .text(commitment.due.description), Self.integer(position),
                ])
        }
    }

    /// A signature; once every party has signed the version, it becomes the active one.
    mutating func applyAgreementSigned(_ signature: AgreementSigned, at position: UInt64) throws {
        try run(
            "INSERT INTO agreement_signatures@ (agreement, version, party, valid_from) VALUES (?, ?, ?, ?)",
            [.text(signature.agreement), Self.integer(signature.version), .text(signature.party), Self.integer(position)])
        let parties =
            try String.fetchOne(
                db, sql: "SELECT parties FROM agreements\(suffix) WHERE agreement = ? AND valid_to IS NULL",
                arguments: [signature.agreement]) ?? "[]"
        let signed =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(DISTINCT party) FROM agreement_signatures\(suffix) WHERE agreement = ? AND version = ?",
                arguments: [signature.agreement, signature.version]) ?? 0
        let partyCount = try JSONDecoder().decode([String].self, from: Data(parties.utf8)).count
        if signed == partyCount {
            try supersede(
                "agreements", "agreement = ?", [.text(signature.agreement)],
                changing: ["active_version": Self.integer(signature.version)], at: position)
        }
    }

    /// A party's no to a version, with its reason.
    mutating func applyAgreementDeclined(_ decline: AgreementDeclined, at position: UInt64) throws {
        try run(
            "INSERT INTO agreement_declines@ (agreement, version, party, reason, valid_from) VALUES (?, ?, ?, ?, ?)",
            [.text(decline.agreement), Self.integer(decline.version), .text(decline.party), .text(decline.reason), Self.integer(position)])
    }

    /// A commitment kept (by the party that made it, which its row in `commitments` names).
    mutating func applyCommitmentFulfilled(_ fulfilment: CommitmentFulfilled, at position: UInt64) throws {
        try run(
            "INSERT INTO commitment_fulfilments@ (agreement, commitment, fulfilled_on, note, valid_from) VALUES (?, ?, ?, ?, ?)",
            [
                .text(fulfilment.agreement), .text(fulfilment.commitment), .text(fulfilment.fulfilledOn.description),
                fulfilment.note.map { .text($0) } ?? .null, Self.integer(position),
            ])
    }

    mutating func applyAgreementTerminated(_ termination: AgreementTerminated, at position: UInt64) throws {
        try supersede(
            "agreements", "agreement = ?", [.text(termination.agreement)],
            changing: [
                "terminated_on": .text(termination.effective.description), "termination_reason": .text(termination.reason),
            ], at: position)
    }
}
