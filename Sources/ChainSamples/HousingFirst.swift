import ChainDomain
import LedgerCore

/// Housing First (*Wonen Eerst*) in the fictional city of Heuvelstad: the municipality, a
/// shelter organisation, two housing corporations and a care institution, on the chain from
/// homelessness to a lasting home. Two years of monthly figures (2025–2026) with provisional
/// values finalised, a correction, an agreement amended and signed again with a rent guarantee kept
/// once on time and once late, an ownership transfer, and monthly performance dialogues with
/// decisions and actions.
enum HousingFirst {
    static let municipality = "gemeente-heuvelstad"
    static let shelter = "stichting-opvang-heuvelstad"
    static let hoeksteen = "woonstichting-hoeksteen"
    static let rivierland = "woonbedrijf-rivierland"
    static let care = "zorggroep-de-brug"
    static let chain = "street-to-home"
    /// The municipality's promise in the homes agreement: a rent guarantee scheme for the first year
    /// of every tenancy, in place by the end of the first quarter.
    static let rentGuarantee = Commitment(
        commitment: "rent-guarantee-scheme", party: municipality, chain: chain,
        text: "De gemeente legt met beide corporaties een garantieregeling vast voor de huur in het eerste jaar van elk huurcontract.",
        due: CalendarDate(2025, 3, 31)!)

