import LedgerCore

// The coalition's own rules: its mission and policy (coordinators set them), its members (each
// organisation registers its own) and their roles.

extension Check {
    /// `MissionDefined`: a coordinator sets the mission and a few goals.
    func validateMissionDefined(_ mission: MissionDefined) throws(LedgerError) {
        try requireCoordinator("only coordinators set the coalition's mission and goals")
        try requireText("mission", mission.mission, limit: 1000)
        guard (1...10).contains(mission.goals.count) else {
            throw rule("a few goals", "a mission has 1 to 10 goals, not \(mission.goals.count)")
        }
        try unique(mission.goals.map(\.goal), "goal")
        for goal in mission.goals { try requireText("goal title", goal.title, limit: 200) }
    }

    /// `PolicySet`: a coordinator sets the policy, within bounds.
    func validatePolicySet(_ policy: PolicySet) throws(LedgerError) {
        try requireCoordinator("only coordinators set the coalition's policy")
        guard (1...50).contains(policy.kpiLimitPerChain), (0...366).contains(policy.staleGraceDays),
            (0...92).contains(policy.dialogueGraceDays)
        else { throw rule("policy within bounds", "the KPI limit runs from 1 to 50, grace periods from 0 days") }
        if let span = policy.ownerSpan, !(1...50).contains(span) {
            throw rule("policy within bounds", "an owner's span runs from 1 to 50 chains, not \(span)")
        }
    }

    /// `MemberRegistered` (`registering`) and `MemberChanged`: an organisation registers its own members, once,
    /// and changes only registered ones.
    func validateMember(_ member: MemberRegistered, registering: Bool) throws(LedgerError) {
        guard member.organisation == signer || isCoordinator else {
            throw refuse("an organisation registers its own members (or a coordinator does)")
        }
        try requireOrganisation(member.organisation)
        try requireID("person", member.person)
        try requireText("name", member.name, limit: 120)
        if registering, event.version != 1 {
            throw rule("members are registered once", "\(member.person) of \(member.organisation) is already registered")
        }
        if !registering, state.member(PersonRef(organisation: member.organisation, person: member.person)) == nil {
            throw rule("only registered members change", "\(member.person) of \(member.organisation) is not registered")
        }
    }

    /// `RoleGranted` (`granting`) and `RoleRevoked`: a coordinator grants a role to a registered member once, and
    /// revokes only roles held.
    func validateRole(_ change: RoleChange, granting: Bool) throws(LedgerError) {
        try requireCoordinator("only coordinators grant and revoke roles")
        let person = PersonRef(organisation: change.organisation, person: change.person)
        guard let member = state.member(person) else {
            throw rule("roles go to registered members", "\(person) is not registered")
        }
        if let scope = change.scope {
            guard state.chains[scope] != nil || state.kpis[scope] != nil else {
                throw rule("role scopes exist", "\"\(scope)\" is neither a chain nor a KPI")
            }
        }
        let key = ChainState.RoleKey(role: change.role, scope: change.scope)
        if granting, member.roles.contains(key) {
            throw rule("roles are granted once", "\(person) already holds \(change.role.rawValue)")
        }
        if !granting, !member.roles.contains(key) {
            throw rule("only held roles are revoked", "\(person) does not hold \(change.role.rawValue)")
        }
    }
}
