// Dialogues as the state keeps them, with the ids of their decisions and actions.

extension ChainState {
    /// A dialogue held: its decision and action ids are taken from now on.
    mutating func applyDialogueHeld(_ held: DialogueHeld) {
        dialogues[held.dialogue] = Dialogue(held: held, completedActions: [])
        if let preparation = held.preparation { preparations[preparation]?.citedBy = held.dialogue }
        for decision in held.decisions { decisions[decision.decision] = held.dialogue }
        for action in held.actions { actions[action.action] = held.dialogue }
    }

    mutating func applyActionCompleted(_ completion: ActionCompleted) {
        dialogues[completion.dialogue]?.completedActions.insert(completion.action)
    }
}

extension ChainState {
    mutating func applyDialoguePrepared(_ prepared: DialoguePrepared) {
        preparations[prepared.preparation] = Preparation(prepared: prepared, citedBy: nil)
    }
}
