import ChainDomain
import LedgerCore

/// Social debt collection (*sociale incasso*): public creditors of a fictional city collect
/// without pushing households deeper into debt. An all-encompassing chain holds a nested
/// sub-chain for early signals of payment arrears (*vroegsignalering*).
enum DebtCollection {
    static let municipality = "gemeente-rivierstad"
    static let waterBoard = "waterschap-delta"
    static let taxes = "belastingsamenwerking-west"
    static let housing = "woningcorporatie-thuis"
    static let uwv = "uwv"
    static let chain = "fair-collection"
    static let subChain = "early-signals"

    static func write(_ builder: SampleBuilder, checkpointKey: VerifierKey) async throws {
        builder.date = CalendarDate(2025, 1, 6)!
        try await builder.found(
            coalition: "Sociale Incasso Rivierstad", origin: "ledger.example/sociale-incasso-rivierstad",
            founder: municipality, name: "Gemeente Rivierstad", kind: "municipality", checkpointKey: checkpointKey)
        try await builder.admit(waterBoard, name: "Waterschap Delta", kind: "water-board", by: municipality)
        try await builder.admit(taxes, name: "Belastingsamenwerking West", kind: "tax-cooperation", by: municipality)
        try await builder.admit(housing, name: "Woningcorporatie Thuis", kind: "housing-corporation", by: municipality)
        try await builder.admit(uwv, name: "UWV", kind: "uwv", by: municipality)
        let partners = [municipality, waterBoard, taxes, housing, uwv]
        try await builder.commit(
            by: municipality,
            [
                .missionDefined(
                    MissionDefined(
                        mission: "Publieke schuldeisers in Rivierstad innen wat openstaat, zonder dat iemand dieper in de schulden raakt.",
                        goals: [
                            Goal(goal: "g1-fewer-problem-debts", title: "Minder huishoudens met problematische schulden"),
                            Goal(goal: "g2-no-escalation", title: "Innen zonder escalatie"),
                        ])),
                member(municipality, "dir-income", "Directeur werk en inkomen", managementTeam: true),
                member(municipality, "early-signals-lead", "Teamleider vroegsignalering", managementTeam: true, department: "schuldhulpverlening"),
            ])
        for organisation in [waterBoard, taxes, housing, uwv] {
            try await builder.commit(by: organisation, [member(organisation, "collections-manager", "Manager incasso", managementTeam: true)])
        }
        try await builder.commit(
            by: municipality,
            [
                .chainDefined(
                    ChainDefinition(
                        chain: chain, name: "Eerlijk innen",
                        customerNeed:
                            "Een huishouden met schulden bij publieke schuldeisers wil betalen wat het kan, zonder in problematische schulden te raken.",
                        customer: "Huishoudens met achterstanden bij publieke schuldeisers", parent: nil, partners: partners, cadence: .monthly,
                        steps: [
                            ChainStep(
                                step: "first-reminder", name: "Eerste herinnering met aanbod betalingsregeling", organisation: taxes,
                                department: nil,
                                customerVisible: true),
                            ChainStep(
                                step: "signal", name: "Achterstand gemeld bij de gemeente", organisation: housing, department: nil,
                                customerVisible: false),
                            ChainStep(
                                step: "arrangement", name: "Betalingsregeling", organisation: waterBoard, department: nil, customerVisible: true),
                            ChainStep(
                                step: "settled", name: "Schuld betaald of doorverwezen naar schuldhulp", organisation: municipality, department: nil,
                                customerVisible: true),
                        ])),
                .chainDefined(
                    ChainDefinition(
                        chain: subChain, name: "Vroegsignalering",
                        customerNeed: "Een huishouden dat achterloopt met betalen heeft iemand nodig die contact opneemt voordat de schuld groeit.",
                        customer: "Huishoudens met een nieuwe betalingsachterstand", parent: chain,
                        partners: [municipality, housing, waterBoard, uwv],
                        cadence: .fortnightly,
                        steps: [
                            ChainStep(
                                step: "signal-sent", name: "Schuldeiser stuurt het signaal", organisation: housing, department: nil,
                                customerVisible: false
                            ),
                            ChainStep(
                                step: "contact", name: "Huisbezoek of telefoontje", organisation: municipality, department: "schuldhulpverlening",
                                customerVisible: true),
                        ])),
                .chainOwnerAssigned(
                    ChainOwnerAssigned(chain: chain, owner: person(municipality, "dir-income"), reason: "Start van de coalitie", decision: nil)),
                .chainOwnerAssigned(
                    ChainOwnerAssigned(
                        chain: subChain, owner: person(municipality, "early-signals-lead"), reason: "Start van de coalitie", decision: nil)),
            ])
        try await builder.commit(
            by: municipality,
            [
                kpi(
                    "problem-debts", chain: chain, name: "Huishoudens met problematische schulden", level: .result, unit: "households",
                    direction: .lower, grain: .year, aggregation: .last, owner: person(municipality, "dir-income"), reporters: [municipality],
                    goals: ["g1-fewer-problem-debts"]),
                kpi(
                    "settled-without-bailiff", chain: chain, name: "Vorderingen geregeld zonder deurwaarder", level: .chain, unit: "%",
                    direction: .higher, grain: .quarter, owner: person(municipality, "dir-income"), reporters: [waterBoard, taxes, housing],
                    contributesTo: ["problem-debts"]),
                kpi(
                    "arrangement-offered", chain: chain, name: "Regeling aangeboden bij eerste herinnering", level: .process,
                    step: "first-reminder", unit: "%", direction: .higher, grain: .month, owner: person(taxes, "collections-manager"),
                    reporters: [taxes, waterBoard], contributesTo: ["settled-without-bailiff"]),
                kpi(
                    "signals-contacted-14d", chain: subChain, name: "Signalen met contact binnen 14 dagen", level: .process,
                    step: "contact", unit: "%", direction: .higher, grain: .month, owner: person(municipality, "early-signals-lead"),
                    reporters: [municipality], contributesTo: ["settled-without-bailiff"]),
                kpi(
                    "signals-received", chain: subChain, name: "Ontvangen vroegsignalen", level: .process, step: "signal-sent",
                    unit: "signals", direction: .higher, grain: .month, aggregation: .sum, owner: person(housing, "collections-manager"),
                    reporters: [housing, waterBoard, uwv], contributesTo: ["signals-contacted-14d"]),
                target("settled-without-bailiff", from: "2025-Q1", target: 90, red: 80),
                target("arrangement-offered", from: "2025-01", target: 95, red: 85),
                target("signals-contacted-14d", from: "2025-01", target: 75, red: 60),
                target("problem-debts", from: "2025", target: 1800, red: 2200),
            ])
        let agreement = AgreementTerms(
            agreement: "early-signals-covenant", version: 1, title: "Convenant vroegsignalering Rivierstad",
            terms: "Schuldeisers sturen een signaal na de eerste gemiste betaling; de gemeente neemt binnen 14 dagen contact op met het huishouden.",
            parties: [municipality, housing, waterBoard, uwv],
            obligations: [
                Obligation(party: municipality, kpi: "signals-contacted-14d", target: 75, from: Period("2025-01")!, until: Period("2025-12")!)
            ],
            validFrom: CalendarDate(2025, 1, 1)!, validUntil: CalendarDate(2025, 12, 31)!, reason: nil)
        try await builder.commit(by: municipality, [.agreementProposed(agreement)])
        for party in agreement.parties {
            try await builder.commit(by: party, [.agreementSigned(AgreementSigned(agreement: agreement.agreement, version: 1, party: party))])
        }
        var month = Period("2025-01")!
        for index in 0..<12 {
            builder.date = month.days.upperBound.addingDays(4)
            let source = "incassorapportage \(month)"
            try await builder.commit(
                by: taxes, [measurement("arrangement-offered", month, taxes, SampleBuilder.round(builder.uniform(88...99)), source: source)])
            try await builder.commit(
                by: waterBoard,
                [
                    measurement("arrangement-offered", month, waterBoard, SampleBuilder.round(builder.uniform(85...98)), source: source),
                    measurement("signals-received", month, waterBoard, Double(builder.integer(20...45)), source: source),
                ])
            try await builder.commit(by: housing, [measurement("signals-received", month, housing, Double(builder.integer(40...80)), source: source)])
            try await builder.commit(by: uwv, [measurement("signals-received", month, uwv, Double(builder.integer(5...20)), source: source)])
            try await builder.commit(
                by: municipality,
                [
                    measurement(
                        "signals-contacted-14d", month, municipality, SampleBuilder.round(builder.uniform(index < 4 ? 55...72 : 70...88)),
                        source: "contactregistratie")
                ])
            if month.index % 3 == 0 {
                let quarter = Period.containing(month.days.lowerBound, grain: .quarter)!
                for creditor in [waterBoard, taxes, housing] {
                    try await builder.commit(
                        by: creditor,
                        [
                            measurement("settled-without-bailiff", quarter, creditor, SampleBuilder.round(builder.uniform(78...95)), source: source)
                        ])
                }
            }
            builder.date = builder.date.addingDays(7)
            let size = try await builder.size()
            try await builder.commit(
                by: municipality,
                [
                    .dialogueHeld(
                        DialogueHeld(
                            dialogue: "fair-collection-\(month)", chain: chain, date: builder.date,
                            participants: [person(municipality, "dir-income"), person(taxes, "collections-manager")],
                            reviewedPosition: size,
                            decisions: index == 2
                                ? [
                                    Decision(
                                        decision: "fc-2025-04-outreach", text: "Twee outreachmedewerkers toevoegen aan het team vroegsignalering.",
                                        rationale: "Bij minder dan 60 % van de signalen is er binnen 14 dagen contact.",
                                        decidedBy: person(municipality, "dir-income"),
                                        evidence: Evidence(positions: [], kpis: ["signals-contacted-14d"]))
                                ] : [],
                            actions: []))
                ])
            month = month.next! // the samples stay within 2024–2027
        }
        builder.date = CalendarDate(2026, 1, 20)!
        try await builder.commit(
            by: municipality,
            [
                measurement(
                    "problem-debts", Period("2025")!, municipality, 1950, status: .provisional, source: "CBS schuldenproblematiek, eerste raming")
            ])
    }
}
