import ChainDomain
import ChainProjections
import ChainTestSupport
import GRDB
import LedgerCore
import LedgerSQLite
import Testing

/// The silo signs read from agreements and measurements: each fires on a fixture built to trigger
/// it, names the day from which it holds, and stays silent on one built not to.
struct HealthSignTests {
    static func health(_ fixture: DomainFixture, asOf: AsOf = .now) async throws -> [MethodHealth.Warning] {
        let projector = try Projector(database: DatabaseQueue(), store: fixture.store)
        try await projector.catchUp()
        return try await projector.readModels.health(chain: "hf", asOf: asOf).warnings
    }

    static func days(_ count: Int) -> AsOf {
        .time(Timestamp(milliseconds: Timestamp.now().milliseconds + Int64(count) * 86_400_000))
    }

    static let proposal = AgreementTerms(
        agreement: "homes-2027", version: 1, title: "Woningen 2027", terms: "Zes woningen per kwartaal.", parties: ["gemeente", "hoeksteen"],
        obligations: [Obligation(party: "hoeksteen", kpi: "homes", target: 6, from: Period("2027-Q1")!, until: Period("2027-Q4")!)],
        validFrom: CalendarDate(2027, 1, 1)!, validUntil: CalendarDate(2027, 12, 31)!)

    static func proposed() async throws -> DomainFixture {
        var fixture = try await DomainFixture.make()
        try await fixture.accept(
            by: "gemeente", [.agreementProposed(proposal), .agreementSigned(AgreementSigned(agreement: "homes-2027", version: 1, party: "gemeente"))])
        return fixture
    }

    @Test func anAgreementWaitingFourWeeksForASignature() async throws {
        var fixture = try await Self.proposed()
        let waiting = try await Self.health(fixture, asOf: Self.days(35)).filter { $0.code == "agreement-signed-in-four-weeks" }
        #expect(waiting.map(\.subject) == ["homes-2027"] && waiting.first?.chain == "hf")
        #expect(waiting.first?.facts["parties"] == "hoeksteen" && waiting.first?.facts["since"] == CalendarDate.today.addingDays(28).description)
        #expect(try await Self.health(fixture, asOf: Self.days(20)).allSatisfy { $0.code != "agreement-signed-in-four-weeks" }, "three weeks")

        try await fixture.accept(by: "hoeksteen", [.agreementSigned(AgreementSigned(agreement: "homes-2027", version: 1, party: "hoeksteen"))])
        #expect(try await Self.health(fixture, asOf: Self.days(35)).allSatisfy { $0.code != "agreement-signed-in-four-weeks" }, "signed")
    }

    @Test func aDeclinedAgreementWaitsForNobody() async throws {
        var fixture = try await Self.proposed()
        try await fixture.accept(
            by: "hoeksteen",
            [.agreementDeclined(AgreementDeclined(agreement: "homes-2027", version: 1, party: "hoeksteen", reason: "Geen woningen."))])
        #expect(try await Self.health(fixture, asOf: Self.days(35)).allSatisfy { $0.code != "agreement-signed-in-four-weeks" })
    }

    /// A provisional value outlived by two periods of its KPI fires from the day the second ended;
    /// one a period younger, and one finalised, stay silent.
    @Test func aProvisionalValueNeverFinalised() async throws {
        var fixture = try await DomainFixture.make()
        let current = try #require(Period.containing(.today, grain: .month))
        let old = try #require(current.previous?.previous?.previous)
        let young = try #require(current.previous)
        let finalised = try #require(old.previous)
        func provisional(_ period: Period) -> ChainEvent {
            .measurementRecorded(
                Measurement(kpi: "intake", period: period, organisation: "opvang", value: 90, status: .provisional, source: "export"))
        }
        try await fixture.accept(by: "opvang", [provisional(old), provisional(young), provisional(finalised)])
        let position = try await fixture.store.entries(stream: "measurement/intake/\(finalised)/opvang", fromVersion: 1, limit: 1)[0].position
        try await fixture.accept(
            by: "opvang",
            [
                .measurementCorrected(
                    Measurement(
                        kpi: "intake", period: finalised, organisation: "opvang", value: 91, status: .normal, source: "export",
                        supersedes: position, reason: "definitief"))
            ])
        let signs = try await Self.health(fixture).filter { $0.code == "provisional-finalised" }
        #expect(signs.map(\.subject) == ["intake \(old)"])
        #expect(signs.first?.facts["since"] == old.next?.next?.days.upperBound.description && signs.first?.facts["organisation"] == "opvang")
    }

