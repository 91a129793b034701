import ChainDomain
import ChainProjections
import ChainTestSupport
import GRDB
import LedgerCore
import Testing

/// Customer values and the links' hypotheses in the read models, and the method-health signs they
/// bring: a value no chain KPI measures, a chain KPI that measures no value, and links the
/// measurements contradict (everyone green, chain red; and the reverse), after each link's lag.
struct ValueAndLinkHealthTests {
    static let values = CustomerValuesSet(
        chain: "hf", customerValues: [ChainValue(value: "quick", name: "Snel een huis"), ChainValue(value: "own", name: "Een eigen plek")],
        internalValues: [ChainValue(value: "affordable", name: "Betaalbare zorg")])

    /// The fixture with targets on the chain KPI `days` and the two process KPIs feeding it, the
    /// link from intake carrying a hypothesis and `intakeLag`.
    static func fixture(intakeLag: Int?) async throws -> DomainFixture {
        var fixture = try await DomainFixture.make()
        try await fixture.accept(
            by: "opvang",
            [
                .kpiLinked(KpiLink(kpi: "intake", to: "days", hypothesis: "Een snelle intake verkort het verblijf.", lag: intakeLag)),
                .targetSet(TargetSet(kpi: "days", from: Period("2026-01")!, until: nil, target: 60, red: 90)),
                .targetSet(TargetSet(kpi: "intake", from: Period("2026-01")!, until: nil, target: 90, red: 80)),
                .targetSet(TargetSet(kpi: "homes", from: Period("2026-Q1")!, until: nil, target: 6, red: 3)),
            ])
        return fixture
    }

    static func warnings(_ fixture: DomainFixture) async throws -> [MethodHealth.Warning] {
        let projector = try Projector(database: DatabaseQueue(), store: fixture.store)
        try await projector.catchUp()
        return try await projector.readModels.health(chain: "hf").warnings
    }

    static func questioned(_ warnings: [MethodHealth.Warning]) -> [String] {
        warnings.filter { $0.code.hasPrefix("contributors-") }.map { "\($0.code) \($0.subject)" }
    }

    @Test func valuesAreShownWithTheKpisThatMeasureThem() async throws {
        var fixture = try await Self.fixture(intakeLag: 1)
        let projector = try Projector(database: DatabaseQueue(), store: fixture.store)
        try await projector.catchUp()
        let before = try await projector.readModels.health(chain: "hf").warnings
        #expect(before.filter { $0.code == "chain-kpi-measures-value" }.map(\.subject) == ["days"])
        #expect(!before.contains { $0.code == "value-measured" }, "no values set, none unmeasured")

        try await fixture.accept(by: "opvang", [.customerValuesSet(Self.values), .kpiValuesSet(KpiValuesSet(kpi: "days", values: ["quick"]))])
        try await projector.catchUp()
        let models = projector.readModels
        let profile = try await models.chainProfile(chain: "hf")
        #expect(profile.customerValues.map(\.value) == ["quick", "own"] && profile.internalValues.map(\.value) == ["affordable"])
        #expect(profile.customerValues.map(\.kpis) == [["days"], []] && profile.internalValues[0].name == "Betaalbare zorg")
        let tree = try await models.kpiTree(chain: "hf")
        let days = try #require(tree.kpis.first { $0.kpi == "days" })
        #expect(days.measures == ["quick"])
        let intake = try #require(days.contributors.first { $0.kpi == "intake" })
        #expect(intake.hypothesis == "Een snelle intake verkort het verblijf." && intake.lag == 1)
        #expect(days.contributors.first { $0.kpi == "homes" }.map { $0.hypothesis == nil && $0.lag == nil } == true)

        let after = try await models.health(chain: "hf").warnings
        #expect(!after.contains { $0.code == "chain-kpi-measures-value" })
        let unmeasured = after.filter { $0.code == "value-measured" }
        #expect(unmeasured.map(\.subject) == ["own", "affordable"])
        #expect(unmeasured.first?.facts == ["value": "own", "name": "Een eigen plek", "since": CalendarDate.today.description])

        // The tree's revision moves with the values a KPI measures, and the past stays as it was.
        let moment = try await models.resolve(.now)
        let revision = try await models.kpiTreeRevision(chain: "hf", moment: moment)
        #expect(revision == moment.size - 1, "the last entry, KpiValuesSet, changed the tree")
        let earlier = try await models.kpiTree(chain: "hf", asOf: .position(moment.size - 2))
        #expect(earlier.kpis.first { $0.kpi == "days" }?.measures == [])

        // A rebuild reaches the same projections.
        let rebuilt = try Projector(database: DatabaseQueue(), store: fixture.store)
        try await rebuilt.rebuild()
        #expect(try await rebuilt.digests().digests.map(\.digest) == projector.digests().digests.map(\.digest))
        #expect(try await rebuilt.readModels.chainProfile(chain: "hf") == profile)
    }

