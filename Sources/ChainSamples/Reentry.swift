import ChainDomain
import Foundation
import LedgerCore

/// Re-entry after detention in a fictional region: one prison and sixty municipalities arrange
/// an ID document, housing, income and debt help before a detainee is released. Many parties,
/// many agreements: the prison makes one agreement with every municipality.
enum Reentry {
    static let prison = "pi-zuidwest"
    static let chain = "release-to-participation"
    static let towns = [
        "havenstad", "aalwijk", "beekdal", "bergharen", "bloemveld", "bosrijk", "brugwaard", "dijkhoven", "duinwijk", "eikenburg",
        "elzenhof", "esdonk", "geestmeer", "gouddal", "graafstede", "haarwijk", "heidestein", "hoeverdam", "holtrode", "kampveen",
        "kerkdriel", "klaverdal", "kroonwijk", "laarbeek", "lindehaven", "loosduin", "maasveld", "meerhoven", "moerdal", "molenrijk",
        "noordhove", "oosterveen", "otterlo-west", "peelrode", "polderwijk", "raamsdonk-oost", "rietveld", "rozendal", "schelpwijk",
        "schoonveld", "slotwaard", "sluisdam", "steenbrug", "stroomdal", "tielhove", "torenwijk", "uiterwaard", "valkenrode",
        "veenhuizen-zuid", "vlietdam", "waalhoven", "waterdal", "weidebeek", "westerbroek", "wijkeroog", "wilgendam", "zandvoort-oost",
        "zeedijk", "zonnedal", "zwanenburg",
    ]

    static func municipality(_ town: String) -> String { "gemeente-\(town)" }

    /// The towns that decline the first agreement: without money for housing, they *geven nul op
    /// rekest*; the second quarter's dialogue decides to offer them one without the housing obligation.
    static let declining = ["kerkdriel", "moerdal", "zeedijk"]
    static let declineDecision = "reentry-2025-q2-declined-towns"