    /// Sixteen KPIs across a chain and the chain nested in it fire, from the day the sixteenth was
    /// defined; fifteen stay silent.
    @Test(arguments: [(11, false), (12, true)])
    func tooManyKpisAcrossNestedChains(nested: Int, fires: Bool) async throws {
        var fixture = try await DomainFixture.make()
        try await fixture.accept(
            by: "gemeente",
            [
                .chainDefined(
                    ChainDefinition(
                        chain: "hf-east", name: "Oost", customerNeed: "Een huis in Oost", customer: "Daklozen in Oost", parent: "hf",
                        partners: ["gemeente", "opvang"], cadence: .monthly,
                        steps: [ChainStep(step: "intake-east", name: "Intake in Oost", organisation: "opvang", customerVisible: true)]))
            ])
        try await fixture.accept(
            by: "gemeente",
            (1...nested).map { number in
                .kpiDefined(
                    KpiDefinition(
                        kpi: "east-\(number)", chain: "hf-east", name: "Oost \(number)", level: .chain, step: nil, unit: "%", direction: .higher,
                        grain: .month, aggregation: .average, owner: DomainFixture.director, reporters: ["opvang"], contributesTo: [], goals: []))
            })
        let signs = try await Self.health(fixture).filter { $0.code == "nested-kpi-limit" }
        #expect(signs.map(\.subject) == (fires ? ["hf"] : []))
        if fires { #expect(signs.first?.facts["count"] == "16" && signs.first?.facts["since"] == CalendarDate.today.description) }
    }

    /// A chain without anyone who also sits at the strategic level, or in a partner's department,
    /// fires from the chain's first day; a person in both the chain's and the other level's recent
    /// dialogues silences it; three chain dialogues without that person bring it back, from the day
    /// of the third.
    @Test func aChainWithoutALinkingPin() async throws {
        var fixture = try await DomainFixture.make()
        let director = DomainFixture.director
        let hoeksteen = PersonRef(organisation: "hoeksteen", person: "directeur")
        func dialogue(_ id: String, level: SteeringLevel, days: Int, _ participants: [PersonRef]) -> ChainEvent {
            .dialogueHeld(
                DialogueHeld(
                    dialogue: id, chain: level == .strategic ? nil : "hf", level: level, department: level == .department ? "hoeksteen" : nil,
                    date: .today.addingDays(days), participants: participants, reviewedPosition: 1, decisions: [], actions: []))
        }
        func signs(_ fixture: DomainFixture) async throws -> [String: String] {
            var since: [String: String] = [:]
            for warning in try await Self.health(fixture) where warning.code.hasPrefix("linking-pin") {
                #expect(warning.chain == "hf" && warning.subject == "hf")
                since[warning.code] = warning.facts["since"]
            }
            return since
        }
        let today = CalendarDate.today.description
        #expect(try await signs(fixture) == ["linking-pin-strategic": today, "linking-pin-department": today])

        try await fixture.accept(by: "opvang", [dialogue("c1", level: .chain, days: 1, [director, hoeksteen])])
        try await fixture.accept(
            by: "gemeente", [dialogue("s1", level: .strategic, days: 2, [PersonRef(organisation: "gemeente", person: "wethouder"), hoeksteen])])
        #expect(try await signs(fixture) == ["linking-pin-department": today])
        try await fixture.accept(by: "hoeksteen", [dialogue("h1", level: .department, days: 3, [hoeksteen])])
        #expect(try await signs(fixture).isEmpty)

        let projector = try Projector(database: DatabaseQueue(), store: fixture.store)
        try await projector.catchUp()
        let pins = try #require(try await projector.readModels.responsibilities(chain: "hf").chains.first?.linkingPins)
        #expect(pins.strategic == [hoeksteen])
        #expect(pins.departments.map(\.organisation) == ["gemeente", "opvang", "hoeksteen"])
        #expect(pins.departments.map(\.dialogues) == [0, 0, 1] && pins.departments.map(\.pins) == [[], [], [hoeksteen]])

        for (id, days) in [("c2", 10), ("c3", 20)] { try await fixture.accept(by: "opvang", [dialogue(id, level: .chain, days: days, [director])]) }
        #expect(try await signs(fixture).isEmpty, "c1 is still one of the last three")
        try await fixture.accept(by: "opvang", [dialogue("c4", level: .chain, days: 30, [director])])
        let third = CalendarDate.today.addingDays(30).description
        #expect(try await signs(fixture) == ["linking-pin-strategic": third, "linking-pin-department": third])
    }

    /// A partner with a role in the chain that missed its last three dialogues fires, from the day
    /// of the third; one that missed two, and every partner before the third dialogue, stay silent.
    @Test func aPartnerAbsentFromTheLastThreeDialogues() async throws {
        var fixture = try await DomainFixture.make()
        let hoeksteen = PersonRef(organisation: "hoeksteen", person: "directeur")
        let alderman = PersonRef(organisation: "gemeente", person: "wethouder")
        func held(_ id: String, days: Int, _ participants: [PersonRef]) async throws {
            try await fixture.accept(
                by: "opvang",
                [
                    .dialogueHeld(
                        DialogueHeld(
                            dialogue: id, chain: "hf", date: .today.addingDays(days), participants: [DomainFixture.director] + participants,
                            reviewedPosition: 1, decisions: [], actions: []))
                ])
        }
        func absent() async throws -> [String: [String: String]] {
            var found: [String: [String: String]] = [:]
            for warning in try await Self.health(fixture) where warning.code == "party-at-dialogues" { found[warning.subject] = warning.facts }
            return found
        }
        try await held("d1", days: 1, [hoeksteen])
        try await held("d2", days: 2, [])
        #expect(try await absent().isEmpty, "two dialogues only")
        try await held("d3", days: 3, [])
        let day = { (days: Int) in CalendarDate.today.addingDays(days).description }
        #expect(try await absent() == ["gemeente": ["organisation": "gemeente", "roles": "reporter", "last": "", "since": day(3)]])
        try await held("d4", days: 4, [alderman])
        #expect(try await absent() == ["hoeksteen": ["organisation": "hoeksteen", "roles": "step, reporter", "last": day(1), "since": day(4)]])
    }

    /// One person who owns more chains than the policy's span fires on each of them, from the day
    /// the chain beyond the span was handed over; a wider span silences it.
    @Test func anOwnerOfMoreChainsThanTheSpan() async throws {
        var fixture = try await DomainFixture.make()
        func span() async throws -> [MethodHealth.Warning] { try await Self.health(fixture).filter { $0.code == "owner-span" } }
        for (index, chain) in ["hf-2", "hf-3", "hf-4"].enumerated() {
            let definition = DomainFixture.chain
            try await fixture.accept(
                by: "gemeente",
                [
                    .chainDefined(
                        ChainDefinition(
                            chain: chain, name: "Keten \(chain)", customerNeed: definition.customerNeed, customer: definition.customer, parent: nil,
                            partners: definition.partners, cadence: .monthly, steps: definition.steps)),
                    .chainOwnerAssigned(ChainOwnerAssigned(chain: chain, owner: DomainFixture.director, reason: "start")),
                ])
            #expect(try await span().isEmpty == (index < 2), "\(index + 2) chains")
        }
        let warning = try #require(try await span().first)
        #expect(warning.subject == DomainFixture.director.description && warning.facts["count"] == "4" && warning.facts["limit"] == "3")
        #expect(warning.facts["chains"] == "hf, hf-2, hf-3, hf-4" && warning.facts["since"] == CalendarDate.today.description)
        try await fixture.accept(
            by: "gemeente", [.policySet(PolicySet(kpiLimitPerChain: 15, staleGraceDays: 14, dialogueGraceDays: 7, ownerSpan: 4))])
        #expect(try await span().isEmpty)
    }

    /// A reporter whose corrections exceed a tenth of its values fires, from the correction that
    /// took it over; one correction of eleven values stays silent, and so does the finalisation of
    /// a provisional value.
    @Test func aReporterThatCorrectsMoreThanATenth() async throws {
        var fixture = try await DomainFixture.make()
        var period = try #require(Period("2026-01"))
        for _ in 0..<10 {
            try await fixture.accept(
                by: "opvang",
                [
                    .measurementRecorded(
                        Measurement(kpi: "intake", period: period, organisation: "opvang", value: 90, status: .normal, source: "export"))
                ])
            period = try #require(period.next)
        }
        func correct(_ month: String) async throws {
            let position = try await fixture.store.entries(stream: "measurement/intake/\(month)/opvang", fromVersion: 1, limit: 1)[0].position
            try await fixture.accept(
                by: "opvang",
                [
                    .measurementCorrected(
                        Measurement(
                            kpi: "intake", period: Period(month)!, organisation: "opvang", value: 80, status: .normal, source: "export",
                            supersedes: position, reason: "dubbel geteld"))
                ])
        }
        func signs() async throws -> [MethodHealth.Warning] { try await Self.health(fixture).filter { $0.code == "reporter-corrections" } }
        // A provisional value, finalised: the finalisation is no correction.
        try await fixture.accept(
            by: "opvang",
            [
                .measurementRecorded(
                    Measurement(kpi: "intake", period: period, organisation: "opvang", value: 85, status: .provisional, source: "export"))
            ])
        try await correct(period.description)
        #expect(try await signs().isEmpty, "a finalisation of eleven values")
        try await correct("2026-02")
        #expect(try await signs().isEmpty, "one correction of eleven values")
        try await correct("2026-03")
        let warning = try #require(try await signs().first)
        #expect(warning.subject == "opvang" && warning.facts["corrections"] == "2" && warning.facts["values"] == "11")
        #expect(warning.facts["since"] == CalendarDate.today.description)
        // After a rebuild, whose indexes have names of their own, the same.
        let rebuilt = try Ledgers.projector(fixture.store)
        try await rebuilt.rebuild()
        #expect(try await rebuilt.readModels.health(chain: "hf").warnings.filter { $0.code == "reporter-corrections" } == [warning])
    }

    /// A hand-over between organisations whose receiving step has no process KPI fires, from the
    /// day its last one was retired; while the step has one it stays silent.
    @Test func aHandOverThatNoProcessKpiMeasures() async throws {
        var fixture = try await DomainFixture.make()
        func signs() async throws -> [MethodHealth.Warning] { try await Self.health(fixture).filter { $0.code == "hand-over-measured" } }
        #expect(try await signs().isEmpty, "homes measures the hand-over from intake to home")
        try await fixture.accept(by: "opvang", [.kpiRetired(Retirement(kpi: "homes", reason: "Telt nu bij de corporatie."))])
        let warning = try #require(try await signs().first)
        #expect(warning.subject == "intake → home" && warning.facts["to_organisation"] == "hoeksteen")
        #expect(warning.facts["from_organisation"] == "opvang" && warning.facts["since"] == CalendarDate.today.description)
    }

    /// Moving goalposts: a target made easier right after two red periods fires, from the day it was
    /// set; a target raised after them stays silent. A KPI retired while red fires too.
    @Test func movingGoalposts() async throws {
        var fixture = try await DomainFixture.make()
        func signs() async throws -> [MethodHealth.Warning] {
            try await Self.health(fixture).filter { $0.code == "target-lowered-after-red" || $0.code == "kpi-retired-while-red" }
        }
        func target(_ from: String, _ target: Double, red: Double) -> ChainEvent {
            .targetSet(TargetSet(kpi: "intake", from: Period(from)!, until: nil, target: target, red: red))
        }
        try await fixture.accept(by: "opvang", [target("2026-01", 80, red: 70)])
        for month in ["2026-01", "2026-02"] {
            try await fixture.accept(
                by: "opvang",
                [
                    .measurementRecorded(
                        Measurement(kpi: "intake", period: Period(month)!, organisation: "opvang", value: 60, status: .normal, source: "export"))
                ])
        }
        try await fixture.accept(by: "opvang", [target("2026-03", 90, red: 80)])
        #expect(try await signs().isEmpty, "a target raised after red periods")
        try await fixture.accept(by: "opvang", [target("2026-03", 50, red: 40)])
        let lowered = try #require(try await signs().first)
        #expect(lowered.code == "target-lowered-after-red" && lowered.subject == "intake")
        #expect(lowered.facts["before"] == "90.0" && lowered.facts["after"] == "50.0" && lowered.facts["red"] == "2026-01, 2026-02")
        #expect(lowered.facts["since"] == CalendarDate.today.description)

        try await fixture.accept(by: "opvang", [.targetSet(TargetSet(kpi: "homes", from: Period("2026-Q1")!, until: nil, target: 6, red: 3))])
        try await fixture.accept(
            by: "hoeksteen",
            [
                .measurementRecorded(
                    Measurement(kpi: "homes", period: Period("2026-Q1")!, organisation: "hoeksteen", value: 1, status: .normal, source: "export"))
            ])
        try await fixture.accept(by: "opvang", [.kpiRetired(Retirement(kpi: "homes", reason: "Telt niet meer."))])
        let retired = try #require(try await signs().first { $0.code == "kpi-retired-while-red" })
        #expect(retired.subject == "homes" && retired.facts["red"] == "2026-Q1")
    }

    /// Every warning of every sample, at four moments, names the day from which it holds, on or
    /// before the moment asked about. The two contradicted links name their period instead.
    @Test(arguments: ["housing-first", "reentry", "debt-collection"])
    func everyWarningSaysSinceWhen(_ sample: String) async throws {
        let store = try await Ledgers.sample(sample)
        let projector = try Ledgers.projector(store)
        try await projector.catchUp()
        let size = try await store.size()
        var codes: Set<String> = []
        for quarter in UInt64(1)...4 {
            let position = size * quarter / 4
            let health = try await projector.readModels.health(asOf: .position(position))
            for warning in health.warnings where !warning.code.hasPrefix("contributors-") {
                codes.insert(warning.code)
                let since = warning.facts["since"].flatMap { CalendarDate($0) }
                #expect(since.map { $0 <= health.moment.day } == true, "\(warning.code) at \(position): \(warning.facts)")
            }
        }
        #expect(codes.count >= 5, "\(codes.sorted())")
    }
}
