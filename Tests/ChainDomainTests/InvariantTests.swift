import ChainDomain
import ChainTestSupport
import LedgerCore
import LedgerSQLite
import Testing

/// The method's invariants: each case is accepted in its valid form elsewhere; here the
/// offending form is refused with the rule and the value named, and the ledger is unchanged.
struct InvariantTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        var setup: [(String, [ChainEvent])] = []
        let signer: String
        let events: [ChainEvent]
        let message: String
    }

    static let director = DomainFixture.director
    static func kpi(_ id: String, level: KPILevel = .chain, step: String? = nil, contributesTo: [String] = [], goals: [String] = []) -> ChainEvent {
        .kpiDefined(
            KpiDefinition(
                kpi: id, chain: "hf", name: id, level: level, step: step, unit: "%", direction: .higher, grain: .month,
                aggregation: .average, owner: director, reporters: ["opvang"], contributesTo: contributesTo, goals: goals))
    }

    static func value(_ id: String) -> ChainValue { ChainValue(value: id, name: "Value \(id)") }

    /// A dialogue without decisions at `level` (strategic unless told), naming what it is given.
    static func steering(
        level: SteeringLevel = .strategic, chain: String? = nil, department: String? = nil, preparation: String? = nil
    ) -> DialogueHeld {
        DialogueHeld(
            dialogue: "d-steering", chain: chain, level: level, department: department, date: CalendarDate(2026, 3, 10)!,
            participants: [director], reviewedPosition: 1, decisions: [], actions: [], preparation: preparation)
    }

    static let declined = ("hoeksteen", [decline(version: 1)])

    static func decline(version: Int) -> ChainEvent {
        .agreementDeclined(AgreementDeclined(agreement: "homes-2026", version: version, party: "hoeksteen", reason: "Geen woningen vrij."))
    }

    static func amendment(decision: String?) -> AgreementTerms {
        let terms = AuthorisationTests.amendment
        return AgreementTerms(
            agreement: terms.agreement, version: terms.version, title: terms.title, terms: terms.terms, parties: terms.parties,
            obligations: terms.obligations, validFrom: terms.validFrom, validUntil: terms.validUntil, reason: terms.reason, decision: decision)
    }

    static func agreement(_ parties: [String], obligation: Obligation, from: CalendarDate = CalendarDate(2026, 1, 1)!) -> ChainEvent {
        .agreementProposed(
            AgreementTerms(
                agreement: "a1", version: 1, title: "A", terms: "T", parties: parties, obligations: [obligation],
                validFrom: from, validUntil: CalendarDate(2026, 12, 31)!))
    }

    static func promising(_ commitments: [Commitment]) -> ChainEvent {
        let terms = AuthorisationTests.promising
        return .agreementProposed(
            AgreementTerms(
                agreement: terms.agreement, version: 1, title: terms.title, terms: terms.terms, parties: terms.parties,
                obligations: terms.obligations, validFrom: terms.validFrom, validUntil: terms.validUntil, commitments: commitments))
    }

    static func commitment(
        _ id: String = "rent-guarantee", party: String = "gemeente", chain: String = "hf", due: CalendarDate = CalendarDate(2026, 3, 31)!
    )
        -> Commitment
    {
        Commitment(commitment: id, party: party, chain: chain, text: "Huurgarantie.", due: due)
    }

    static let cases: [Case] = [
        Case(
            description: "a commitment is kept in an agreement in force", setup: [("gemeente", [promising([commitment()])])],
            signer: "gemeente", events: [AuthorisationTests.fulfilled()],
            message: "breaks rule \"only an agreement in force is kept\": no version of agreement homes-2026 is signed by every party"),
        Case(
            description: "a commitment belongs to the agreement", setup: AuthorisationTests.inForce, signer: "gemeente",
            events: [AuthorisationTests.fulfilled("rent-cap")],
            message: "breaks rule \"commitments belong to agreements\": version 1 of agreement homes-2026 has no commitment rent-cap"),
        Case(
            description: "a commitment is fulfilled once", setup: AuthorisationTests.inForce + [("gemeente", [AuthorisationTests.fulfilled()])],
            signer: "gemeente", events: [AuthorisationTests.fulfilled()],
            message: "breaks rule \"commitments are fulfilled once\": commitment rent-guarantee is already fulfilled"),
        Case(
            description: "a commitment falls due while the agreement runs", signer: "gemeente",
            events: [promising([commitment(due: CalendarDate(2027, 1, 31)!)])],
            message:
                "breaks rule \"commitments fall due while the agreement runs\": commitment rent-guarantee is due 2027-01-31, outside 2026-01-01 – 2026-12-31"
        ),
        Case(
            description: "a commitment binds a party", signer: "gemeente", events: [promising([commitment(party: "opvang")])],
            message: "breaks rule \"commitments bind parties\": opvang is not a party to homes-2026"),
        Case(
            description: "commitment ids are unique", signer: "gemeente", events: [promising([commitment(), commitment()])],
            message: "breaks rule \"commitment ids are unique\": each commitment of homes-2026 needs an id of its own"),
        Case(
            description: "a commitment stays within the party's chains", signer: "gemeente", events: [promising([commitment(chain: "elders")])],
            message: "breaks rule \"commitments stay within a party's chains\": gemeente is not a partner of chain elders"),
        Case(
            description: "the KPI limit per chain",
            setup: [("gemeente", [.policySet(PolicySet(kpiLimitPerChain: 4, staleGraceDays: 14, dialogueGraceDays: 7))])],
            signer: "opvang", events: [kpi("fifth")], message: "breaks rule \"at most 4 KPIs per chain\": chain hf already has 4 active KPIs"),
        Case(
            description: "links only upward", signer: "opvang", events: [.kpiLinked(KpiLink(kpi: "homeless", to: "intake", goal: nil))],
            message: "breaks rule \"links run upward\": result KPI homeless cannot contribute to process KPI intake"),
        Case(
            description: "links never close a cycle", setup: [("opvang", [kpi("satisfaction", contributesTo: ["days"])])],
            signer: "opvang", events: [.kpiLinked(KpiLink(kpi: "days", to: "satisfaction", goal: nil))],
            message: "breaks rule \"links run without cycles\": linking days to satisfaction closes a cycle"),
        Case(
            description: "process KPIs belong to a step", signer: "opvang", events: [kpi("nostep", level: .process)],
            message: "process KPI nostep names no step"),
        Case(
            description: "only result KPIs serve goals", signer: "opvang", events: [kpi("goalish", goals: ["g1"])],
            message: "a chain KPI cannot link to goal g1"),
        Case(
            description: "a measurement's period fits the grain", signer: "opvang",
            events: [DomainFixture.measurement("intake", "2026-Q1", "opvang", 90)],
            message: "KPI intake is measured per month; 2026-Q1 is a quarter"),
        Case(
            description: "units match", signer: "opvang", events: [DomainFixture.measurement("intake", "2026-01", "opvang", 90, unit: "days")],
            message: "breaks rule \"units match\": KPI intake is measured in %, not days"),
        Case(
            description: "measurements of retired KPIs",
            setup: [("opvang", [.kpiRetired(Retirement(chain: nil, kpi: "intake", reason: "replaced"))])],
            signer: "opvang", events: [DomainFixture.measurement("intake", "2026-01", "opvang", 90)], message: "KPI intake is retired"),
        Case(
            description: "a second value is a correction", setup: [("opvang", [DomainFixture.measurement("intake", "2026-01", "opvang", 90)])],
            signer: "opvang", events: [DomainFixture.measurement("intake", "2026-01", "opvang", 91)],
            message: "breaks rule \"one value per KPI, period and organisation\""),
        Case(
            description: "a correction names the latest value", setup: [("opvang", [DomainFixture.measurement("intake", "2026-01", "opvang", 90)])],
            signer: "opvang",
            events: [
                .measurementCorrected(
                    Measurement(
                        kpi: "intake", period: Period("2026-01")!, organisation: "opvang", value: 88,
                        status: .normal, source: "fix", supersedes: 2, reason: "typo"))
            ],
            message: "breaks rule \"corrections supersede the latest value\""),
        Case(
            description: "a correction without a value to correct", signer: "opvang",
            events: [
                .measurementCorrected(
                    Measurement(
                        kpi: "intake", period: Period("2026-02")!, organisation: "opvang", value: 88,
                        status: .normal, source: "fix", supersedes: 2, reason: "typo"))
            ],
            message: "there is no measurement of intake for 2026-02 by opvang to correct"),
        Case(
            description: "obligations stay within a party's chains", signer: "gemeente",
            events: [
                agreement(
                    ["gemeente", "buiten"],
                    obligation: Obligation(party: "buiten", kpi: "intake", target: 90, from: Period("2026-01")!, until: Period("2026-12")!))
            ],
            message: "buiten is not a partner of chain hf"),
        Case(
            description: "dates run forward", signer: "gemeente",
            events: [
                agreement(
                    ["gemeente", "hoeksteen"],
                    obligation: Obligation(party: "hoeksteen", kpi: "homes", target: 6, from: Period("2026-Q1")!, until: Period("2026-Q4")!),
                    from: CalendarDate(2027, 1, 1)!)
            ],
            message: "valid from 2027-01-01 until 2026-12-31"),
        Case(
            description: "a chain owner sits in a management team", signer: "gemeente",
            events: [
                .chainOwnerAssigned(ChainOwnerAssigned(chain: "hf", owner: PersonRef(organisation: "opvang", person: "medewerker"), reason: "r"))
            ],
            message: "breaks rule \"a chain owner sits in a management team\""),
        Case(
            description: "chain ids are unique", signer: "gemeente", events: [.chainDefined(DomainFixture.chain)],
            message: "breaks rule \"chain ids are unique\": chain hf already exists"),
        Case(
            description: "thresholds follow the direction", signer: "opvang",
            events: [.targetSet(TargetSet(kpi: "intake", from: Period("2026-01")!, until: nil, target: 80, red: 90))],
            message: "for higher-is-better the red threshold (90.0) lies at or below the target (80.0)"),
        Case(
            description: "a dialogue reviews the past", signer: "opvang",
            events: [
                .dialogueHeld(
                    DialogueHeld(
                        dialogue: "d9", chain: "hf", date: CalendarDate(2026, 1, 5)!, participants: [director],
                        reviewedPosition: 10_000, decisions: [], actions: []))
            ],
            message: "breaks rule \"a dialogue reviews the past\""),
        Case(
            description: "decision ids are unique", setup: [("opvang", [.dialogueHeld(AuthorisationTests.dialogue)])], signer: "opvang",
            events: [
                .dialogueHeld(
                    DialogueHeld(
                        dialogue: "d2", chain: "hf", date: CalendarDate(2026, 4, 1)!, participants: [director],
                        reviewedPosition: 5, decisions: AuthorisationTests.dialogue.decisions, actions: []))
            ],
            message: "breaks rule \"decision ids are unique\": decision d1-homes already exists"),
        Case(
            description: "an agenda has items", signer: "opvang",
            events: [
                .dialoguePrepared(
                    DialoguePrepared(preparation: "p2", chain: "hf", plannedOn: CalendarDate(2026, 3, 1)!, agenda: [], invited: ["opvang"]))
            ],
            message: "breaks rule \"an agenda has items\": the agenda is empty"),
        Case(
            description: "the agenda points at the ledger", signer: "opvang",
            events: [
                .dialoguePrepared(
                    DialoguePrepared(
                        preparation: "p2", chain: "hf", plannedOn: CalendarDate(2026, 3, 1)!,
                        agenda: [AgendaItem(item: "Waiting times", kpis: ["waiting-time"])], invited: ["opvang"]))
            ],
            message: "breaks rule \"the agenda points at the ledger\": KPI waiting-time does not exist"),
        Case(
            description: "an agenda item names a KPI once", signer: "opvang",
            events: [
                .dialoguePrepared(
                    DialoguePrepared(
                        preparation: "p2", chain: "hf", plannedOn: CalendarDate(2026, 3, 1)!,
                        agenda: [AgendaItem(item: "Intake", kpis: ["intake", "intake"])], invited: ["opvang"]))
            ],
            message: "breaks rule \"agenda KPI ids are unique\": agenda KPI intake appears twice"),
        Case(
            description: "invitees are members", signer: "opvang",
            events: [
                .dialoguePrepared(
                    DialoguePrepared(
                        preparation: "p2", chain: "hf", plannedOn: CalendarDate(2026, 3, 1)!, agenda: [AgendaItem(item: "Intake")],
                        invited: ["opvang", "elders"]))
            ],
            message: "\"elders\" is not a member of the coalition"),
        Case(
            description: "a dialogue follows a preparation that exists", signer: "opvang",
            events: [
                .dialogueHeld(
                    DialogueHeld(
                        dialogue: "d9", chain: "hf", date: CalendarDate(2026, 1, 5)!, participants: [director], reviewedPosition: 1,
                        decisions: [], actions: [], preparation: "p-none"))
            ],
            message: "breaks rule \"a dialogue follows its preparation\": there is no preparation p-none"),
        Case(
            description: "a preparation is followed once",
            setup: [
                ("opvang", [.dialoguePrepared(AuthorisationTests.preparation)]),
                (
                    "opvang",
                    [
                        .dialogueHeld(
                            DialogueHeld(
                                dialogue: "d8", chain: "hf", date: CalendarDate(2026, 3, 1)!, participants: [director], reviewedPosition: 1,
                                decisions: [], actions: [], preparation: "p1"))
                    ]
                ),
            ],
            signer: "opvang",
            events: [
                .dialogueHeld(
                    DialogueHeld(
                        dialogue: "d9", chain: "hf", date: CalendarDate(2026, 3, 2)!, participants: [director], reviewedPosition: 1,
                        decisions: [], actions: [], preparation: "p1"))
            ],
            message: "breaks rule \"a dialogue follows its preparation\": preparation p1 was followed by dialogue d8 already"),
        Case(
            description: "preparation ids are dialogue ids", setup: [("opvang", [.dialogueHeld(AuthorisationTests.dialogue)])], signer: "opvang",
            events: [
                .dialoguePrepared(
                    DialoguePrepared(
                        preparation: "d1", chain: "hf", plannedOn: CalendarDate(2026, 3, 1)!, agenda: [AgendaItem(item: "Intake")],
                        invited: ["opvang"]))
            ],
            message: "breaks rule \"dialogue ids are unique\": d1 is already the id of a dialogue or a preparation"),
        Case(
            description: "an owner's span is within bounds", signer: "gemeente",
            events: [.policySet(PolicySet(kpiLimitPerChain: 15, staleGraceDays: 14, dialogueGraceDays: 7, ownerSpan: 0))],
            message: "breaks rule \"policy within bounds\": an owner's span runs from 1 to 50 chains, not 0"),
        Case(
            description: "a strategic dialogue names no chain", signer: "gemeente",
            events: [.dialogueHeld(steering(chain: "hf"))],
            message: "breaks rule \"a strategic dialogue concerns the coalition's goals\": dialogue d-steering names a chain or a department"),
        Case(
            description: "a strategic dialogue names no department", signer: "gemeente",
            events: [.dialogueHeld(steering(department: "hoeksteen"))],
            message: "breaks rule \"a strategic dialogue concerns the coalition's goals\": dialogue d-steering names a chain or a department"),
        Case(
            description: "a chain dialogue names its chain", signer: "opvang",
            events: [.dialogueHeld(steering(level: .chain))],
            message: "breaks rule \"a chain dialogue names its chain\": dialogue d-steering names no chain"),
        Case(
            description: "a chain dialogue names no department", signer: "opvang",
            events: [.dialogueHeld(steering(level: .chain, chain: "hf", department: "hoeksteen"))],
            message:
                "breaks rule \"a department dialogue is held at the department level\": dialogue d-steering names a department at the chain level"),
        Case(
            description: "a department dialogue names its department", signer: "hoeksteen",
            events: [.dialogueHeld(steering(level: .department, chain: "hf"))],
            message: "breaks rule \"a department dialogue names its department\": dialogue d-steering names no partner organisation"),
        Case(
            description: "a department dialogue names its chain", signer: "hoeksteen",
            events: [.dialogueHeld(steering(level: .department, department: "hoeksteen"))],
            message: "breaks rule \"a department dialogue names its chain\": dialogue d-steering names no chain"),
        Case(
            description: "a department dialogue is held by a partner of the chain", signer: "buiten",
            events: [.dialogueHeld(steering(level: .department, chain: "hf", department: "buiten"))],
            message: "breaks rule \"a department dialogue is held by a partner of the chain\": buiten is not a partner of chain hf"),
        Case(
            description: "a department dialogue follows no preparation", setup: [("opvang", [.dialoguePrepared(AuthorisationTests.preparation)])],
            signer: "hoeksteen",
            events: [.dialogueHeld(steering(level: .department, chain: "hf", department: "hoeksteen", preparation: "p1"))],
            message: "breaks rule \"a preparation is the agenda of a chain dialogue\": dialogue d-steering is not a chain dialogue"),
        Case(
            description: "strategic dialogue ids are unique", setup: [("gemeente", [.dialogueHeld(steering())])], signer: "gemeente",
            events: [.dialogueHeld(steering())],
            message: "breaks rule \"dialogue ids are unique\": dialogue d-steering already exists"),
        Case(
            description: "a chain serves customer values", signer: "opvang",
            events: [.customerValuesSet(CustomerValuesSet(chain: "hf", customerValues: [], internalValues: [value("safe")]))],
            message: "breaks rule \"a chain serves customer values\": chain hf names no customer value"),
        Case(
            description: "a chain holds a few values", signer: "opvang",
            events: [.customerValuesSet(CustomerValuesSet(chain: "hf", customerValues: (1...11).map { value("v\($0)") }))],
            message: "breaks rule \"a chain holds a few values\": at most 10 customer values per chain, not 11"),
        Case(
            description: "value ids are unique across both lists", signer: "opvang",
            events: [.customerValuesSet(CustomerValuesSet(chain: "hf", customerValues: [value("quick")], internalValues: [value("quick")]))],
            message: "breaks rule \"value ids are unique\": value quick appears twice"),
        Case(
            description: "a value has a name", signer: "opvang",
            events: [.customerValuesSet(CustomerValuesSet(chain: "hf", customerValues: [ChainValue(value: "quick", name: " ")]))],
            message: "value name must hold 1 to 200 characters"),
        Case(
            description: "a measured value stays",
            setup: [
                ("opvang", [.customerValuesSet(AuthorisationTests.values), .kpiValuesSet(KpiValuesSet(kpi: "days", values: ["quick"]))])
            ],
            signer: "opvang",
            events: [.customerValuesSet(CustomerValuesSet(chain: "hf", customerValues: [value("own")]))],
            message: "breaks rule \"measured values stay\": KPI days measures value quick; set the KPI's values first"),
        Case(
            description: "only chain KPIs measure values", setup: [("opvang", [.customerValuesSet(AuthorisationTests.values)])],
            signer: "opvang", events: [.kpiValuesSet(KpiValuesSet(kpi: "intake", values: ["quick"]))],
            message: "breaks rule \"chain KPIs measure the chain's values\": process KPI intake is not a chain KPI"),
        Case(
            description: "a KPI measures the chain's own values", setup: [("opvang", [.customerValuesSet(AuthorisationTests.values)])],
            signer: "opvang", events: [.kpiValuesSet(KpiValuesSet(kpi: "days", values: ["quick", "cheap"]))],
            message: "breaks rule \"chain KPIs measure the chain's values\": chain hf has no value cheap"),
        Case(
            description: "a goal link carries no hypothesis", signer: "opvang",
            events: [.kpiLinked(KpiLink(kpi: "homeless", goal: "g1", hypothesis: "Fewer homeless, a better city."))],
            message: "breaks rule \"hypotheses belong to links between KPIs\": the link of homeless to goal g1 carries a hypothesis or lag"),
        Case(
            description: "a lag stays within two years of periods", signer: "opvang",
            events: [.kpiLinked(KpiLink(kpi: "intake", to: "days", lag: 25))],
            message: "breaks rule \"a lag is 0 to 24 periods\": the link of intake has a lag of 25"),
        Case(
            description: "a hypothesis is one sentence", signer: "opvang",
            events: [.kpiLinked(KpiLink(kpi: "intake", to: "days", hypothesis: String(repeating: "h", count: 301)))],
            message: "hypothesis must hold 1 to 300 characters"),
        Case(
            description: "a hypothesis is restated only when it changes",
            setup: [("opvang", [.kpiLinked(KpiLink(kpi: "intake", to: "days", hypothesis: "A quick intake shortens the stay.", lag: 1))])],
            signer: "opvang", events: [.kpiLinked(KpiLink(kpi: "intake", to: "days", hypothesis: "A quick intake shortens the stay.", lag: 1))],
            message: "breaks rule \"links are made once\": intake is already linked to days with this hypothesis and lag"),
        Case(
            description: "a new link with a hypothesis still runs upward", signer: "opvang",
            events: [.kpiLinked(KpiLink(kpi: "homeless", to: "intake", hypothesis: "Backwards."))],
            message: "breaks rule \"links run upward\": result KPI homeless cannot contribute to process KPI intake"),
        Case(
            description: "a declined version is not signed", setup: [("gemeente", [.agreementProposed(AuthorisationTests.proposal)]), declined],
            signer: "hoeksteen", events: [.agreementSigned(AgreementSigned(agreement: "homes-2026", version: 1, party: "hoeksteen"))],
            message: "breaks rule \"a party signs or declines\": hoeksteen declined version 1; an amendment asks again"),
        Case(
            description: "a party answers once", setup: [("gemeente", [.agreementProposed(AuthorisationTests.proposal)]), declined],
            signer: "hoeksteen", events: [decline(version: 1)],
            message: "breaks rule \"a party signs or declines\": hoeksteen already answered version 1"),
        Case(
            description: "a signed version is not declined",
            setup: [
                ("gemeente", [.agreementProposed(AuthorisationTests.proposal)]),
                ("hoeksteen", [.agreementSigned(AgreementSigned(agreement: "homes-2026", version: 1, party: "hoeksteen"))]),
            ],
            signer: "hoeksteen", events: [decline(version: 1)],
            message: "breaks rule \"a party signs or declines\": hoeksteen already answered version 1"),
        Case(
            description: "only the latest version is declined",
            setup: [("gemeente", [.agreementProposed(AuthorisationTests.proposal), .agreementAmended(amendment(decision: nil))])],
            signer: "hoeksteen", events: [decline(version: 1)],
            message: "breaks rule \"only the latest version is signed\": version 1 was superseded by version 2"),
        Case(
            description: "a decline says why", setup: [("gemeente", [.agreementProposed(AuthorisationTests.proposal)])],
            signer: "hoeksteen",
            events: [.agreementDeclined(AgreementDeclined(agreement: "homes-2026", version: 1, party: "hoeksteen", reason: " "))],
            message: "reason must hold 1 to 500 characters"),
        Case(
            description: "a declined agreement exists", signer: "hoeksteen",
            events: [.agreementDeclined(AgreementDeclined(agreement: "homes-2099", version: 1, party: "hoeksteen", reason: "Nee."))],
            message: "breaks rule \"agreements exist\": agreement homes-2099 does not exist"),
        Case(
            description: "an amendment cites a decision in the ledger", setup: [("gemeente", [.agreementProposed(AuthorisationTests.proposal)])],
            signer: "gemeente", events: [.agreementAmended(amendment(decision: "d-none"))],
            message: "breaks rule \"decisions referred to exist\": decision d-none is not in the ledger"),
        Case(
            description: "ids are well-formed", signer: "gemeente",
            events: [.memberRegistered(MemberRegistered(organisation: "gemeente", person: "jan_jansen", name: "X", managementTeam: false))],
            message: "person \"jan_jansen\" is not an id"),
        Case(
            description: "notes stay short", signer: "opvang",
            events: [
                .measurementRecorded(
                    Measurement(
                        kpi: "intake", period: Period("2026-01")!, organisation: "opvang", value: 90, status: .normal,
                        source: "x", note: String(repeating: "n", count: 281)))
            ],
            message: "notes hold at most 280 characters"),
    ]

    @Test(arguments: cases)
    func offendingEventsAreRefusedWithTheRuleAndValue(_ test: Case) async throws {
        var fixture = try await DomainFixture.make()
        for (signer, events) in test.setup { try await fixture.accept(by: signer, events) }
        let error = try await fixture.refuse(by: test.signer, test.events)
        #expect("\(error)".contains(test.message), "\(test): \(error)")
        #expect("\(error)".hasPrefix("event 1"), "the message names the event: \(error)")
    }
}
