import ChainDomain
import ChainTestSupport
import LedgerCore
import LedgerSQLite
import Testing

/// Role × event: for each event, the organisation that may sign it is accepted and every other
/// is refused with an authorisation error, leaving the ledger unchanged.
struct AuthorisationTests {
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        var setup: [(String, [ChainEvent])] = []
        let events: [ChainEvent]
        let allowed: [String]
        let forbidden: [String]
    }

    static let director = DomainFixture.director
    static let proposal = AgreementTerms(
        agreement: "homes-2026", version: 1, title: "Homes 2026", terms: "Six homes a quarter.", parties: ["gemeente", "hoeksteen"],
        obligations: [Obligation(party: "hoeksteen", kpi: "homes", target: 6, from: Period("2026-Q1")!, until: Period("2026-Q4")!)],
        validFrom: CalendarDate(2026, 1, 1)!, validUntil: CalendarDate(2026, 12, 31)!)
    /// The municipality's rent guarantee, a commitment without a KPI.
    static let guarantee = Commitment(
        commitment: "rent-guarantee", party: "gemeente", chain: "hf", text: "Huurgarantie in het eerste jaar van elk contract.",
        due: CalendarDate(2026, 3, 31)!)
    static let promising = AgreementTerms(
        agreement: "homes-2026", version: 1, title: "Homes 2026", terms: "Six homes a quarter; the rent guaranteed.",
        parties: ["gemeente", "hoeksteen"], obligations: proposal.obligations, validFrom: proposal.validFrom, validUntil: proposal.validUntil,
        commitments: [guarantee])
    /// `promising`, signed by both parties.
    static let inForce: [(String, [ChainEvent])] = [
        ("gemeente", [.agreementProposed(promising), .agreementSigned(AgreementSigned(agreement: "homes-2026", version: 1, party: "gemeente"))]),
        ("hoeksteen", [.agreementSigned(AgreementSigned(agreement: "homes-2026", version: 1, party: "hoeksteen"))]),
    ]
    static func fulfilled(_ commitment: String = "rent-guarantee") -> ChainEvent {
        .commitmentFulfilled(
            CommitmentFulfilled(agreement: "homes-2026", commitment: commitment, fulfilledOn: CalendarDate(2026, 3, 20)!, note: "Regeling getekend."))
    }
    static let values = CustomerValuesSet(
        chain: "hf", customerValues: [ChainValue(value: "quick", name: "Quickly a home"), ChainValue(value: "own", name: "A home of my own")],
        internalValues: [ChainValue(value: "affordable", name: "Affordable care")])
    static let amendment = AgreementTerms(
        agreement: "homes-2026", version: 2, title: "Homes 2026", terms: "Four homes a quarter.", parties: ["gemeente", "hoeksteen"],
        obligations: [Obligation(party: "hoeksteen", kpi: "homes", target: 4, from: Period("2026-Q2")!, until: Period("2026-Q4")!)],
        validFrom: CalendarDate(2026, 4, 1)!, validUntil: CalendarDate(2026, 12, 31)!, reason: "Fewer homes free.", decision: "d1-homes")
    static let preparation = DialoguePrepared(
        preparation: "p1", chain: "hf", plannedOn: CalendarDate(2026, 3, 1)!,
        agenda: [AgendaItem(item: "Intake on time?", kpis: ["intake"])], invited: ["opvang", "hoeksteen"])

    static let dialogue = DialogueHeld(
        dialogue: "d1", chain: "hf", date: CalendarDate(2026, 3, 1)!, participants: [director], reviewedPosition: 10,
        decisions: [
            Decision(
                decision: "d1-homes", text: "Ask for homes.", rationale: "Too few.", decidedBy: director,
                evidence: Evidence(positions: [3], kpis: ["homes"]))
        ],
        actions: [
            Action(
                action: "a1", text: "Call Hoeksteen.", owner: PersonRef(organisation: "hoeksteen", person: "directeur"),
                due: CalendarDate(2026, 4, 1)!)
        ])

    /// Hoeksteen's department on its role in chain `hf`.
    static let departmentDialogue = DialogueHeld(
        dialogue: "d-letting", chain: "hf", level: .department, department: "hoeksteen", date: CalendarDate(2026, 3, 5)!,
        participants: [PersonRef(organisation: "hoeksteen", person: "directeur")], reviewedPosition: 10, decisions: [], actions: [])
    /// The coalition's steering group, with an action for Hoeksteen.
    static let strategicDialogue = DialogueHeld(
        dialogue: "d-steering", chain: nil, level: .strategic, date: CalendarDate(2026, 3, 10)!,
        participants: [director, PersonRef(organisation: "hoeksteen", person: "directeur")], reviewedPosition: 10,
        decisions: [
            Decision(
                decision: "d-steering-goal", text: "Fewer homeless first.", rationale: "The goal comes first.", decidedBy: director,
                evidence: Evidence(positions: [], kpis: []))
        ],
        actions: [
            Action(
                action: "a-steering", text: "Report on homes.", owner: PersonRef(organisation: "hoeksteen", person: "directeur"),
                due: CalendarDate(2026, 6, 1)!)
        ])

    static let cases: [Case] = [
        Case(
            description: "MissionDefined",
            events: [.missionDefined(MissionDefined(mission: "Iedereen een huis.", goals: [Goal(goal: "g1", title: "Huis")]))],
            allowed: ["gemeente"], forbidden: ["opvang", "hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "PolicySet", events: [.policySet(PolicySet(kpiLimitPerChain: 12, staleGraceDays: 10, dialogueGraceDays: 5))],
            allowed: ["gemeente"], forbidden: ["opvang", "hoeksteen", "rekenkamer"]),
        Case(
            description: "MemberRegistered",
            events: [
                .memberRegistered(MemberRegistered(organisation: "hoeksteen", person: "huurconsulent", name: "Huurconsulent", managementTeam: false))
            ],
            allowed: ["hoeksteen", "gemeente"], forbidden: ["opvang", "buiten", "rekenkamer"]),
        Case(
            description: "RoleGranted",
            events: [.roleGranted(RoleChange(organisation: "opvang", person: "medewerker", role: .reporter, scope: "intake"))],
            allowed: ["gemeente"], forbidden: ["opvang", "hoeksteen", "rekenkamer"]),
        Case(
            description: "ChainDefined",
            events: [
                .chainDefined(
                    ChainDefinition(
                        chain: "schulden", name: "Schulden", customerNeed: "Rust", customer: "Huishoudens", parent: "hf",
                        partners: ["gemeente", "buiten"],
                        cadence: .monthly, steps: [ChainStep(step: "signaal", name: "Signaal", organisation: "buiten", customerVisible: false)]))
            ],
            allowed: ["gemeente"], forbidden: ["opvang", "buiten", "rekenkamer"]),
        Case(
            description: "ChainChanged", events: [.chainChanged(DomainFixture.chain)],
            allowed: ["opvang", "gemeente"], forbidden: ["hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "ChainOwnerAssigned",
            events: [
                .chainOwnerAssigned(
                    ChainOwnerAssigned(chain: "hf", owner: PersonRef(organisation: "hoeksteen", person: "directeur"), reason: "rotation"))
            ],
            allowed: ["gemeente"], forbidden: ["opvang", "hoeksteen", "rekenkamer"]),
        Case(
            description: "KpiDefined",
            events: [
                .kpiDefined(
                    KpiDefinition(
                        kpi: "offers", chain: "hf", name: "Aanbiedingen", level: .process, step: "home", unit: "homes", direction: .higher,
                        grain: .month,
                        aggregation: .sum, owner: director, reporters: ["hoeksteen"], contributesTo: ["days"], goals: []))
            ],
            allowed: ["opvang", "gemeente"], forbidden: ["hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "CustomerValuesSet", events: [.customerValuesSet(values)],
            allowed: ["opvang"], forbidden: ["gemeente", "hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "KpiValuesSet", setup: [("opvang", [.customerValuesSet(values)])],
            events: [.kpiValuesSet(KpiValuesSet(kpi: "days", values: ["quick"]))],
            allowed: ["opvang", "gemeente"], forbidden: ["hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "KpiLinked with a hypothesis",
            events: [.kpiLinked(KpiLink(kpi: "intake", to: "days", hypothesis: "A quick intake shortens the stay.", lag: 1))],
            allowed: ["opvang", "gemeente"], forbidden: ["hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "TargetSet", events: [.targetSet(TargetSet(kpi: "intake", from: Period("2026-01")!, until: nil, target: 90, red: 80))],
            allowed: ["opvang", "gemeente"], forbidden: ["hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "KpiRetired", events: [.kpiRetired(Retirement(chain: nil, kpi: "intake", reason: "replaced"))],
            allowed: ["opvang"], forbidden: ["hoeksteen", "buiten"]),
        Case(
            description: "MeasurementRecorded (shelter's KPI)", events: [DomainFixture.measurement("intake", "2026-01", "opvang", 91)],
            allowed: ["opvang"], forbidden: ["gemeente", "hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "MeasurementRecorded (corporation's KPI)", events: [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 6)],
            allowed: ["hoeksteen"], forbidden: ["gemeente", "opvang"]),
        Case(
            description: "AgreementProposed", events: [.agreementProposed(proposal)],
            allowed: ["hoeksteen", "gemeente"], forbidden: ["opvang", "buiten", "rekenkamer"]),
        Case(
            description: "AgreementSigned", setup: [("gemeente", [.agreementProposed(proposal)])],
            events: [.agreementSigned(AgreementSigned(agreement: "homes-2026", version: 1, party: "hoeksteen"))],
            allowed: ["hoeksteen"], forbidden: ["gemeente", "opvang", "rekenkamer"]),
        Case(
            description: "AgreementDeclined", setup: [("gemeente", [.agreementProposed(proposal)])],
            events: [.agreementDeclined(AgreementDeclined(agreement: "homes-2026", version: 1, party: "hoeksteen", reason: "Geen woningen vrij."))],
            allowed: ["hoeksteen"], forbidden: ["gemeente", "opvang", "buiten", "rekenkamer"]),
        Case(
            description: "AgreementAmended citing a decision",
            setup: [("gemeente", [.agreementProposed(proposal)]), ("opvang", [.dialogueHeld(dialogue)])],
            events: [.agreementAmended(amendment)],
            allowed: ["hoeksteen", "gemeente"], forbidden: ["opvang", "buiten", "rekenkamer"]),
        Case(
            description: "AgreementTerminated", setup: [("gemeente", [.agreementProposed(proposal)])],
            events: [.agreementTerminated(AgreementTerminated(agreement: "homes-2026", reason: "stopped", effective: CalendarDate(2026, 6, 30)!))],
            allowed: ["hoeksteen", "gemeente"], forbidden: ["opvang", "buiten"]),
        Case(
            description: "CommitmentFulfilled", setup: inForce, events: [fulfilled()],
            allowed: ["gemeente"], forbidden: ["hoeksteen", "opvang", "buiten", "rekenkamer"]),
        Case(
            description: "DialogueHeld", events: [.dialogueHeld(dialogue)],
            allowed: ["opvang", "gemeente"], forbidden: ["hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "DialogueHeld at the department level", events: [.dialogueHeld(departmentDialogue)],
            allowed: ["hoeksteen", "gemeente"], forbidden: ["opvang", "buiten", "rekenkamer"]),
        Case(
            description: "DialogueHeld at the strategic level", events: [.dialogueHeld(strategicDialogue)],
            allowed: ["gemeente"], forbidden: ["opvang", "hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "ActionCompleted of a strategic dialogue", setup: [("gemeente", [.dialogueHeld(strategicDialogue)])],
            events: [.actionCompleted(ActionCompleted(dialogue: "d-steering", action: "a-steering", completedOn: CalendarDate(2026, 5, 20)!))],
            allowed: ["hoeksteen", "gemeente"], forbidden: ["opvang", "buiten", "rekenkamer"]),
        Case(
            description: "DialoguePrepared", events: [.dialoguePrepared(preparation)],
            allowed: ["opvang"], forbidden: ["gemeente", "hoeksteen", "buiten", "rekenkamer"]),
        Case(
            description: "ActionCompleted", setup: [("opvang", [.dialogueHeld(dialogue)])],
            events: [.actionCompleted(ActionCompleted(dialogue: "d1", action: "a1", completedOn: CalendarDate(2026, 3, 20)!, note: nil))],
            allowed: ["hoeksteen", "opvang", "gemeente"], forbidden: ["buiten", "rekenkamer"]),
    ]

    @Test(arguments: cases)
    func onlyTheRightOrganisationMaySign(_ test: Case) async throws {
        for allowed in test.allowed {
            var fixture = try await DomainFixture.make()
            for (signer, events) in test.setup { try await fixture.accept(by: signer, events) }
            for forbidden in test.forbidden {
                let error = try await fixture.refuse(by: forbidden, test.events)
                guard case .unauthorised(_, let type, let organisation, let reason) = error else {
                    Issue.record("\(test) by \(forbidden): expected an authorisation error, got \(error)")
                    continue
                }
                #expect(type == test.events[0].type.rawValue && organisation == forbidden && !reason.description.isEmpty)
            }
            let before = try await fixture.store.size()
            try await fixture.accept(by: allowed, test.events)
            #expect(try await fixture.store.size() == before + UInt64(test.events.count), "\(test) by \(allowed)")
        }
    }
}

/// Auditors read the ledger: even where the other rules would let them sign (here, as a party to
/// an agreement), they sign nothing but their own members.
struct AuditorTests {
    @Test func anAuditorThatIsAPartyStillCannotSign() async throws {
        var fixture = try await DomainFixture.make()
        var terms = AuthorisationTests.proposal
        terms = AgreementTerms(
            agreement: "audit-2026", version: 1, title: terms.title, terms: terms.terms, parties: ["hoeksteen", "rekenkamer"],
            obligations: terms.obligations, validFrom: terms.validFrom, validUntil: terms.validUntil)
        let error = try await fixture.refuse(by: "rekenkamer", [.agreementProposed(terms)])
        guard case .unauthorised(let index, let type, let organisation, let reason) = error else {
            Issue.record("expected an authorisation error, got \(error)")
            return
        }
        #expect(index == 0 && type == "AgreementProposed" && organisation == "rekenkamer")
        #expect(reason == "auditors read the ledger; they do not write to it")
        try await fixture.accept(by: "hoeksteen", [.agreementProposed(terms)])
    }

    @Test func anAuditorRegistersItsOwnMembers() async throws {
        var fixture = try await DomainFixture.make()
        try await fixture.accept(
            by: "rekenkamer",
            [
                .memberRegistered(
                    MemberRegistered(
                        organisation: "rekenkamer", person: "controleur", name: "Controleur", managementTeam: false))
            ])
    }
}
