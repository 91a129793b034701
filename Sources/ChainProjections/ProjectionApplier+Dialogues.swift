import ChainDomain
import LedgerCore
import SQLiteSupport

// The dialogues' tables: the preparations (agendas), the dialogues held, their decisions, and their actions
// (closed when done).

extension ProjectionApplier {
    mutating func applyDialogueHeld(_ dialogue: DialogueHeld, at position: UInt64, recordedAt: Timestamp) throws {
        try run(
            """
            INSERT INTO dialogues@ (dialogue, chain, day, reviewed_position, participants, valid_from, preparation, level, department)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(dialogue.dialogue), Self.text(dialogue.chain), .text(dialogue.date.description), Self.integer(dialogue.reviewedPosition),
                try Self.json(encoded: dialogue.participants, what: "the participants of dialogue \(dialogue.dialogue)"), Self.integer(position),
                Self.text(dialogue.preparation), .text(dialogue.level.rawValue), Self.text(dialogue.department),
            ])
        for decision in dialogue.decisions {
            try run(
                """
                INSERT INTO decisions@ (decision, dialogue, chain, text, rationale, decided_by_organisation, decided_by_person,
                evidence_positions, evidence_kpis, recorded_at, valid_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(decision.decision), .text(dialogue.dialogue), Self.text(dialogue.chain), .text(decision.text), .text(decision.rationale),
                    .text(decision.decidedBy.organisation), .text(decision.decidedBy.person), Self.json(decision.evidence.positions),
                    Self.json(decision.evidence.kpis), .integer(recordedAt.milliseconds), Self.integer(position),
                ])
        }
        for action in dialogue.actions {
            try run(
                """
                INSERT INTO actions@ (action, dialogue, chain, text, owner_organisation, owner_person, due, done_on, note, valid_from,
                valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL)
                """,
                [
                    .text(action.action), .text(dialogue.dialogue), Self.text(dialogue.chain), .text(action.text), .text(action.owner.organisation),
                    .text(action.owner.person), .text(action.due.description), Self.integer(position),
                ])
        }
    }

    mutating func applyDialoguePrepared(_ prepared: DialoguePrepared, at position: UInt64, recordedAt: Timestamp) throws {
        try run(
            """
            INSERT INTO dialogue_preparations@ (preparation, chain, planned_on, agenda, invited, recorded_at, valid_from)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(prepared.preparation), .text(prepared.chain), .text(prepared.plannedOn.description),
                try Self.json(encoded: prepared.agenda, what: "the agenda of \(prepared.preparation)"), Self.json(prepared.invited),
                .integer(recordedAt.milliseconds), Self.integer(position),
            ])
    }

    mutating func applyActionCompleted(_ completion: ActionCompleted, at position: UInt64) throws {
        try supersede(
            "actions", "action = ?", [.text(completion.action)],
            changing: [
                "done_on": .text(completion.completedOn.description), "note": Self.text(completion.note),
            ], at: position)
    }
}