    static func write(_ builder: SampleBuilder, checkpointKey: VerifierKey) async throws {
        let founder = municipality(towns[0])
        builder.date = CalendarDate(2024, 11, 4)!
        try await builder.found(
            coalition: "Re-integratie Zuidwest", origin: "ledger.example/reentry-zuidwest", founder: founder,
            name: "Gemeente Havenstad", kind: "municipality", checkpointKey: checkpointKey)
        try await builder.admit(prison, name: "PI Zuidwest", kind: "prison", by: founder)
        for town in towns.dropFirst() {
            try await builder.admit(municipality(town), name: "Gemeente \(town.capitalized)", kind: "municipality", by: founder)
        }
        try await builder.commit(
            by: founder,
            [
                .missionDefined(
                    MissionDefined(
                        mission:
                            "Iedereen die in de regio uit detentie komt, start met een ID-bewijs, een dak boven het hoofd, een inkomen en hulp bij schulden.",
                        goals: [
                            Goal(goal: "g1-less-reoffending", title: "Minder recidive"),
                            Goal(goal: "g2-basics-at-release", title: "Basisvoorwaarden op orde bij vrijlating"),
                        ])),
                member(founder, "dir-safety", "Directeur openbare orde en veiligheid", managementTeam: true),
            ])
        try await builder.commit(
            by: prison,
            [
                member(prison, "director", "Directeur", managementTeam: true),
                member(prison, "reentry-lead", "Hoofd re-integratie", managementTeam: false),
            ])
        for town in towns.dropFirst() {
            try await builder.commit(
                by: municipality(town), [member(municipality(town), "reentry-contact", "Contactpersoon re-integratie", managementTeam: false)])
        }
        let everyone = [prison] + towns.map(municipality)
        try await builder.commit(
            by: founder,
            [
                .chainDefined(
                    ChainDefinition(
                        chain: chain, name: "Van vrijlating naar meedoen",
                        customerNeed:
                            "Een gedetineerde die bijna vrijkomt, heeft een ID-bewijs, huisvesting, inkomen en schuldhulp nodig, geregeld voordat de poort opengaat.",
                        customer: "Gedetineerden uit de regio en hun woongemeenten", parent: nil, partners: everyone, cadence: .quarterly,
                        steps: [
                            ChainStep(
                                step: "release-plan", name: "Vrijlating voorbereiden", organisation: prison, department: nil, customerVisible: true),
                            ChainStep(
                                step: "id-document", name: "ID-bewijs geregeld", organisation: founder, department: "burgerzaken",
                                customerVisible: true),
                            ChainStep(step: "housing", name: "Huisvesting geregeld", organisation: founder, department: nil, customerVisible: true),
                            ChainStep(
                                step: "income", name: "Inkomen geregeld", organisation: founder, department: "werk-en-inkomen", customerVisible: true),
                            ChainStep(
                                step: "debt-help", name: "Schuldhulp gestart", organisation: founder, department: "schuldhulpverlening",
                                customerVisible: false),
                        ])),
                .chainOwnerAssigned(
                    ChainOwnerAssigned(
                        chain: chain, owner: person(prison, "director"),
                        reason: "De PI ziet elke vrijlating als eerste", decision: nil)),
            ])
        let municipalities = towns.map(municipality)
        try await builder.commit(
            by: prison,
            [
                kpi(
                    "reoffending-2y", chain: chain, name: "Recidive binnen twee jaar", level: .result, unit: "%", direction: .lower,
                    grain: .year, owner: person(prison, "director"), reporters: [prison], goals: ["g1-less-reoffending"]),
                kpi(
                    "basics-at-release", chain: chain, name: "Vrijgelaten met alle vier basisvoorwaarden", level: .chain, unit: "%",
                    direction: .higher, grain: .quarter, owner: person(prison, "reentry-lead"), reporters: [prison],
                    contributesTo: ["reoffending-2y"]),
                kpi(
                    "release-plans", chain: chain, name: "Vrijlatingsplan drie maanden vooraf gedeeld", level: .process, step: "release-plan",
                    unit: "%", direction: .higher, grain: .quarter, owner: person(prison, "reentry-lead"), reporters: [prison],
                    contributesTo: ["basics-at-release"]),
                kpi(
                    "id-at-release", chain: chain, name: "ID-bewijs klaar bij vrijlating", level: .process, step: "id-document", unit: "%",
                    direction: .higher, grain: .quarter, owner: person(founder, "dir-safety"), reporters: municipalities,
                    contributesTo: ["basics-at-release"]),
                kpi(
                    "housing-at-release", chain: chain, name: "Huisvesting geregeld bij vrijlating", level: .process, step: "housing", unit: "%",
                    direction: .higher, grain: .quarter, owner: person(founder, "dir-safety"), reporters: municipalities,
                    contributesTo: ["basics-at-release"]),
                kpi(
                    "income-at-release", chain: chain, name: "Inkomen geregeld bij vrijlating", level: .process, step: "income", unit: "%",
                    direction: .higher, grain: .quarter, owner: person(founder, "dir-safety"), reporters: municipalities,
                    contributesTo: ["basics-at-release"]),
                kpi(
                    "debt-help-at-release", chain: chain, name: "Schuldhulp gestart bij vrijlating", level: .process, step: "debt-help",
                    unit: "%", direction: .higher, grain: .quarter, owner: person(founder, "dir-safety"), reporters: municipalities,
                    contributesTo: ["basics-at-release"]),
                target("reoffending-2y", from: "2025", target: 35, red: 45),
                target("basics-at-release", from: "2025-Q1", target: 80, red: 60),
                target("release-plans", from: "2025-Q1", target: 90, red: 75),
                target("id-at-release", from: "2025-Q1", target: 95, red: 85),
                target("housing-at-release", from: "2025-Q1", target: 70, red: 50),
                target("income-at-release", from: "2025-Q1", target: 85, red: 70),
                target("debt-help-at-release", from: "2025-Q1", target: 60, red: 40),
            ])
        // One agreement between the prison and every municipality; three of them decline it.
        var declines: [UInt64] = []
        for town in towns {
            let partner = municipality(town)
            let agreement = AgreementTerms(
                agreement: "reentry-\(town)", version: 1, title: "Ketenafspraak re-integratie PI Zuidwest – \(town.capitalized)",
                terms:
                    "De PI deelt elk vrijlatingsplan drie maanden vooraf; de gemeente regelt vóór de vrijlating een ID-bewijs, huisvesting, inkomen en schuldhulp.",
                parties: [prison, partner],
                obligations: [
                    Obligation(party: partner, kpi: "id-at-release", target: 95, from: Period("2025-Q1")!, until: Period("2026-Q4")!),
                    Obligation(party: partner, kpi: "housing-at-release", target: 70, from: Period("2025-Q1")!, until: Period("2026-Q4")!),
                    Obligation(party: partner, kpi: "income-at-release", target: 85, from: Period("2025-Q1")!, until: Period("2026-Q4")!),
                ],
                validFrom: CalendarDate(2025, 1, 1)!, validUntil: CalendarDate(2026, 12, 31)!, reason: nil)
            try await builder.commit(
                by: prison,
                [
                    .agreementProposed(agreement), .agreementSigned(AgreementSigned(agreement: agreement.agreement, version: 1, party: prison)),
                ])
            if declining.contains(town) {
                let receipt = try await builder.commit(
                    by: partner,
                    [
                        .agreementDeclined(
                            AgreementDeclined(
                                agreement: agreement.agreement, version: 1, party: partner,
                                reason: "Geen budget om vóór elke vrijlating huisvesting te garanderen; zonder die dekking tekenen wij niet."))
                    ])
                declines.append(receipt.first)
            } else {
                try await builder.commit(by: partner, [.agreementSigned(AgreementSigned(agreement: agreement.agreement, version: 1, party: partner))])
            }
        }
        var quarter = Period("2025-Q1")!
        for index in 0..<8 {
            builder.date = quarter.days.upperBound.addingDays(10)
            let source = "registratie re-integratie \(quarter)"
            for (number, town) in towns.enumerated() {
                let strength = Double(number % 7) * 2.0
                try await builder.commit(
                    by: municipality(town),
                    [
                        measurement(
                            "id-at-release", quarter, municipality(town), SampleBuilder.round(min(100, builder.uniform(82...99) + strength / 4)),
                            source: source),
                        measurement(
                            "housing-at-release", quarter, municipality(town), SampleBuilder.round(builder.uniform(40...80) + strength),
                            source: source),
                        measurement("income-at-release", quarter, municipality(town), SampleBuilder.round(builder.uniform(65...95)), source: source),
                        measurement(
                            "debt-help-at-release", quarter, municipality(town), SampleBuilder.round(builder.uniform(30...75)), source: source),
                    ])
            }
            try await builder.commit(
                by: prison,
                [
                    measurement("release-plans", quarter, prison, SampleBuilder.round(builder.uniform(80...96)), source: source),
                    measurement("basics-at-release", quarter, prison, SampleBuilder.round(builder.uniform(55...82)), source: source),
                ])
            if quarter.index == 4 {
                try await builder.commit(
                    by: prison,
                    [
                        measurement(
                            "reoffending-2y", Period("\(quarter.year)")!, prison, SampleBuilder.round(builder.uniform(36...44)), source: "WODC-cohort"
                        )
                    ])
            }
            builder.date = builder.date.addingDays(14)
            let size = try await builder.size()
            var decisions: [Decision] = []
            if index == 1 {
                decisions.append(
                    Decision(
                        decision: declineDecision,
                        text:
                            "Kerkdriel, Moerdal en Zeedijk een aangepaste ketenafspraak aanbieden zonder huisvestingsverplichting; de PI zoekt voor hun inwoners huisvesting via de regio.",
                        rationale: "Drie gemeenten wezen de ketenafspraak af omdat zij huisvesting bij vrijlating niet kunnen betalen.",
                        decidedBy: person(prison, "director"), evidence: Evidence(positions: declines, kpis: ["housing-at-release"])))
            }
            if index == 3 {
                decisions.append(
                    Decision(
                        decision: "reentry-2026-01-housing-pool", text: "Een regionale woningpool opzetten voor ex-gedetineerden.",
                        rationale: "Huisvesting bij vrijlating blijft in de meeste gemeenten een heel jaar onder de norm.",
                        decidedBy: person(prison, "director"), evidence: Evidence(positions: [], kpis: ["housing-at-release"])))
            }
            try await builder.commit(
                by: prison,
                [
                    .dialogueHeld(
                        DialogueHeld(
                            dialogue: "reentry-dialogue-\(quarter.description.lowercased())", chain: chain, date: builder.date,
                            participants: [person(prison, "director"), person(founder, "dir-safety")],
                            reviewedPosition: size, decisions: decisions, actions: []))
                ])
            if index == 1 { try await amendDeclined(builder) }
            quarter = quarter.next! // the samples stay within 2024–2027
        }
    }

