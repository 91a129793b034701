import ChainDomain
import LedgerCore

/// Housing First (*Wonen Eerst*) in the fictional city of Heuvelstad: the municipality, a
/// shelter organisation, two housing corporations and a care institution, on the chain from
/// homelessness to a lasting home. Two years of monthly figures (2025–2026) with provisional
/// values finalised, a correction, an agreement amended and signed again, an ownership transfer,
/// and monthly performance dialogues with decisions and actions.
enum HousingFirst {
    static let municipality = "gemeente-heuvelstad"
    static let shelter = "stichting-opvang-heuvelstad"
    static let hoeksteen = "woonstichting-hoeksteen"
    static let rivierland = "woonbedrijf-rivierland"
    static let care = "zorggroep-de-brug"
    static let chain = "street-to-home"

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
                        mission: "Nobody sleeps rough in Heuvelstad; homelessness ends before 2030.",
                        goals: [
                            Goal(goal: "g1-fewer-homeless", title: "Fewer homeless residents"),
                            Goal(goal: "g2-lasting-tenancies", title: "Tenancies that last"),
                            Goal(goal: "g3-income-and-debts", title: "Income and debts under control"),
                        ])),
                .policySet(.defaults),
                member(municipality, "dir-social", "Director of social affairs", managementTeam: true),
                member(municipality, "hf-coordinator", "Housing First programme coordinator", managementTeam: false),
                member(municipality, "debt-team-lead", "Team lead debt help", managementTeam: false, department: "schuldhulpverlening"),
                member(municipality, "contact-centre", "Head of the contact centre", managementTeam: false, department: "klantcontactcentrum"),
            ])
        try await builder.commit(
            by: shelter,
            [
                member(shelter, "director", "Director", managementTeam: true),
                member(shelter, "intake-lead", "Head of intake", managementTeam: false),
            ])
        try await builder.commit(by: hoeksteen, [member(hoeksteen, "director", "Director", managementTeam: true)])
        try await builder.commit(by: rivierland, [member(rivierland, "director", "Director", managementTeam: true)])
        try await builder.commit(by: care, [member(care, "fact-manager", "Manager FACT team", managementTeam: true)])
        try await builder.commit(
            by: municipality,
            [
                .roleGranted(
                    RoleChange(
                        organisation: municipality, person: "hf-coordinator", role: .coordinator, scope: nil,
                        reason: "linking pin between the leading coalition and the chain"))
            ])

        let steps = [
            ChainStep(step: "intake", name: "Intake and registration", organisation: shelter, department: nil, customerVisible: true),
            ChainStep(
                step: "income-and-id", name: "Income and ID arranged", organisation: municipality, department: "werk-en-inkomen",
                customerVisible: true),
            ChainStep(step: "home-offered", name: "Home offered", organisation: hoeksteen, department: nil, customerVisible: true),
            ChainStep(step: "move-in-support", name: "Move-in with support", organisation: care, department: nil, customerVisible: true),
            ChainStep(
                step: "debts-stabilised", name: "Debts stabilised", organisation: municipality, department: "schuldhulpverlening",
                customerVisible: false),
        ]
        try await builder.commit(
            by: municipality,
            [
                .chainDefined(
                    ChainDefinition(
                        chain: chain, name: "From the street to a lasting home",
                        customerNeed: "A homeless resident needs a home of their own with the support to keep it.",
                        customer: "Homeless residents of Heuvelstad", parent: nil,
                        partners: [municipality, shelter, hoeksteen, rivierland, care], cadence: .monthly, steps: steps)),
                .chainOwnerAssigned(
                    ChainOwnerAssigned(
                        chain: chain, owner: person(shelter, "director"),
                        reason: "The shelter runs Housing First day to day", decision: nil)),
            ])

        let shelterDirector = person(shelter, "director")
        try await builder.commit(
            by: shelter,
            [
                kpi(
                    "homeless-count", chain: chain, name: "Homeless residents counted", level: .result, unit: "residents",
                    direction: .lower, grain: .quarter, aggregation: .last, owner: person(municipality, "dir-social"),
                    reporters: [municipality], goals: ["g1-fewer-homeless"]),
                kpi(
                    "not-homeless-2y", chain: chain, name: "Housed through Housing First, not homeless again after 2 years",
                    level: .result, unit: "%", direction: .higher, grain: .year, owner: shelterDirector, reporters: [shelter],
                    goals: ["g2-lasting-tenancies"]),
                kpi(
                    "median-days-to-home", chain: chain, name: "Median days from intake to own home", level: .chain, unit: "days",
                    direction: .lower, grain: .month, owner: shelterDirector, reporters: [shelter], contributesTo: ["homeless-count"]),
                kpi(
                    "tenancies-12m", chain: chain, name: "Tenancies still running after 12 months", level: .chain, unit: "%",
                    direction: .higher, grain: .quarter, owner: person(hoeksteen, "director"), reporters: [hoeksteen, rivierland],
                    contributesTo: ["not-homeless-2y"]),
                kpi(
                    "client-satisfaction", chain: chain, name: "Client satisfaction", level: .chain, unit: "score",
                    direction: .higher, grain: .halfYear, owner: shelterDirector, reporters: [shelter], contributesTo: ["not-homeless-2y"]),
                kpi(
                    "intake-14d", chain: chain, name: "Intakes completed within 14 days", level: .process, step: "intake", unit: "%",
                    direction: .higher, grain: .month, owner: person(shelter, "intake-lead"), reporters: [shelter],
                    contributesTo: ["median-days-to-home"]),
                kpi(
                    "income-before-move-in", chain: chain, name: "Clients with income before move-in", level: .process,
                    step: "income-and-id", unit: "%", direction: .higher, grain: .month, owner: person(municipality, "dir-social"),
                    reporters: [municipality], contributesTo: ["median-days-to-home"]),
                kpi(
                    "homes-offered", chain: chain, name: "Homes offered to Housing First", level: .process, step: "home-offered",
                    unit: "homes", direction: .higher, grain: .quarter, aggregation: .sum, owner: person(hoeksteen, "director"),
                    reporters: [hoeksteen, rivierland], contributesTo: ["median-days-to-home"]),
                kpi(
                    "support-7d", chain: chain, name: "Support in place within 7 days of move-in", level: .process,
                    step: "move-in-support", unit: "%", direction: .higher, grain: .month, owner: person(care, "fact-manager"),
                    reporters: [care], contributesTo: ["tenancies-12m"]),
                kpi(
                    "debt-plan-3m", chain: chain, name: "Clients with a debt plan within 3 months", level: .process,
                    step: "debts-stabilised", unit: "%", direction: .higher, grain: .month, owner: person(municipality, "debt-team-lead"),
                    reporters: [municipality], contributesTo: ["tenancies-12m"]),
                // A department's own KPI that contributes to nothing: the "organogram KPI" method health points at.
                kpi(
                    "calls-answered-30s", chain: chain, name: "Calls answered within 30 seconds", level: .process,
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
            agreement: "hf-homes-2025-2027", version: 1, title: "Housing First homes 2025–2027",
            terms:
                "Each corporation offers six homes a quarter to Housing First clients (yearly slices); the municipality guarantees the rent for the first year of every tenancy.",
            parties: [municipality, hoeksteen, rivierland],
            obligations: [
                Obligation(party: hoeksteen, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2027-Q4")!),
                Obligation(party: rivierland, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2027-Q4")!),
            ],
            validFrom: CalendarDate(2025, 1, 1)!, validUntil: CalendarDate(2027, 12, 31)!, reason: nil)
        try await builder.commit(by: municipality, [.agreementProposed(homes)])
        for party in [municipality, hoeksteen, rivierland] {
            try await builder.commit(by: party, [.agreementSigned(AgreementSigned(agreement: homes.agreement, version: 1, party: party))])
        }
        let support = AgreementTerms(
            agreement: "support-on-time", version: 1, title: "Support on time",
            terms: "The FACT team puts support in place within seven days of every move-in the shelter announces.",
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
            let source = "monthly export \(month)"

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
                    measurement("income-before-move-in", month, municipality, income, status: .provisional, source: "Suite4Sociaal, first cut"),
                    measurement("debt-plan-3m", month, municipality, SampleBuilder.round(builder.uniform(62...88)), source: "schuldhulp register"),
                    measurement("calls-answered-30s", month, municipality, SampleBuilder.round(builder.uniform(70...95)), source: "telephony system"),
                ])
            provisional[month] = municipal.first
            if let previousPosition = provisional[month.previous!] {
                let final = SampleBuilder.round(builder.uniform(88...98))
                try await builder.commit(
                    by: municipality,
                    [
                        correction(
                            "income-before-move-in", month.previous!, municipality, final, supersedes: previousPosition,
                            reason: "final figure after the monthly reconciliation", source: "Suite4Sociaal, final")
                    ])
            }
            try await builder.commit(
                by: care,
                [
                    measurement(
                        "support-7d", month, care, SampleBuilder.round(builder.uniform(index >= 15 ? 82...94 : 76...92)), source: "FACT registration")
                ])

            // Quarterly, half-yearly and yearly figures.
            if month.index % 3 == 0 {
                let quarter = Period.containing(month.days.lowerBound, grain: .quarter)!
                try await builder.commit(
                    by: hoeksteen,
                    [
                        measurement(
                            "homes-offered", quarter, hoeksteen, Double(index == 8 ? 8 : builder.integer(5...7)), source: "allocation system"),
                        measurement("tenancies-12m", quarter, hoeksteen, SampleBuilder.round(builder.uniform(78...92)), source: "tenancy records"),
                    ])
                let rivierlandHomes = index == 8 ? 2.0 : Double(index >= 14 ? builder.integer(4...6) : builder.integer(5...7))
                let corporation = try await builder.commit(
                    by: rivierland,
                    [
                        measurement("homes-offered", quarter, rivierland, rivierlandHomes, source: "allocation system"),
                        measurement("tenancies-12m", quarter, rivierland, SampleBuilder.round(builder.uniform(72...90)), source: "tenancy records"),
                    ])
                if index == 8 { rivierlandQ3 = corporation.first }
                try await builder.commit(
                    by: municipality,
                    [
                        measurement(
                            "homeless-count", quarter, municipality, Double(max(20, 68 - index * 2 + builder.integer(-3...3))),
                            source: "quarterly street count")
                    ])
            }
            if month.index % 6 == 0 {
                let half = Period.containing(month.days.lowerBound, grain: .halfYear)!
                try await builder.commit(
                    by: shelter,
                    [
                        measurement("client-satisfaction", half, shelter, SampleBuilder.round(builder.uniform(7.8...9.1)), source: "client survey")
                    ])
            }
            if month.index == 12 {
                try await builder.commit(
                    by: shelter,
                    [
                        measurement(
                            "not-homeless-2y", Period("\(month.year)")!, shelter, SampleBuilder.round(builder.uniform(79...86)),
                            source: "cohort follow-up")
                    ])
            }

            // Month 11 (December 2025): the shelter corrects October's intake figure.
            if index == 11, let october = intakePositions[Period("2025-10")!] {
                try await builder.commit(
                    by: shelter,
                    [
                        correction(
                            "intake-14d", Period("2025-10")!, shelter, 88.9, supersedes: october,
                            reason: "a client was counted twice in the October intake report", source: "monthly export 2025-10, corrected")
                    ])
            }

            // Month 14 (February 2026): Rivierland renovates; the homes agreement is amended and signed again.
            if index == 13 {
                let amended = AgreementTerms(
                    agreement: "hf-homes-2025-2027", version: 2, title: "Housing First homes 2025–2027",
                    terms:
                        "Hoeksteen offers six homes a quarter, Rivierland five during its renovation programme (yearly slices); the municipality guarantees the rent for the first year of every tenancy.",
                    parties: [municipality, hoeksteen, rivierland],
                    obligations: [
                        Obligation(party: hoeksteen, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2027-Q4")!),
                        Obligation(party: rivierland, kpi: "homes-offered", target: 6, from: Period("2025-Q1")!, until: Period("2025-Q4")!),
                        Obligation(party: rivierland, kpi: "homes-offered", target: 5, from: Period("2026-Q1")!, until: Period("2027-Q4")!),
                    ],
                    validFrom: CalendarDate(2025, 1, 1)!, validUntil: CalendarDate(2027, 12, 31)!,
                    reason: "Rivierland's renovation programme takes 40 homes out of letting in 2026–2027")
                try await builder.commit(by: rivierland, [.agreementAmended(amended)])
                for party in [rivierland, municipality, hoeksteen] {
                    try await builder.commit(by: party, [.agreementSigned(AgreementSigned(agreement: amended.agreement, version: 2, party: party))])
                }
            }

            // The monthly performance dialogue (none in the summer holiday of 2026).
            if index != 19 {
                builder.date = reportDay.addingDays(10)
                let participants = [owner, person(municipality, "hf-coordinator"), person(hoeksteen, "director"), person(care, "fact-manager")]
                var decisions: [Decision] = []
                var actions: [Action] = []
                let dialogueID = "hf-dialogue-\(month)"
                if index == 8 {
                    // Month 9: Rivierland offered 2 homes in Q3; median days to home is red.
                    decisions.append(
                        Decision(
                            decision: "hf-2025-10-extra-homes", text: "Ask Hoeksteen to offer two extra homes in the fourth quarter.",
                            rationale: "Rivierland offered 2 homes in Q3 instead of 6 and the median days to a home is red.",
                            decidedBy: owner, evidence: Evidence(positions: [rivierlandQ3], kpis: ["homes-offered", "median-days-to-home"])))
                    actions.append(
                        Action(
                            action: "hf-2025-10-ask-hoeksteen", text: "Agree two extra homes with Hoeksteen's allocation team.",
                            owner: person(hoeksteen, "director"), due: builder.date.addingDays(42)))
                }
                if index == 14 {
                    decisions.append(
                        Decision(
                            decision: "hf-2026-03-ownership", text: "Chain ownership moves to the municipality's director of social affairs.",
                            rationale: "With the rent guarantee and debt help at the municipality, most of the chain's bottlenecks now sit there.",
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
                                reviewedPosition: size, decisions: decisions, actions: actions))
                    ])
                if index == 14 {
                    owner = person(municipality, "dir-social")
                    try await builder.commit(
                        by: municipality,
                        [
                            .chainOwnerAssigned(
                                ChainOwnerAssigned(
                                    chain: chain, owner: owner,
                                    reason: "Coalition decision in the March 2026 dialogue", decision: "hf-2026-03-ownership"))
                        ])
                }
                if index == 10 {
                    try await builder.commit(
                        by: hoeksteen,
                        [
                            .actionCompleted(
                                ActionCompleted(
                                    dialogue: "hf-dialogue-2025-09", action: "hf-2025-10-ask-hoeksteen",
                                    completedOn: builder.date, note: "Two extra homes agreed for Q4"))
                        ])
                }
            }
            month = month.next! // the samples stay within 2024–2027
        }
    }
}
