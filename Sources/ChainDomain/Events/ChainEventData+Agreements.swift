// The data of the agreement events.

/// What one party of an agreement undertakes to reach on a KPI, period by period.
public struct Obligation: Sendable, Codable, Equatable {
    public let party: String
    public let kpi: String
    /// The value to reach in each period (in the KPI's unit and direction).
    public let target: Double
    public let from: Period
    public let until: Period

    public init(party: String, kpi: String, target: Double, from: Period, until: Period) {
        self.party = party
        self.kpi = kpi
        self.target = target
        self.from = from
        self.until = until
    }
}

/// What one party of an agreement undertakes to do by a day, with no KPI to measure it (the
/// municipality's rent guarantee). It is kept when the party records it fulfilled
/// (`CommitmentFulfilled`); an amendment that carries the promise forward keeps its id.
public struct Commitment: Sendable, Codable, Equatable {
    /// Its id within the agreement.
    public let commitment: String
    public let party: String
    /// The chain the promise serves: one of the party's chains.
    public let chain: String
    /// What the party promises, in one or two sentences.
    public let text: String
    public let due: CalendarDate

    public init(commitment: String, party: String, chain: String, text: String, due: CalendarDate) {
        self.commitment = commitment
        self.party = party
        self.chain = chain
        self.text = text
        self.due = due
    }
}

/// The data of `AgreementProposed` and `AgreementAmended`: a version of an agreement's terms.
public struct AgreementTerms: Sendable, Codable, Equatable {
    public let agreement: String
    /// 1 for the proposal, then one more for each amendment.
    public let version: Int
    public let title: String
    public let terms: String
    public let parties: [String]
    public let obligations: [Obligation]
    /// Promises without a KPI, each due by a day (`AgreementProposed` schema 2 and `AgreementAmended`
    /// schema 3 on; absent before, and when there are none).
    public let commitments: [Commitment]?
    public let validFrom: CalendarDate
    public let validUntil: CalendarDate
    /// Why it was amended (amendments only).
    public let reason: String?
    /// The decision of a performance dialogue that led to this amendment (`AgreementAmended` schema 2 on).
    public let decision: String?

    public init(
        agreement: String, version: Int, title: String, terms: String, parties: [String], obligations: [Obligation], validFrom: CalendarDate,
        validUntil: CalendarDate, reason: String? = nil, decision: String? = nil, commitments: [Commitment]? = nil
    ) {
        self.agreement = agreement
        self.version = version
        self.title = title
        self.terms = terms
        self.parties = parties
        self.obligations = obligations
        self.commitments = commitments
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.reason = reason
        self.decision = decision
    }
}

/// The data of `AgreementSigned`: a party's signature under one version of an agreement.
public struct AgreementSigned: Sendable, Codable, Equatable {
    public let agreement: String
    public let version: Int
    public let party: String

    public init(agreement: String, version: Int, party: String) {
        self.agreement = agreement
        self.version = version
        self.party = party
    }
}

/// The data of `AgreementDeclined`: a party says no to a version of an agreement, with its reason
/// (the municipality that *geeft nul op rekest*). That version can no longer come into force; an
/// amendment asks again.
public struct AgreementDeclined: Sendable, Codable, Equatable {
    public let agreement: String
    public let version: Int
    public let party: String
    public let reason: String

    public init(agreement: String, version: Int, party: String, reason: String) {
        self.agreement = agreement
        self.version = version
        self.party = party
        self.reason = reason
    }
}

/// The data of `CommitmentFulfilled`: the party that made a commitment of an agreement in force says
/// it kept it, on a day, and may say how.
public struct CommitmentFulfilled: Sendable, Codable, Equatable {
    public let agreement: String
    public let commitment: String
    public let fulfilledOn: CalendarDate
    public let note: String?

    public init(agreement: String, commitment: String, fulfilledOn: CalendarDate, note: String? = nil) {
        self.agreement = agreement
        self.commitment = commitment
        self.fulfilledOn = fulfilledOn
        self.note = note
    }
}

/// The data of `AgreementTerminated`: an agreement ended, from a day on, with the reason.
public struct AgreementTerminated: Sendable, Codable, Equatable {
    public let agreement: String
    public let reason: String
    public let effective: CalendarDate

    public init(agreement: String, reason: String, effective: CalendarDate) {
        self.agreement = agreement
        self.reason = reason
        self.effective = effective
    }
}
