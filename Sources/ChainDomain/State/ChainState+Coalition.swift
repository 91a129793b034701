// The coalition's members and their roles, as the state keeps them (mission and policy are kept whole).

extension ChainState {
    mutating func applyMissionDefined(_ mission: MissionDefined) {
        self.mission = mission
    }

    mutating func applyPolicySet(_ policy: PolicySet) {
        self.policy = policy
    }

    /// A member registered or changed, keeping the roles it holds.
    mutating func applyMember(_ member: MemberRegistered) {
        let key = "\(member.organisation)/\(member.person)"
        members[key] = Member(registration: member, roles: members[key]?.roles ?? [])
    }

    /// A role granted (`granted`) or revoked.
    mutating func applyRole(_ change: RoleChange, granted: Bool) {
        let key = RoleKey(role: change.role, scope: change.scope)
        if granted {
            members["\(change.organisation)/\(change.person)"]?.roles.insert(key)
        } else {
            members["\(change.organisation)/\(change.person)"]?.roles.remove(key)
        }
    }
}
