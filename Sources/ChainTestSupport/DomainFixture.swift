public import ChainDomain
import Foundation
public import LedgerConformance
public import LedgerCore
public import LedgerSQLite

/// A small coalition in an in-memory ledger (for tests), with every role the rules distinguish:
/// - `gemeente` — the founding municipality, coordinator;
/// - `opvang` — the shelter, partner of chain `hf`, whose director owns it;
/// - `hoeksteen` — a housing corporation, partner of `hf`, reporter of `homes`;
/// - `buiten` — a member organisation that is not a partner of `hf`;
/// - `rekenkamer` — an auditor.
public struct DomainFixture {
    public let ledger: Ledger<ChainRules>
    public let store: SQLiteLedgerStore
    public var coalition: TestCoalition
    public var factory = EventFactory()

    public static let organisations = ["gemeente", "opvang", "hoeksteen", "buiten", "rekenkamer"]

    public static func make() async throws -> DomainFixture {
        let store = try SQLiteLedgerStore.inMemory()
        var coalition = try TestCoalition(founder: "gemeente")
        let ledger = try await Ledger(store: store, domain: ChainRules(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        var fixture = DomainFixture(ledger: ledger, store: store, coalition: coalition)
        for organisation in ["opvang", "hoeksteen", "buiten"] {
            _ = try await ledger.append(try fixture.coalition.admit(organisation))
        }
        let auditorKey = try SigningKey.generate(name: "rekenkamer")
        _ = try await ledger.append(
            fixture.coalition.sign(
                by: "gemeente",
                try CoreCommits.admission(
                    organisation: "rekenkamer", name: "Rekenkamer", kind: "auditor", publicKey: [UInt8](auditorKey.verifier.publicKey))))
        fixture.auditorKey = auditorKey
        try await fixture.accept(
            by: "gemeente",
            [
                .missionDefined(MissionDefined(mission: "Niemand slaapt op straat.", goals: [Goal(goal: "g1", title: "Minder daklozen")])),
                .memberRegistered(MemberRegistered(organisation: "gemeente", person: "wethouder", name: "Wethouder", managementTeam: true)),
                .memberRegistered(MemberRegistered(organisation: "opvang", person: "directeur", name: "Directeur", managementTeam: true)),
                .memberRegistered(MemberRegistered(organisation: "opvang", person: "medewerker", name: "Medewerker", managementTeam: false)),
                .memberRegistered(MemberRegistered(organisation: "hoeksteen", person: "directeur", name: "Directeur", managementTeam: true)),
                .memberRegistered(MemberRegistered(organisation: "buiten", person: "directeur", name: "Directeur", managementTeam: true)),
                .chainDefined(Self.chain),
                .chainOwnerAssigned(ChainOwnerAssigned(chain: "hf", owner: PersonRef(organisation: "opvang", person: "directeur"), reason: "start")),
            ])
        try await fixture.accept(
            by: "opvang",
            [
                .kpiDefined(
                    KpiDefinition(
                        kpi: "homeless", chain: "hf", name: "Daklozen", level: .result, unit: "persons", direction: .lower,
                        grain: .quarter, aggregation: .last, owner: Self.director, reporters: ["gemeente"], contributesTo: [], goals: ["g1"])),
                .kpiDefined(
                    KpiDefinition(
                        kpi: "days", chain: "hf", name: "Dagen tot woning", level: .chain, unit: "days", direction: .lower,
                        grain: .month, aggregation: .average, owner: Self.director, reporters: ["opvang"], contributesTo: ["homeless"], goals: [])),
                .kpiDefined(
                    KpiDefinition(
                        kpi: "intake", chain: "hf", name: "Intake binnen 14 dagen", level: .process, step: "intake", unit: "%",
                        direction: .higher, grain: .month, aggregation: .average, owner: Self.director, reporters: ["opvang"],
                        contributesTo: ["days"], goals: [])),
                .kpiDefined(
                    KpiDefinition(
                        kpi: "homes", chain: "hf", name: "Woningen aangeboden", level: .process, step: "home", unit: "homes",
                        direction: .higher, grain: .quarter, aggregation: .sum, owner: Self.director, reporters: ["hoeksteen"],
                        contributesTo: ["days"], goals: [])),
            ])
        return fixture
    }

    public var auditorKey: SigningKey?

    public static let director = PersonRef(organisation: "opvang", person: "directeur")

    public static let chain = ChainDefinition(
        chain: "hf", name: "Van straat naar thuis", customerNeed: "Een eigen huis met steun", customer: "Daklozen", parent: nil,
        partners: ["gemeente", "opvang", "hoeksteen"], cadence: .monthly,
        steps: [
            ChainStep(step: "intake", name: "Intake", organisation: "opvang", customerVisible: true),
            ChainStep(step: "home", name: "Woning", organisation: "hoeksteen", customerVisible: true),
        ])

    /// Size and root: equal before and after a refused commit.
    public func fingerprint() async throws -> (UInt64, TreeHash?) {
        (try await store.size(), try await store.latestCheckpoint()?.root)
    }

    /// Appends events signed by `organisation`; throws what the ledger refused.
    @discardableResult
    public mutating func attempt(by organisation: String, _ events: [ChainEvent]) async throws -> AppendReceipt {
        var factory = self.factory
        for stream in Set(events.map(\.stream)) where factory.versions[stream] == nil {
            factory.versions[stream] = try await store.version(of: stream)
        }
        let lines = try factory.lines(events)
        let key = organisation == "rekenkamer" ? auditorKey : nil
        let receipt = try await ledger.append(coalition.sign(by: organisation, lines, key: key))
        self.factory = factory
        return receipt
    }

    public mutating func accept(by organisation: String, _ events: [ChainEvent]) async throws {
        try await attempt(by: organisation, events)
    }

    /// Expects the ledger to refuse `events` signed by `organisation`, to stay unchanged, and
    /// returns the error.
    public mutating func refuse(by organisation: String, _ events: [ChainEvent]) async throws -> LedgerError {
        let before = try await fingerprint()
        do {
            try await attempt(by: organisation, events)
        } catch let error as LedgerError {
            let after = try await fingerprint()
            guard after == before else { throw FixtureFailure(description: "a refused commit changed the ledger") }
            return error
        }
        throw FixtureFailure(description: "\(organisation) was allowed: \(events.map(\.type.rawValue))")
    }

    public struct FixtureFailure: Error, CustomStringConvertible {
        public let description: String
    }
}

extension DomainFixture {
    public static func measurement(_ kpi: String, _ period: String, _ organisation: String, _ value: Double, unit: String? = nil) -> ChainEvent {
        .measurementRecorded(
            Measurement(
                kpi: kpi, period: Period(period)!, organisation: organisation, value: value,
                status: .normal, source: "test", unit: unit))
    }
}