    static func write(_ builder: SampleBuilder, checkpointKey: VerifierKey) async throws {
        builder.date = CalendarDate(2024, 12, 2)!
        try await builder.found(
            coalition: "Wonen Eerst Heuvelstad", origin: "ledger.example/wonen-eerst-heuvelstad",
            founder: municipality, name: "Gemeente Heuvelstad", kind: "municipality", checkpointKey: checkpointKey)
        try await builder.admit(shelter, name: "Stichting Opvang Heuvelstad", kind: "shelter", by: municipality)
        try await builder.admit(hoeksteen, name: "Woonstichting Hoeksteen", kind: "housing-corporation", by: municipality)
        try await builder.admit(rivierland, name: "Woonbedrijf Rivierland", kind: "housing-corporation", by: municipality)
        try await builder.admit(care, name: "Zorggroep De Brug", kind: "care-institution", by: municipality)

        try await builder.commit(
            by: municipality,
            [
                .missionDefined(
                    MissionDefined(
                        mission: "Niemand slaapt op straat in Heuvelstad; vóór 2030 beëindigen we dakloosheid.",
                        goals: [
                            Goal(goal: "g1-fewer-homeless", title: "Minder dakloze inwoners"),
                            Goal(goal: "g2-lasting-tenancies", title: "Huurcontracten die standhouden"),
                            Goal(goal: "g3-income-and-debts", title: "Inkomen en schulden op orde"),
                        ])),
                .policySet(.defaults),
                member(municipality, "dir-social", "Directeur sociaal domein", managementTeam: true),
                member(municipality, "hf-coordinator", "Programmacoördinator Wonen Eerst", managementTeam: false),
                member(municipality, "debt-team-lead", "Teamleider schuldhulpverlening", managementTeam: false, department: "schuldhulpverlening"),
                member(municipality, "contact-centre", "Hoofd klantcontactcentrum", managementTeam: false, department: "klantcontactcentrum"),
            ])
        try await builder.commit(
            by: shelter,
            [
                member(shelter, "director", "Directeur", managementTeam: true),
                member(shelter, "intake-lead", "Hoofd intake", managementTeam: false),
            ])
        try await builder.commit(
            by: hoeksteen,
            [
                member(hoeksteen, "director", "Directeur", managementTeam: true),
                member(hoeksteen, "letting-lead", "Teamleider verhuur", managementTeam: false, department: "verhuur"),
            ])
        try await builder.commit(by: rivierland, [member(rivierland, "director", "Directeur", managementTeam: true)])
        try await builder.commit(by: care, [member(care, "fact-manager", "Manager FACT-team", managementTeam: true)])
        try await builder.commit(
            by: municipality,
            [
                .roleGranted(
                    RoleChange(
                        organisation: municipality, person: "hf-coordinator", role: .coordinator, scope: nil,
                        reason: "linking pin tussen de leidende coalitie en de keten"))
            ])

        let steps = [
            ChainStep(step: "intake", name: "Intake en inschrijving", organisation: shelter, department: nil, customerVisible: true),
            ChainStep(
                step: "income-and-id", name: "Inkomen en ID-bewijs geregeld", organisation: municipality, department: "werk-en-inkomen",
                customerVisible: true),
            ChainStep(step: "home-offered", name: "Woning aangeboden", organisation: hoeksteen, department: nil, customerVisible: true),
            ChainStep(step: "move-in-support", name: "Verhuizen met begeleiding", organisation: care, department: nil, customerVisible: true),
            ChainStep(
                step: "debts-stabilised", name: "Schulden stabiel", organisation: municipality, department: "schuldhulpverlening",
                customerVisible: false),
        ]
        try await builder.commit(
            by: municipality,
            [
                .chainDefined(
                    ChainDefinition(
                        chain: chain, name: "Van de straat naar een duurzaam thuis",
                        customerNeed: "Een dakloze inwoner heeft een eigen woning nodig, met de begeleiding om die te houden.",
                        customer: "Dakloze inwoners van Heuvelstad", parent: nil,
                        partners: [municipality, shelter, hoeksteen, rivierland, care], cadence: .monthly, steps: steps)),
                .chainOwnerAssigned(
                    ChainOwnerAssigned(
                        chain: chain, owner: person(shelter, "director"),
                        reason: "De opvang voert Wonen Eerst dagelijks uit", decision: nil)),
            ])

        let shelterDirector = person(shelter, "director")
        try await builder.commit(
            by: shelter,
            [
                kpi(
                    "homeless-count", chain: chain, name: "Aantal dakloze inwoners", level: .result, unit: "residents",
                    direction: .lower, grain: .quarter, aggregation: .last, owner: person(municipality, "dir-social"),
                    reporters: [municipality], goals: ["g1-fewer-homeless"]),
                kpi(
                    "not-homeless-2y", chain: chain, name: "Via Wonen Eerst gehuisvest, na 2 jaar niet opnieuw dakloos",
                    level: .result, unit: "%", direction: .higher, grain: .year, owner: shelterDirector, reporters: [shelter],
                    goals: ["g2-lasting-tenancies"]),
                kpi(
                    "median-days-to-home", chain: chain, name: "Mediaan aantal dagen van intake tot eigen woning", level: .chain, unit: "days",
                    direction: .lower, grain: .month, owner: shelterDirector, reporters: [shelter], contributesTo: ["homeless-count"]),
                kpi(
                    "tenancies-12m", chain: chain, name: "Huurcontracten na 12 maanden nog lopend", level: .chain, unit: "%",
                    direction: .higher, grain: .quarter, owner: person(hoeksteen, "director"), reporters: [hoeksteen, rivierland],
                    contributesTo: ["not-homeless-2y"]),
                kpi(
                    "client-satisfaction", chain: chain, name: "Klanttevredenheid", level: .chain, unit: "score",
                    direction: .higher, grain: .halfYear, owner: shelterDirector, reporters: [shelter], contributesTo: ["not-homeless-2y"]),
                kpi(
                    "intake-14d", chain: chain, name: "Intakes afgerond binnen 14 dagen", level: .process, step: "intake", unit: "%",
                    direction: .higher, grain: .month, owner: person(shelter, "intake-lead"), reporters: [shelter],
                    contributesTo: ["median-days-to-home"]),
                kpi(
                    "income-before-move-in", chain: chain, name: "Klanten met inkomen vóór verhuizing", level: .process,
                    step: "income-and-id", unit: "%", direction: .higher, grain: .month, owner: person(municipality, "dir-social"),
                    reporters: [municipality], contributesTo: ["median-days-to-home"]),
                kpi(
                    "homes-offered", chain: chain, name: "Woningen aangeboden aan Wonen Eerst", level: .process, step: "home-offered",
                    unit: "homes", direction: .higher, grain: .quarter, aggregation: .sum, owner: person(hoeksteen, "director"),
                    reporters: [hoeksteen, rivierland], contributesTo: ["median-days-to-home"]),
                kpi(
                    "support-7d", chain: chain, name: "Begeleiding binnen 7 dagen na verhuizing", level: .process,
                    step: "move-in-support", unit: "%", direction: .higher, grain: .month, owner: person(care, "fact-manager"),
                    reporters: [care], contributesTo: ["tenancies-12m"]),
                kpi(
                    "debt-plan-3m", chain: chain, name: "Klanten met schuldenplan binnen 3 maanden", level: .process,
                    step: "debts-stabilised", unit: "%", direction: .higher, grain: .month, owner: person(municipality, "debt-team-lead"),
                    reporters: [municipality], contributesTo: ["tenancies-12m"]),
                // A department's own KPI that contributes to nothing: the "organogram KPI" method health points at.
                kpi(
                    "calls-answered-30s", chain: chain, name: "Telefoon binnen 30 seconden opgenomen", level: .process,
                    step: "income-and-id", unit: "%", direction: .higher, grain: .month, owner: person(municipality, "contact-centre"),
                    reporters: [municipality]),
                target("intake-14d", from: "2025-01", target: 90, red: 80),
                target("income-before-move-in", from: "2025-01", target: 95, red: 85),
                target("homes-offered", from: "2025-Q1", target: 12, red: 8),
                target("support-7d", from: "2025-01", target: 85, red: 75),
                target("debt-plan-3m", from: "2025-01", target: 80, red: 65),
                target("median-days-to-home", from: "2025-01", target: 120, red: 150),
                target("tenancies-12m", from: "2025-Q1", target: 80, red: 70),
                target("client-satisfaction", from: "2025-H1", target: 8, red: 7),
                target("homeless-count", from: "2025-Q1", target: 40, red: 60),
                target("not-homeless-2y", from: "2025", target: 80, red: 70),
            ])

        // Agreements: proposed by one party, valid once every party has signed.
        let homes = AgreementTerms(
            agreement: "hf-homes-2025-2027", version: 1, title: "Woningen Wonen Eerst 2025–2027",
            terms:
                "Elke corporatie biedt per kwartaal zes woningen aan voor klanten van Wonen Eerst (in jaarschijven); de gemeente staat garant voor de huur in het eerste jaar van elk huurcontract.",
            parties: [municipality, hoeksteen, rivierland],
            obligations: [
                Obligation(party: hoeksteen, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2027-Q4")!),
                Obligation(party: rivierland, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2027-Q4")!),
            ],
            validFrom: CalendarDate(2025, 1, 1)!, validUntil: CalendarDate(2027, 12, 31)!, reason: nil, commitments: [rentGuarantee])
        try await builder.commit(by: municipality, [.agreementProposed(homes)])
        for party in [municipality, hoeksteen, rivierland] {
            try await builder.commit(by: party, [.agreementSigned(AgreementSigned(agreement: homes.agreement, version: 1, party: party))])
        }
        let support = AgreementTerms(
            agreement: "support-on-time", version: 1, title: "Begeleiding op tijd",
            terms: "Het FACT-team regelt binnen zeven dagen begeleiding bij elke verhuizing die de opvang meldt.",
            parties: [shelter, care],
            obligations: [Obligation(party: care, kpi: "support-7d", target: 85, from: Period("2025-01")!, until: Period("2026-12")!)],
            validFrom: CalendarDate(2025, 1, 1)!, validUntil: CalendarDate(2026, 12, 31)!, reason: nil)
        try await builder.commit(by: shelter, [.agreementProposed(support)])
        try await builder.commit(by: shelter, [.agreementSigned(AgreementSigned(agreement: support.agreement, version: 1, party: shelter))])
        try await builder.commit(by: care, [.agreementSigned(AgreementSigned(agreement: support.agreement, version: 1, party: care))])

        try await history(builder)
    }

    /// Two years of reporting, dialogues and decisions.
    static func history(_ builder: SampleBuilder) async throws {
        var month = Period("2025-01")!
        var provisional: [Period: UInt64] = [:]
        var intakePositions: [Period: UInt64] = [:]
        var rivierlandQ3: UInt64 = 0
        var owner = person(shelter, "director")
        for index in 0..<24 {
            let reportDay = month.days.upperBound.addingDays(5)
            builder.date = reportDay
            let source = "maandexport \(month)"

            // The shelter's monthly figures (intake dips in the autumn of 2025).
            let intake = SampleBuilder.round(index == 9 ? 93.0 : index >= 7 && index <= 10 ? builder.uniform(78...86) : builder.uniform(86...97))
            let median = SampleBuilder.round(index >= 8 && index <= 11 ? builder.uniform(152...170) : builder.uniform(95...125), 0)
            let receipt = try await builder.commit(
                by: shelter,
                [
                    measurement("intake-14d", month, shelter, intake, source: source),
                    measurement("median-days-to-home", month, shelter, median, source: source),
                ])
            intakePositions[month] = receipt.first

            // The municipality reports income provisionally and finalises it a month later.
            let income = SampleBuilder.round(builder.uniform(88...98))
            let municipal = try await builder.commit(
                by: municipality,
                [
                    measurement("income-before-move-in", month, municipality, income, status: .provisional, source: "Suite4Sociaal, eerste stand"),
                    measurement("debt-plan-3m", month, municipality, SampleBuilder.round(builder.uniform(62...88)), source: "registratie schuldhulp"),
                    measurement("calls-answered-30s", month, municipality, SampleBuilder.round(builder.uniform(70...95)), source: "telefooncentrale"),
                ])
            provisional[month] = municipal.first
            if let previousPosition = provisional[month.previous!] {
                let final = SampleBuilder.round(builder.uniform(88...98))
                try await builder.commit(
                    by: municipality,
                    [
                        correction(
                            "income-before-move-in", month.previous!, municipality, final, supersedes: previousPosition,
                            reason: "definitief cijfer na de maandelijkse afstemming", source: "Suite4Sociaal, definitief")
                    ])
            }
            try await builder.commit(
                by: care,
                [
                    measurement(
                        "support-7d", month, care, SampleBuilder.round(builder.uniform(index >= 15 ? 82...94 : 76...92)), source: "FACT-registratie")
                ])

            // Quarterly, half-yearly and yearly figures.
            if month.index % 3 == 0 {
                let quarter = Period.containing(month.days.lowerBound, grain: .quarter)!
                try await builder.commit(
                    by: hoeksteen,
                    [
                        measurement(
                            "homes-offered", quarter, hoeksteen, Double(index == 8 ? 8 : builder.integer(5...7)), source: "toewijzingssysteem"),
                        measurement("tenancies-12m", quarter, hoeksteen, SampleBuilder.round(builder.uniform(78...92)), source: "huuradministratie"),
                    ])
                let rivierlandHomes = index == 8 ? 2.0 : Double(index >= 14 ? builder.integer(4...6) : builder.integer(5...7))
                let corporation = try await builder.commit(
                    by: rivierland,
                    [
                        measurement("homes-offered", quarter, rivierland, rivierlandHomes, source: "toewijzingssysteem"),
                        measurement("tenancies-12m", quarter, rivierland, SampleBuilder.round(builder.uniform(72...90)), source: "huuradministratie"),
                    ])
                if index == 8 { rivierlandQ3 = corporation.first }
                try await builder.commit(
                    by: municipality,
                    [
                        measurement(
                            "homeless-count", quarter, municipality, Double(max(20, 68 - index * 2 + builder.integer(-3...3))),
                            source: "straattelling per kwartaal")
                    ])
            }
            if month.index % 6 == 0 {
                let half = Period.containing(month.days.lowerBound, grain: .halfYear)!
                try await builder.commit(
                    by: shelter,
                    [
                        measurement("client-satisfaction", half, shelter, SampleBuilder.round(builder.uniform(7.8...9.1)), source: "klantonderzoek")
                    ])
            }
            if month.index == 12 {
                try await builder.commit(
                    by: shelter,
                    [
                        measurement(
                            "not-homeless-2y", Period("\(month.year)")!, shelter, SampleBuilder.round(builder.uniform(79...86)),
                            source: "cohortonderzoek")
                    ])
            }

            // Month 11 (December 2025): the shelter corrects October's intake figure.
            if index == 11, let october = intakePositions[Period("2025-10")!] {
                try await builder.commit(
                    by: shelter,
                    [
                        correction(
                            "intake-14d", Period("2025-10")!, shelter, 88.9, supersedes: october,
                            reason: "een klant is twee keer geteld in de intakerapportage van oktober", source: "maandexport 2025-10, gecorrigeerd")
                    ])
            }

            // Month 14 (February 2026): Rivierland renovates; the homes agreement is amended and signed again.
            if index == 13 {
                let amended = AgreementTerms(
                    agreement: "hf-homes-2025-2027", version: 2, title: "Woningen Wonen Eerst 2025–2027",
                    terms:
                        "Hoeksteen biedt per kwartaal zes woningen aan, Rivierland vijf zolang zijn renovatieprogramma loopt (in jaarschijven); de gemeente staat garant voor de huur in het eerste jaar van elk huurcontract.",
                    parties: [municipality, hoeksteen, rivierland],
                    obligations: [
                        Obligation(party: hoeksteen, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2027-Q4")!),
                        Obligation(party: rivierland, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2025-Q4")!),
                        Obligation(party: rivierland, kpi: "homes-offered", target: 5, from: Period("2026-Q1")!, until: Period("2027-Q4")!),
                    ],
                    validFrom: CalendarDate(2025, 1, 1)!, validUntil: CalendarDate(2027, 12, 31)!,
                    reason: "Het renovatieprogramma van Rivierland haalt in 2026–2027 40 woningen uit de verhuur",
                    commitments: [
                        rentGuarantee,
                        Commitment(
                            commitment: "rent-guarantee-2026", party: municipality, chain: "street-to-home",
                            text: "De gemeente verlengt de garantieregeling voor huurcontracten die in 2026 ingaan.", due: CalendarDate(2026, 3, 1)!),
                    ])
                try await builder.commit(by: rivierland, [.agreementAmended(amended)])
                for party in [rivierland, municipality, hoeksteen] {
                    try await builder.commit(by: party, [.agreementSigned(AgreementSigned(agreement: amended.agreement, version: 2, party: party))])
                }
            }

            // The municipality keeps its rent guarantee: the scheme on time, its extension for 2026 late.
            if index == 1 {
                try await builder.commit(
                    by: municipality,
                    [
                        .commitmentFulfilled(
                            CommitmentFulfilled(
                                agreement: "hf-homes-2025-2027", commitment: rentGuarantee.commitment, fulfilledOn: CalendarDate(2025, 3, 3)!,
                                note: "Garantieregeling getekend door de wethouder en beide corporaties."))
                    ])
            }
            if index == 14 {
                try await builder.commit(
                    by: municipality,
                    [
                        .commitmentFulfilled(
                            CommitmentFulfilled(
                                agreement: "hf-homes-2025-2027", commitment: "rent-guarantee-2026", fulfilledOn: CalendarDate(2026, 3, 20)!,
                                note: "Verlenging door het college vastgesteld, drie weken na de afgesproken datum."))
                    ])
            }

            // The monthly performance dialogue (none in the summer holiday of 2026).
            if index != 19 {
                // From the first autumn on, the chain owner signs the agenda five days before.
                var preparation: String?
                if index >= 8 {
                    builder.date = reportDay.addingDays(5)
                    var agenda = [
                        AgendaItem(
                            item: "Stand van de KPI-boom: doorlooptijd tot een woning en huurders na een jaar",
                            kpis: ["median-days-to-home", "tenancies-12m"]),
                        AgendaItem(item: "Openstaande actiepunten en de ketenafspraken", agreements: ["hf-homes-2025-2027"]),
                    ]
                    if index == 8 {
                        agenda[0] = AgendaItem(item: "Aanbod van woningen in het derde kwartaal", kpis: ["homes-offered", "median-days-to-home"])
                    }
                    if index == 14 {
                        agenda.append(
                            AgendaItem(item: "Schuldhulp en inkomen vóór verhuizing: wie stuurt?", kpis: ["debt-plan-3m", "income-before-move-in"]))
                    }
                    preparation = "hf-agenda-\(month)"
                    try await builder.commit(
                        by: owner.organisation,
                        [
                            .dialoguePrepared(
                                DialoguePrepared(
                                    preparation: "hf-agenda-\(month)", chain: chain, plannedOn: reportDay.addingDays(10), agenda: agenda,
                                    invited: [municipality, shelter, hoeksteen, rivierland, care]))
                        ])
                }
                builder.date = reportDay.addingDays(10)
                // The shelter's director stays at the table after handing the chain over; Rivierland
                // never comes, as method health says.
                let participants =
                    [owner, person(municipality, "hf-coordinator"), person(hoeksteen, "director"), person(care, "fact-manager")]
                    + (owner == person(shelter, "director") ? [] : [person(shelter, "director")])
                var decisions: [Decision] = []
                var actions: [Action] = []
                let dialogueID = "hf-dialogue-\(month)"
                if index == 8 {
                    // Month 9: Rivierland offered 2 homes in Q3; median days to home is red.
                    decisions.append(
                        Decision(
                            decision: "hf-2025-10-extra-homes", text: "Hoeksteen vragen om in het vierde kwartaal twee extra woningen aan te bieden.",
                            rationale:
                                "Rivierland bood in het derde kwartaal 2 woningen aan in plaats van 6, en het mediaan aantal dagen tot een woning staat op rood.",
                            decidedBy: owner, evidence: Evidence(positions: [rivierlandQ3], kpis: ["homes-offered", "median-days-to-home"])))
                    actions.append(
                        Action(
                            action: "hf-2025-10-ask-hoeksteen", text: "Met het verhuurteam van Hoeksteen twee extra woningen afspreken.",
                            owner: person(hoeksteen, "director"), due: builder.date.addingDays(42)))
                }
                if index == 14 {
                    decisions.append(
                        Decision(
                            decision: "hf-2026-03-ownership", text: "De directeur sociaal domein van de gemeente wordt keteneigenaar.",
                            rationale: "Huurgarantie en schuldhulp liggen bij de gemeente; daar zitten nu de meeste knelpunten van de keten.",
                            decidedBy: person(municipality, "dir-social"),
                            evidence: Evidence(positions: [], kpis: ["debt-plan-3m", "income-before-move-in"])))
                }
                let size = try await builder.size()
                try await builder.commit(
                    by: owner.organisation,
                    [
                        .dialogueHeld(
                            DialogueHeld(
                                dialogue: dialogueID, chain: chain, date: builder.date, participants: participants,
                                reviewedPosition: size, decisions: decisions, actions: actions, preparation: preparation))
                    ])
                if index == 14 {
                    owner = person(municipality, "dir-social")
                    try await builder.commit(
                        by: municipality,
                        [
                            .chainOwnerAssigned(
                                ChainOwnerAssigned(
                                    chain: chain, owner: owner,
                                    reason: "Besluit van de coalitie in het prestatiegesprek van maart 2026", decision: "hf-2026-03-ownership"))
                        ])
                }
                if index == 10 {
                    try await builder.commit(
                        by: hoeksteen,
                        [
                            .actionCompleted(
                                ActionCompleted(
                                    dialogue: "hf-dialogue-2025-09", action: "hf-2025-10-ask-hoeksteen",
                                    completedOn: builder.date, note: "Twee extra woningen afgesproken voor het vierde kwartaal"))
                        ])
                }
            }
            try await steering(builder, index: index, month: month, reportDay: reportDay)
            month = month.next! // the samples stay within 2024–2027
        }
        try await values(builder, owner: owner)
    }

    /// The two other steering levels. From April 2025 the coalition's steering group (*stuurgroep*)
    /// meets every quarter on the coalition's goals, with the directors of the partners; Hoeksteen's
    /// director sits in it and in the chain's dialogues, and links the two. From October 2025, when
    /// the chain asked Hoeksteen for two extra homes, Hoeksteen's letting team (*afdelingsoverleg
    /// verhuur*) discusses its role in the chain every quarter, with its director: the chain's
    /// linking pin to a partner's department. Until then method health says the chain has none.
    static func steering(_ builder: SampleBuilder, index: Int, month: Period, reportDay: CalendarDate) async throws {
        if index >= 3, index % 3 == 0 {
            builder.date = reportDay.addingDays(12)
            var decisions: [Decision] = []
            if index == 3 {
                decisions.append(
                    Decision(
                        decision: "hf-strategy-2025-04",
                        text: "De stuurgroep houdt minder dakloze inwoners als eerste doel; de keten legt elk kwartaal verantwoording af.",
                        rationale: "Het aantal inwoners zonder woning daalt nog niet; het doel vraagt om sturing op de hele keten.",
                        decidedBy: person(municipality, "dir-social"), evidence: Evidence(positions: [], kpis: ["homeless-count"])))
            }
            let size = try await builder.size()
            try await builder.commit(
                by: municipality,
                [
                    .dialogueHeld(
                        DialogueHeld(
                            dialogue: "hf-steering-group-\(month)", chain: nil, level: .strategic, date: builder.date,
                            participants: [
                                person(municipality, "dir-social"), person(shelter, "director"), person(hoeksteen, "director"),
                                person(rivierland, "director"), person(care, "fact-manager"),
                            ], reviewedPosition: size, decisions: decisions, actions: []))
                ])
        }
        if index >= 9, index % 3 == 0 {
            builder.date = reportDay.addingDays(14)
            let size = try await builder.size()
            try await builder.commit(
                by: hoeksteen,
                [
                    .dialogueHeld(
                        DialogueHeld(
                            dialogue: "hf-letting-team-\(month)", chain: chain, level: .department, department: hoeksteen, date: builder.date,
                            participants: [person(hoeksteen, "director"), person(hoeksteen, "letting-lead")], reviewedPosition: size,
                            decisions: [], actions: []))
                ])
        }
    }

    /// After two years, the chain's owner names what its customers value (*klantwaarden*) and what the
    /// chain itself must safeguard, says which chain KPI measures which, and writes down the
    /// hypotheses behind the tree's main links with the lag after which each should show. One
    /// internal value stays unmeasured, as method health then says.
    static func values(_ builder: SampleBuilder, owner: PersonRef) async throws {
        let values = CustomerValuesSet(
            chain: chain,
            customerValues: [
                ChainValue(value: "snel-thuis", name: "Snel van de straat naar een eigen huis"),
                ChainValue(value: "eigen-woning", name: "Een eigen woning die ik kan houden"),
                ChainValue(value: "een-plan", name: "Eén plan en één vast contactpersoon"),
            ],
            internalValues: [
                ChainValue(value: "duurzaam", name: "Niemand keert terug op straat"),
                ChainValue(value: "doelmatig", name: "Zorg en geld doelmatig ingezet"),
            ])
        try await builder.commit(
            by: owner.organisation,
            [
                .customerValuesSet(values),
                .kpiValuesSet(KpiValuesSet(kpi: "median-days-to-home", values: ["snel-thuis"])),
                .kpiValuesSet(KpiValuesSet(kpi: "tenancies-12m", values: ["eigen-woning", "duurzaam"])),
                .kpiValuesSet(KpiValuesSet(kpi: "client-satisfaction", values: ["een-plan"])),
                .kpiLinked(
                    KpiLink(
                        kpi: "intake-14d", to: "median-days-to-home",
                        hypothesis: "Wie binnen 14 dagen een intake heeft, staat eerder ingeschreven en krijgt eerder een woning.", lag: 2)),
                .kpiLinked(
                    KpiLink(
                        kpi: "homes-offered", to: "median-days-to-home", hypothesis: "Elke aangeboden woning verkort de wachtrij in de opvang.",
                        lag: 1)),
                .kpiLinked(
                    KpiLink(
                        kpi: "support-7d", to: "tenancies-12m",
                        hypothesis: "Begeleiding in de eerste week voorkomt huurachterstand in het eerste jaar.", lag: 2)),
                .kpiLinked(
                    KpiLink(
                        kpi: "median-days-to-home", to: "homeless-count",
                        hypothesis: "Wie sneller een woning heeft, telt bij de volgende telling niet meer als dakloos.", lag: 1)),
            ])
    }
}
