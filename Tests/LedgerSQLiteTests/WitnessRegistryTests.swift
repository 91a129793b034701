import Foundation
import LedgerConformance
import LedgerCore
import LedgerSQLite
import Testing

/// Witnesses and the witness policy as events in the log: who may register, retire and set
/// them, and the policy in force at each position.
struct WitnessRegistryTests {
    struct Fixture {
        var coalition: TestCoalition
        let store: SQLiteLedgerStore
        let ledger: Ledger<OpenDomain>
        let keys = (1...3).map { try! CosignerKey.generate(name: "witness.example/w\($0)") }

        init() async throws {
            coalition = try TestCoalition()
            store = try SQLiteLedgerStore(path: TemporaryFolder.make().appendingPathComponent("ledger.sqlite").path)
            ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
            _ = try await ledger.append(try coalition.genesis())
            _ = try await ledger.append(try coalition.admit("zorggroep-de-brug"))
        }

        func event(_ stream: String, _ type: String, _ data: [UInt8], offset: UInt64 = 0) async throws -> EventLine {
            try EventLine(stream: stream, expectedVersion: try await store.version(of: stream) + offset, type: type, data: data)
        }

        func register(_ index: Int, name: String, by organisation: String = "gemeente-heuvelstad", statement: String? = nil) async throws -> EventLine
        {
            try await event(
                CoreEvent.organisationStream(organisation), CoreEvent.witnessRegistered,
                CoreEvent.witnessRegisteredData(
                    organisation: organisation, witness: name, key: keys[index].verifier, url: "https://w\(index).example/witness",
                    statement: statement))
        }

        func policy(_ quorum: String, offset: UInt64 = 0) async throws -> EventLine {
            try await event(
                CoreEvent.coalitionStream, CoreEvent.witnessPolicySet, CoreEvent.witnessPolicySetData(quorum: quorum, reason: "afspraak"),
                offset: offset)
        }

        func retire(_ name: String, of organisation: String, offset: UInt64 = 0) async throws -> EventLine {
            try await event(
                CoreEvent.organisationStream(organisation), CoreEvent.witnessRetired,
                CoreEvent.witnessRetiredData(organisation: organisation, witness: name, reason: "opgeheven"), offset: offset)
        }

        func append(_ events: [EventLine], by organisation: String? = nil) async throws -> AppendReceipt {
            try await ledger.append(coalition.sign(by: organisation ?? coalition.founder, events))
        }

        /// Appends and expects a refusal that leaves the log as it was; returns the refusal.
        func refused(_ events: [EventLine], by organisation: String? = nil) async throws -> LedgerError {
            let size = try await store.size()
            let checkpoint = try await store.latestCheckpoint()
            do {
                _ = try await append(events, by: organisation)
            } catch let error as LedgerError {
                let sizeAfter = try await store.size()
                let checkpointAfter = try await store.latestCheckpoint()
                #expect(sizeAfter == size && checkpointAfter == checkpoint)
                return error
            }
            Issue.record("the commit was accepted")
            return .notInitialised
        }
    }

    @Test func thePolicyInForceFollowsFromTheLog() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.append([
            try await fixture.register(0, name: "heuvelstad"),
            try await fixture.register(1, name: "brug", by: "zorggroep-de-brug", statement: "every commit obeyed the coalition's rules"),
        ])
        #expect(await fixture.ledger.registry.witnessPolicy == nil)
        let set = try await fixture.append([try await fixture.policy("group all-partners all heuvelstad brug\nquorum all-partners")])
        let registry = await fixture.ledger.registry
        let policy = try #require(registry.witnessPolicy)
        #expect(registry.witnessPolicySetAt == set.first)
        #expect(policy.logs.map(\.key) == [fixture.coalition.checkpointKey.verifier])
        #expect(policy.witnesses.map(\.name) == ["brug", "heuvelstad"])
        #expect(policy.witnesses.first?.url == "https://w1.example/witness")
        #expect(policy.isSatisfied(by: ["brug", "heuvelstad"]) && !policy.isSatisfied(by: ["brug"]))
        #expect(registry.witnesses["brug"]?.statement == "every commit obeyed the coalition's rules")

        // Retiring a witness the policy names needs a policy without it, in the same commit.
        let refusal = try await fixture.refused([try await fixture.retire("brug", of: "zorggroep-de-brug")])
        #expect("\(refusal)".contains("set a policy without it first"), "\(refusal)")
        _ = try await fixture.append([
            try await fixture.policy("quorum heuvelstad"), try await fixture.retire("brug", of: "zorggroep-de-brug"),
        ])
        let after = await fixture.ledger.registry
        #expect(after.activeWitnesses.map(\.name) == ["heuvelstad"])
        #expect(after.witnessPolicy?.isSatisfied(by: ["heuvelstad"]) == true)
        #expect(after.witnesses["brug"]?.retiredAt != nil)

        // The same registry, read back from the log, and a log that verifies.
        let reopened = try await Ledger(store: fixture.store, domain: OpenDomain())
        #expect(await reopened.registry == after)
        _ = try await LedgerVerifier(store: fixture.store, domain: OpenDomain()).run()
    }

    @Test func refusalsNameTheRule() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.append([try await fixture.register(0, name: "heuvelstad")])
        let cases: [(String, [EventLine], String?, String)] = [
            (
                "a member registers", [try await fixture.register(1, name: "brug", by: "zorggroep-de-brug")], "zorggroep-de-brug",
                "only a coordinator registers witnesses"
            ),
            ("a name taken", [try await fixture.register(1, name: "heuvelstad")], nil, "already registered"),
            ("a key taken", [try await fixture.register(0, name: "tweede")], nil, "is already registered"),
            ("the name none", [try await fixture.register(1, name: "none")], nil, "not \"none\""),
            ("a policy naming no witness", [try await fixture.policy("quorum brug")], nil, "brug is not defined"),
            (
                "a policy with a log line", [try await fixture.policy("log \(fixture.coalition.checkpointKey.verifier)\nquorum none")], nil,
                "group and quorum lines only"
            ),
            (
                "a member sets the policy", [try await fixture.policy("quorum heuvelstad")], "zorggroep-de-brug",
                "only a coordinator sets the witness policy"
            ),
            ("retiring an unknown witness", [try await fixture.retire("brug", of: "zorggroep-de-brug")], nil, "not an active witness"),
            (
                "a policy in another stream",
                [
                    try await fixture.event(
                        "organisation/gemeente-heuvelstad", CoreEvent.witnessPolicySet,
                        CoreEvent.witnessPolicySetData(quorum: "quorum none", reason: "x"))
                ],
                nil, "belongs in stream \"coalition\""
            ),
        ]
        for (what, events, organisation, message) in cases {
            let refusal = try await fixture.refused(events, by: organisation)
            #expect("\(refusal)".contains(message), "\(what): \(refusal)")
        }
    }
}