    @Test func everyoneGreenWhileTheChainIsRedQuestionsTheLinks() async throws {
        var fixture = try await Self.fixture(intakeLag: 1)
        try await fixture.accept(by: "opvang", [DomainFixture.measurement("intake", "2026-01", "opvang", 95)])
        try await fixture.accept(by: "hoeksteen", [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 8)])
        try await fixture.accept(by: "opvang", [DomainFixture.measurement("days", "2026-02", "opvang", 120)])
        let warnings = try await Self.warnings(fixture)
        #expect(Self.questioned(warnings) == ["contributors-green-kpi-red days"])
        let warning = try #require(warnings.first { $0.code == "contributors-green-kpi-red" })
        #expect(warning.facts == ["kpi": "days", "name": "Dagen tot woning", "period": "2026-02", "contributors": "homes, intake"])
    }

    @Test func everyoneRedWhileTheChainIsGreenQuestionsTheLinksToo() async throws {
        var fixture = try await Self.fixture(intakeLag: 1)
        try await fixture.accept(by: "opvang", [DomainFixture.measurement("intake", "2026-01", "opvang", 70)])
        try await fixture.accept(by: "hoeksteen", [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 2)])
        try await fixture.accept(by: "opvang", [DomainFixture.measurement("days", "2026-02", "opvang", 30)])
        #expect(Self.questioned(try await Self.warnings(fixture)) == ["contributors-red-kpi-green days"])
    }

    /// The lag decides which periods count: intake was red in January and green in February. With a
    /// lag of one month, February's red days follow January's red intake, and nothing is questioned;
    /// without a lag, February's green intake contradicts them.
    @Test(arguments: [(1, false), (0, true), (nil, true)] as [(Int?, Bool)])
    func theLagPicksThePeriodsCompared(_ lag: Int?, _ questioned: Bool) async throws {
        var fixture = try await Self.fixture(intakeLag: lag)
        try await fixture.accept(
            by: "opvang",
            [DomainFixture.measurement("intake", "2026-01", "opvang", 70), DomainFixture.measurement("intake", "2026-02", "opvang", 95)])
        try await fixture.accept(by: "hoeksteen", [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 8)])
        try await fixture.accept(by: "opvang", [DomainFixture.measurement("days", "2026-02", "opvang", 120)])
        #expect(Self.questioned(try await Self.warnings(fixture)) == (questioned ? ["contributors-green-kpi-red days"] : []))
    }

    /// Silent when one contributor agrees with the KPI, when one has no value for the lagged period,
    /// or when the KPI is amber.
    @Test func mixedMissingOrAmberStaysSilent() async throws {
        var mixed = try await Self.fixture(intakeLag: 0)
        try await mixed.accept(by: "opvang", [DomainFixture.measurement("intake", "2026-02", "opvang", 95)])
        try await mixed.accept(by: "hoeksteen", [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 2)])
        try await mixed.accept(by: "opvang", [DomainFixture.measurement("days", "2026-02", "opvang", 120)])
        #expect(Self.questioned(try await Self.warnings(mixed)).isEmpty)

        var missing = try await Self.fixture(intakeLag: 1)
        try await missing.accept(by: "opvang", [DomainFixture.measurement("intake", "2026-02", "opvang", 95)])
        try await missing.accept(by: "hoeksteen", [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 8)])
        try await missing.accept(by: "opvang", [DomainFixture.measurement("days", "2026-02", "opvang", 120)])
        #expect(Self.questioned(try await Self.warnings(missing)).isEmpty, "intake has no value for January")

        var amber = try await Self.fixture(intakeLag: 0)
        try await amber.accept(by: "opvang", [DomainFixture.measurement("intake", "2026-02", "opvang", 95)])
        try await amber.accept(by: "hoeksteen", [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 8)])
        try await amber.accept(by: "opvang", [DomainFixture.measurement("days", "2026-02", "opvang", 75)])
        #expect(Self.questioned(try await Self.warnings(amber)).isEmpty)
    }
}