    /// The amendment the dialogue decided on, proposed by the prison and signed by both.
    static func amendDeclined(_ builder: SampleBuilder) async throws {
        for town in declining {
            let partner = municipality(town)
            let amended = AgreementTerms(
                agreement: "reentry-\(town)", version: 2, title: "Ketenafspraak re-integratie PI Zuidwest – \(town.capitalized)",
                terms:
                    "De PI deelt elk vrijlatingsplan drie maanden vooraf en zoekt huisvesting via de regio; de gemeente regelt vóór de vrijlating een ID-bewijs en inkomen.",
                parties: [prison, partner],
                obligations: [
                    Obligation(party: partner, kpi: "id-at-release", target: 95, from: Period("2025-Q3")!, until: Period("2026-Q4")!),
                    Obligation(party: partner, kpi: "income-at-release", target: 85, from: Period("2025-Q3")!, until: Period("2026-Q4")!),
                ],
                validFrom: CalendarDate(2025, 7, 1)!, validUntil: CalendarDate(2026, 12, 31)!,
                reason: "Zonder huisvestingsverplichting, zoals besloten in het prestatiegesprek van het tweede kwartaal.", decision: declineDecision)
            try await builder.commit(
                by: prison, [.agreementAmended(amended), .agreementSigned(AgreementSigned(agreement: amended.agreement, version: 2, party: prison))])
            try await builder.commit(by: partner, [.agreementSigned(AgreementSigned(agreement: amended.agreement, version: 2, party: partner))])
        }
    }
}
