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

/// The data of `DialogueHeld`: a performance dialogue, with its decisions and actions.
///
/// Schema 2 adds `preparation`: the `DialoguePrepared` the dialogue follows, if any. Schema 1
/// data has none.
///
/// Schema 3 adds the steering level (`level`). A dialogue of the chain's own team (`chain`) names its
/// chain, as in schemas 1 and 2; a department dialogue (`department`) names the chain and the
/// partner organisation whose team met about its role in it (`department`); a strategic dialogue
/// (`strategic`) concerns the coalition's goals and names no chain. `level` is absent at the chain
/// level, so a chain dialogue reads the same in every schema.
public struct DialogueHeld: Sendable, Codable, Equatable {
    public let dialogue: String
    /// The chain the dialogue concerns; nil at the strategic level.
    public let chain: String?
    public let level: SteeringLevel
    /// At the department level: the partner organisation whose department held the dialogue.
    public let department: String?
    public let date: CalendarDate
    public let participants: [PersonRef]
    /// The ledger size whose state the dialogue reviewed.
    public let reviewedPosition: UInt64
    public let decisions: [Decision]
    public let actions: [Action]
    /// The preparation (its agenda) the dialogue follows.
    public let preparation: String?

    public init(
        dialogue: String, chain: String?, level: SteeringLevel = .chain, department: String? = nil, date: CalendarDate,
        participants: [PersonRef], reviewedPosition: UInt64, decisions: [Decision], actions: [Action], preparation: String? = nil
    ) {
        self.dialogue = dialogue
        self.chain = chain
        self.level = level
        self.department = department
        self.date = date
        self.participants = participants
        self.reviewedPosition = reviewedPosition
        self.decisions = decisions
        self.actions = actions
        self.preparation = preparation
    }

    private enum CodingKeys: String, CodingKey {
        case dialogue, chain, level, department, date, participants, reviewedPosition, decisions, actions, preparation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dialogue = try container.decode(String.self, forKey: .dialogue)
        chain = try container.decodeIfPresent(String.self, forKey: .chain)
        level = try container.decodeIfPresent(SteeringLevel.self, forKey: .level) ?? .chain
        department = try container.decodeIfPresent(String.self, forKey: .department)
        date = try container.decode(CalendarDate.self, forKey: .date)
        participants = try container.decode([PersonRef].self, forKey: .participants)
        reviewedPosition = try container.decode(UInt64.self, forKey: .reviewedPosition)
        decisions = try container.decode([Decision].self, forKey: .decisions)
        actions = try container.decode([Action].self, forKey: .actions)
        preparation = try container.decodeIfPresent(String.self, forKey: .preparation)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dialogue, forKey: .dialogue)
        try container.encodeIfPresent(chain, forKey: .chain)
        if level != .chain { try container.encode(level, forKey: .level) }
        try container.encodeIfPresent(department, forKey: .department)
        try container.encode(date, forKey: .date)
        try container.encode(participants, forKey: .participants)
        try container.encode(reviewedPosition, forKey: .reviewedPosition)
        try container.encode(decisions, forKey: .decisions)
        try container.encode(actions, forKey: .actions)
        try container.encodeIfPresent(preparation, forKey: .preparation)
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
