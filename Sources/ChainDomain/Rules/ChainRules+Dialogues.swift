import LedgerCore

// The rules of performance dialogues: held on a chain by its owner or a coordinator, with decisions and
// actions; actions completed by their owners.

extension Check {
    /// `DialogueHeld`: a new dialogue at one of the three steering levels, reviewing the past, with
    /// registered participants and new decisions and actions.
    ///
    /// - chain level: on an active chain, by its owner's organisation or a coordinator, optionally
    ///   following the chain's preparation;
    /// - department level: on an active chain, by the partner whose department met, or a coordinator;
    /// - strategic level: on the coalition's goals, no chain, by a coordinator.
    func validateDialogueHeld(_ dialogue: DialogueHeld) throws(LedgerError) {
        switch dialogue.level {
        case .chain:
            guard dialogue.department == nil else {
                throw rule(
                    "a department dialogue is held at the department level", "dialogue \(dialogue.dialogue) names a department at the chain level")
            }
            try requireNew("dialogue", field: "dialogue", id: dialogue.dialogue, on: try dialogueChain(dialogue))
        case .department:
            let chainID = try dialogueChain(dialogue)
            let chain = try existingChain(chainID)
            guard let department = dialogue.department else {
                throw rule("a department dialogue names its department", "dialogue \(dialogue.dialogue) names no partner organisation")
            }
            guard chain.definition.partners.contains(department) else {
                throw rule("a department dialogue is held by a partner of the chain", "\(department) is not a partner of chain \(chainID)")
            }
            guard signer == department || isCoordinator else {
                throw refuse("only \(department) itself or a coordinator records the dialogue of its department")
            }
            try requireNewDialogue(dialogue)
        case .strategic:
            guard dialogue.chain == nil, dialogue.department == nil else {
                throw rule(
                    "a strategic dialogue concerns the coalition's goals", "dialogue \(dialogue.dialogue) names a chain or a department")
            }
            try requireCoordinator("only coordinators record the coalition's strategic dialogues")
            try requireNewDialogue(dialogue)
        }
        if let cited = dialogue.preparation {
            guard dialogue.level == .chain else {
                throw rule("a preparation is the agenda of a chain dialogue", "dialogue \(dialogue.dialogue) is not a chain dialogue")
            }
            guard let preparation = state.preparations[cited] else {
                throw rule("a dialogue follows its preparation", "there is no preparation \(cited)")
            }
            guard preparation.prepared.chain == dialogue.chain else {
                throw rule(
                    "a dialogue follows its preparation",
                    "preparation \(cited) is for chain \(preparation.prepared.chain), not \(dialogue.chain ?? "")")
            }
            if let other = preparation.citedBy {
                throw rule("a dialogue follows its preparation", "preparation \(cited) was followed by dialogue \(other) already")
            }
        }
        guard dialogue.reviewedPosition <= event.position else {
            throw rule("a dialogue reviews the past", "it cannot review position \(dialogue.reviewedPosition), beyond its own \(event.position)")
        }
        guard !dialogue.participants.isEmpty else { throw rule("dialogues have participants", "no participants named") }
        for participant in dialogue.participants { try requireMember(participant, as: "participant") }
        try unique(dialogue.decisions.map(\.decision), "decision")
        try unique(dialogue.actions.map(\.action), "action")
        for decision in dialogue.decisions {
            guard state.decisions[decision.decision] == nil else {
                throw rule("decision ids are unique", "decision \(decision.decision) already exists")
            }
            try requireText("decision", decision.text, limit: 1000)
            try requireText("rationale", decision.rationale, limit: 1000)
            try requireMember(decision.decidedBy, as: "decision maker")
            for position in decision.evidence.positions where position >= event.position {
                throw rule("evidence comes from the ledger", "position \(position) is not yet in the ledger")
            }
            for kpi in decision.evidence.kpis where state.kpis[kpi] == nil {
                throw rule("evidence comes from the ledger", "KPI \(kpi) does not exist")
            }
        }
        for action in dialogue.actions {
            guard state.actions[action.action] == nil else { throw rule("action ids are unique", "action \(action.action) already exists") }
            try requireText("action", action.text, limit: 500)
            try requireMember(action.owner, as: "action owner")
        }
    }

