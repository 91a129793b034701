import ChainDomain
import GRDB
import LedgerCore
import SQLiteSupport

// The coalition's tables: its organisations (from the ledger's own events), mission, policy, members and
// their roles.

extension ProjectionApplier {
    /// The ledger's own events that change the organisations' table: joining, and coordinators
    /// appointed or withdrawn.
    mutating func applyCore(_ event: EventLine, at position: UInt64) throws {
        let fields = try? JSONFields(Array(event.data))
        guard let organisation = try? fields?.string("organisation") else { return }
        switch event.type {
        case CoreEvent.organisationJoined:
            let name = (try? fields?.string("name")) ?? organisation
            let kind = try? fields?.optionalString("kind")
            // The first organisation to join, in the genesis commit, coordinates.
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organisations\(suffix)") ?? 0
            try run(
                """
                INSERT INTO organisations@ (organisation, name, kind, coordinator, valid_from, valid_to)
                VALUES (?, ?, ?, ?, ?, NULL)
                """, [.text(organisation), .text(name), Self.text(kind ?? nil), .integer(count == 0 ? 1 : 0), Self.integer(position)])
        case CoreEvent.coordinatorAppointed, CoreEvent.coordinatorWithdrawn:
            try supersede(
                "organisations", "organisation = ?", [.text(organisation)],
                changing: ["coordinator": .integer(event.type == CoreEvent.coordinatorAppointed ? 1 : 0)], at: position)
        default:
            break
        }
    }

    mutating func applyMissionDefined(_ mission: MissionDefined, at position: UInt64) throws {
        try close("mission", "1 = 1", [], at: position)
        try run(
            "INSERT INTO mission@ (mission, goals, valid_from, valid_to) VALUES (?, ?, ?, NULL)",
            [.text(mission.mission), try Self.json(encoded: mission.goals, what: "the mission's goals"), Self.integer(position)])
    }

    mutating func applyPolicySet(_ policy: PolicySet, at position: UInt64) throws {
        try close("policy", "1 = 1", [], at: position)
        try run(
            """
            INSERT INTO policy@ (kpi_limit, stale_grace_days, dialogue_grace_days, valid_from, valid_to, owner_span)
            VALUES (?, ?, ?, ?, NULL, ?)
            """,
            [
                Self.integer(policy.kpiLimitPerChain), Self.integer(policy.staleGraceDays), Self.integer(policy.dialogueGraceDays),
                Self.integer(position), policy.ownerSpan.map { .integer(Int64($0)) } ?? .null,
            ])
    }

    /// A member registered or changed: a new version of its row.
    mutating func applyMember(_ member: MemberRegistered, at position: UInt64) throws {
        try close("members", "organisation = ? AND person = ?", [.text(member.organisation), .text(member.person)], at: position)
        try run(
            """
            INSERT INTO members@ (organisation, person, name, management_team, department, valid_from, valid_to)
            VALUES (?, ?, ?, ?, ?, ?, NULL)
            """,
            [
                .text(member.organisation), .text(member.person), .text(member.name), .integer(member.managementTeam ? 1 : 0),
                Self.text(member.department), Self.integer(position),
            ])
    }

    mutating func applyRoleGranted(_ change: RoleChange, at position: UInt64) throws {
        try run(
            """
            INSERT INTO member_roles@ (organisation, person, role, scope, reason, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, NULL)
            """,
            [
                .text(change.organisation), .text(change.person), .text(change.role.rawValue), Self.text(change.scope),
                Self.text(change.reason), Self.integer(position),
            ])
    }

    mutating func applyRoleRevoked(_ change: RoleChange, at position: UInt64) throws {
        try close(
            "member_roles", "organisation = ? AND person = ? AND role = ? AND scope IS ?",
            [.text(change.organisation), .text(change.person), .text(change.role.rawValue), Self.text(change.scope)], at: position)
    }
}
