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
///
/// Schema 2 adds `preparation`: the `DialoguePrepared` the dialogue follows, if any. Schema 1
/// data has none.
public struct DialogueHeld: Sendable, Codable, Equatable {
    public let dialogue: String
    public let chain: String
    public let date: CalendarDate
    public let participants: [PersonRef]
    /// The ledger size whose state the dialogue reviewed.
    public let reviewedPosition: UInt64
    public let decisions: [Decision]
    public let actions: [Action]
    /// The preparation (its agenda) the dialogue follows.
    public let preparation: String?

    public init(
        dialogue: String, chain: String, date: CalendarDate, participants: [PersonRef], reviewedPosition: UInt64, decisions: [Decision],
        actions: [Action], preparation: String? = nil
    ) {
        self.dialogue = dialogue
        self.chain = chain
        self.date = date
        self.participants = participants
        self.reviewedPosition = reviewedPosition
        self.decisions = decisions
        self.actions = actions
        self.preparation = preparation
    }
}

/// An item of a dialogue's agenda: what is to be discussed, and the KPIs, agreements (their
/// obligations) and actions it concerns.
public struct AgendaItem: Sendable, Codable, Equatable {
    public let item: String
    public let kpis: [String]
    public let agreements: [String]
    public let actions: [String]

    public init(item: String, kpis: [String] = [], agreements: [String] = [], actions: [String] = []) {
        self.item = item
        self.kpis = kpis
        self.agreements = agreements
        self.actions = actions
    }
}

/// The data of `DialoguePrepared`: the agenda of a performance dialogue, set before it by the
/// chain owner's organisation, and the organisations invited. A `DialogueHeld` cites it by
/// `preparation`.
public struct DialoguePrepared: Sendable, Codable, Equatable {
    public let preparation: String
    public let chain: String
    /// The day the dialogue is planned for.
    public let plannedOn: CalendarDate
    public let agenda: [AgendaItem]
    public let invited: [String]

    public init(preparation: String, chain: String, plannedOn: CalendarDate, agenda: [AgendaItem], invited: [String]) {
        self.preparation = preparation
        self.chain = chain
        self.plannedOn = plannedOn
        self.agenda = agenda
        self.invited = invited
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