    /// The chain of a dialogue at the chain or department level, which must name it.
    private func dialogueChain(_ dialogue: DialogueHeld) throws(LedgerError) -> String {
        guard let chain = dialogue.chain else {
            if dialogue.level == .department {
                throw rule("a department dialogue names its chain", "dialogue \(dialogue.dialogue) names no chain")
            }
            throw rule("a chain dialogue names its chain", "dialogue \(dialogue.dialogue) names no chain")
        }
        return chain
    }

    /// A new dialogue id, valid as an id.
    private func requireNewDialogue(_ dialogue: DialogueHeld) throws(LedgerError) {
        guard event.version == 1 else { throw rule("dialogue ids are unique", "dialogue \(dialogue.dialogue) already exists") }
        try requireID("dialogue", dialogue.dialogue)
    }

    /// `DialoguePrepared`: a new agenda for a chain's next dialogue, signed by the chain owner's
    /// organisation, whose items point at the ledger's KPIs, agreements and actions, with invited
    /// organisations of the coalition.
    func validateDialoguePrepared(_ prepared: DialoguePrepared) throws(LedgerError) {
        let chain = try existingChain(prepared.chain)
        guard chain.owner?.organisation == signer else {
            throw refuse(
                "only the owner of chain \(prepared.chain) (\(Self.ownerName(chain))) prepares its dialogues")
        }
        guard event.version == 1 else {
            throw rule(
                "dialogue ids are unique",
                "\(prepared.preparation) is already the id of a dialogue or a preparation; give the preparation an id of its own")
        }
        try requireID("preparation", prepared.preparation)
        guard !prepared.agenda.isEmpty else { throw rule("an agenda has items", "the agenda is empty") }
        guard prepared.agenda.count <= 50 else { throw rule("an agenda has items", "at most 50 items, not \(prepared.agenda.count)") }
        for item in prepared.agenda {
            try requireText("agenda item", item.item, limit: 500)
            try unique(item.kpis, "agenda KPI")
            try unique(item.agreements, "agenda agreement")
            try unique(item.actions, "agenda action")
            for kpi in item.kpis {
                guard let defined = state.kpis[kpi] else { throw rule("the agenda points at the ledger", "KPI \(kpi) does not exist") }
                guard defined.definition.chain == prepared.chain else {
                    throw rule("the agenda points at the ledger", "KPI \(kpi) belongs to chain \(defined.definition.chain), not \(prepared.chain)")
                }
            }
            for agreement in item.agreements where state.agreements[agreement] == nil {
                throw rule("the agenda points at the ledger", "agreement \(agreement) does not exist")
            }
            for action in item.actions {
                guard let dialogue = state.actions[action] else {
                    throw rule("the agenda points at the ledger", "action \(action) does not exist")
                }
                guard let chain = state.dialogues[dialogue]?.held.chain, chain == prepared.chain else {
                    throw rule("the agenda points at the ledger", "action \(action) was agreed for another chain, not \(prepared.chain)")
                }
            }
        }
        guard !prepared.invited.isEmpty else { throw rule("a dialogue has invitees", "no organisation invited") }
        try unique(prepared.invited, "invited organisation")
        for organisation in prepared.invited { try requireOrganisation(organisation) }
    }

    /// `ActionCompleted`: an action of a dialogue, done once, by its owner, the chain owner or a coordinator.
    func validateActionCompleted(_ completion: ActionCompleted) throws(LedgerError) {
        guard let dialogue = state.dialogues[completion.dialogue] else {
            throw rule("actions belong to dialogues", "dialogue \(completion.dialogue) does not exist")
        }
        guard let action = dialogue.held.actions.first(where: { $0.action == completion.action }) else {
            throw rule("actions belong to dialogues", "dialogue \(completion.dialogue) has no action \(completion.action)")
        }
        let chainOwner = dialogue.held.chain.flatMap { state.chains[$0]?.owner?.organisation }
        guard action.owner.organisation == signer || chainOwner == signer || isCoordinator else {
            throw refuse("only the action's owner, the chain owner or a coordinator completes an action")
        }
        guard !dialogue.completedActions.contains(completion.action) else {
            throw rule("actions are completed once", "action \(completion.action) is already done")
        }
        if let note = completion.note { try requireText("note", note, limit: DomainIdentifiers.noteLimit) }
    }
}
