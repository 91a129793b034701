// The data of the performance dialogues: their decisions and actions.

/// What a decision was based on: ledger positions and KPIs.
public struct Evidence: Sendable, Codable, Equatable {
    /// Ledger positions the decision refers to (measurements, earlier decisions, …).
    public let positions: [UInt64]
    /// KPIs whose state the decision was based on.
    public let kpis: [String]

    public init(positions: [UInt64], kpis: [String]) {
        self.positions = positions
        self.kpis = kpis
    }
}

/// A decision taken in a performance dialogue.
public struct Decision: Sendable, Codable, Equatable {
    public let decision: String
    public let text: String
    public let rationale: String
    public let decidedBy: PersonRef
    public let evidence: Evidence

    public init(decision: String, text: String, rationale: String, decidedBy: PersonRef, evidence: Evidence) {
        self.decision = decision
        self.text = text
        self.rationale = rationale
        self.decidedBy = decidedBy
        self.evidence = evidence
    }
}

/// An action agreed in a performance dialogue, with its owner and due day.
public struct Action: Sendable, Codable, Equatable {
    public let action: String
    public let text: String
    public let owner: PersonRef
    public let due: CalendarDate

    public init(action: String, text: String, owner: PersonRef, due: CalendarDate) {
        self.action = action
        self.text = text
        self.owner = owner
        self.due = due
    }
}

/// The data of `DialogueHeld`: a performance dialogue on a chain, with its decisions and actions.
public struct DialogueHeld: Sendable, Codable, Equatable {
    public let dialogue: String
    public let chain: String
    public let date: CalendarDate
    public let participants: [PersonRef]
    /// The ledger size whose state the dialogue reviewed.
    public let reviewedPosition: UInt64
    public let decisions: [Decision]
    public let actions: [Action]

    public init(
        dialogue: String, chain: String, date: CalendarDate, participants: [PersonRef], reviewedPosition: UInt64, decisions: [Decision],
        actions: [Action]
    ) {
        self.dialogue = dialogue
        self.chain = chain
        self.date = date
        self.participants = participants
        self.reviewedPosition = reviewedPosition
        self.decisions = decisions
        self.actions = actions
    }
}

/// The data of `ActionCompleted`: an action of a dialogue done.
public struct ActionCompleted: Sendable, Codable, Equatable {
    public let dialogue: String
    public let action: String
    public let completedOn: CalendarDate
    public let note: String?

    public init(dialogue: String, action: String, completedOn: CalendarDate, note: String? = nil) {
        self.dialogue = dialogue
        self.action = action
        self.completedOn = completedOn
        self.note = note
    }
}
