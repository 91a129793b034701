import ChainDomain
import ChainSamples
import LedgerConformance
import LedgerCore
import LedgerSQLite
import Testing

/// The sample coalitions load through the ledger's rules and verify.
struct SampleCoalitionTests {
    static func load(_ name: String) async throws -> (SQLiteLedgerStore, Ledger<ChainRules>, [String: SigningKey]) {
        let store = try SQLiteLedgerStore.inMemory()
        let checkpointKey = try SigningKey.generate(name: "ledger.test/\(name)")
        let keys = try await Samples.write(name, into: store, checkpointKey: checkpointKey)
        let ledger = try await Ledger(store: store, domain: ChainRules(), checkpointKey: checkpointKey)
        return (store, ledger, keys)
    }

    @Test(arguments: Samples.names)
    func samplesLoadAndVerify(_ name: String) async throws {
        let (store, ledger, keys) = try await Self.load(name)
        let report = try await LedgerVerifier(store: store, domain: ChainRules()).run()
        #expect(report.size == (try await store.size()) && report.size > 100)
        let registry = await ledger.registry
        #expect(Set(keys.keys) == Set(registry.organisations.keys), "every organisation signs with its own key")
        #expect(keys.values.allSatisfy { $0.name.hasSuffix(".test-key") }, "sample keys are marked as test keys")
        // Every commit is signed by the organisation it names.
        for commit in try await store.commits(from: 0, limit: 10_000) {
            #expect(registry.keys[commit.keyID]?.organisation == commit.organisation)
        }
    }

    @Test func housingFirstTellsItsStory() async throws {
        let (store, ledger, _) = try await Self.load("housing-first")
        let state = await ledger.domainState
        let chain = try #require(state.chains["street-to-home"])
        #expect(chain.ownerHistory.map(\.assignment.owner.organisation) == ["stichting-opvang-heuvelstad", "gemeente-heuvelstad"])
        #expect(chain.ownerHistory.last?.assignment.decision == "hf-2026-03-ownership")
        #expect(state.kpis.count == 11 && state.kpis["calls-answered-30s"]?.contributesTo.isEmpty == true)
        #expect(state.agreements["hf-homes-2025-2027"]?.activeVersion == 2)
        #expect(state.agreements["hf-homes-2025-2027"]?.signatures[2]?.count == 3)
        #expect(state.decisions["hf-2025-10-extra-homes"] == "hf-dialogue-2025-09")
        #expect(state.dialogues["hf-dialogue-2025-09"]?.completedActions == ["hf-2025-10-ask-hoeksteen"])
        let october = try await store.entries(stream: "measurement/intake-14d/2025-10/stichting-opvang-heuvelstad", fromVersion: 1, limit: 10)
        #expect(october.map(\.type) == ["MeasurementRecorded", "MeasurementCorrected"])
        let rivierland = try await store.entries(stream: "measurement/homes-offered/2025-Q3/woonbedrijf-rivierland", fromVersion: 1, limit: 1)
        #expect(
            try ChainEvent.decode(try #require(rivierland.first).entry().event)
                == .measurementRecorded(
                    Measurement(
                        kpi: "homes-offered", period: Period("2025-Q3")!, organisation: "woonbedrijf-rivierland",
                        value: 2, status: .normal, source: "toewijzingssysteem")))
    }

    @Test func reentryHasSixtyMunicipalitiesAndAgreements() async throws {
        let (_, ledger, _) = try await Self.load("reentry")
        let state = await ledger.domainState
        #expect(await ledger.registry.organisations.values.filter { $0.kind == "municipality" }.count == 60)
        #expect(state.agreements.count == 60)
        // Three towns declined the first version and signed the amendment the dialogue decided on.
        let declined = state.agreements.filter { !($0.value.declines[1] ?? [:]).isEmpty }
        #expect(Set(declined.keys) == ["reentry-kerkdriel", "reentry-moerdal", "reentry-zeedijk"])
        #expect(declined.values.allSatisfy { $0.activeVersion == 2 && $0.versions[2]?.decision == "reentry-2025-q2-declined-towns" })
        #expect(state.agreements.values.filter { $0.activeVersion == 1 }.count == 57)
    }

    @Test func debtCollectionNestsASubChain() async throws {
        let (_, ledger, _) = try await Self.load("debt-collection")
        let state = await ledger.domainState
        #expect(state.chains["early-signals"]?.definition.parent == "fair-collection")
    }
}
