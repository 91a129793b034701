import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// An organisation that belongs at a chain's dialogues, and why.
struct ChainParty: Equatable {
    let organisation: String
    /// `owner`, `step`, `kpi-owner`, `reporter`, `obligation`: each role once, in that order.
    let roles: [String]
}

extension ReadModels {
    /// The roles of `ChainParty.roles`, in their order.
    static let partyRoles = ["owner", "step", "kpi-owner", "reporter", "obligation"]

    /// Who belongs at chain `chain`'s dialogues at `moment`: the owner's organisation, each
    /// partner that carries out a step, owns or reports one of its active KPIs, or is bound by an
    /// obligation on one of them or a commitment to the chain in an agreement's latest version.
    /// In the order the roles name them (the owner first, then the steps in order, the KPIs by id,
    /// the agreements by id).
    static func parties(of chain: String, moment: Moment, _ db: Database) throws -> [ChainParty] {
        let size = Int64(moment.size)
        var roles: [(String, String)] = []
        if let owner = try String.fetchOne(
            db, sql: "SELECT owner_organisation FROM chain_owners WHERE chain = ? AND \(current)", arguments: [chain, size, size])
        {
            roles.append((owner, "owner"))
        }
        let steps = try String.fetchOne(db, sql: "SELECT steps FROM chains WHERE chain = ? AND \(current)", arguments: [chain, size, size])
        roles += (decodeList(steps, as: [ChainStep].self) ?? []).map { ($0.organisation, "step") }
        var kpis: Set<String> = []
        for row in try Row.fetchAll(
            db, sql: "SELECT kpi, owner_organisation, reporters FROM kpis WHERE chain = ? AND \(current) AND retired = 0 ORDER BY kpi",
            arguments: [chain, size, size])
        {
            kpis.insert(row["kpi"])
            roles.append((row["owner_organisation"], "kpi-owner"))
            roles += (decodeList(row["reporters"], as: [String].self) ?? []).map { ($0, "reporter") }
        }
        let inForce = "a.valid_from < ?2 AND (a.valid_to IS NULL OR a.valid_to >= ?2) AND a.terminated_on IS NULL"
        let bound = try Row.fetchAll(
            db,
            sql: """
                SELECT o.agreement, o.party, o.kpi FROM obligations o JOIN agreements a ON a.agreement = o.agreement AND o.version = a.latest_version
                WHERE \(inForce)
                UNION ALL
                SELECT c.agreement, c.party, NULL FROM commitments c JOIN agreements a ON a.agreement = c.agreement AND c.version = a.latest_version
                WHERE c.chain = ?1 AND \(inForce)
                """, arguments: [chain, size]
        ).filter { row in (row["kpi"] as String?).map(kpis.contains) ?? true }
        roles += bound.sorted { ($0["agreement"] as String, $0["party"] as String) < ($1["agreement"] as String, $1["party"] as String) }
            .map { ($0["party"], "obligation") }
        var byOrganisation: [String: Set<String>] = [:]
        var organisations: [String] = []
        for (organisation, role) in roles {
            if byOrganisation[organisation] == nil { organisations.append(organisation) }
            byOrganisation[organisation, default: []].insert(role)
        }
        return organisations.map { organisation in
            ChainParty(organisation: organisation, roles: partyRoles.filter { byOrganisation[organisation]?.contains($0) == true })
        }
    }
}

extension ReadModels {
    /// The chain's parties (`parties(of:)`) that took part in none of its last three dialogues at
    /// the chain level: each with the day it last took part (nil: never) and the day of the third
    /// dialogue it missed in a row, from which the sign holds.
    static func absentParties(of chain: ChainRow, moment: Moment, _ db: Database) throws -> [(
        party: ChainParty, last: CalendarDate?, since: CalendarDate
    )] {
        let held = try Row.fetchAll(
            db, sql: "SELECT day, participants FROM dialogues WHERE chain = ? AND level = 'chain' AND valid_from < ? ORDER BY day, dialogue",
            arguments: [chain.chain, Int64(moment.size)]
        ).compactMap { row -> (day: CalendarDate, organisations: Set<String>)? in
            guard let day = CalendarDate(row["day"] as String) else { return nil }
            return (day, Set((decodeList(row["participants"], as: [PersonRef].self) ?? []).map(\.organisation)))
        }
        let window = recentDialogues
        guard held.count >= window else { return [] }
        return try parties(of: chain.chain, moment: moment, db).compactMap { party in
            let attended = held.lastIndex { $0.organisations.contains(party.organisation) }
            let missed = held.count - (attended.map { $0 + 1 } ?? 0)
            guard missed >= window else { return nil }
            return (party, attended.map { held[$0].day }, held[held.count - missed + window - 1].day)
        }
    }
}
