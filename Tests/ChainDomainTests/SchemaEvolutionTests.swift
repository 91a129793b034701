import ChainDomain
import ChainTestSupport
import Foundation
import LedgerConformance
import LedgerCore
import LedgerSQLite
import Testing

/// Each event type carries a schema version; older versions in the log are upcast when read.
struct SchemaEvolutionTests {
    static let schemaOne = #"{"kpi":"intake","period":"2026-01","organisation":"opvang","value":87.5}"#

    @Test func aLogWrittenWithAnOlderSchemaStillReadsAndVerifies() async throws {
        var fixture = try await DomainFixture.make()
        let line = try EventLine(
            stream: "measurement/intake/2026-01/opvang", expectedVersion: 0, type: "MeasurementRecorded",
            schema: 1, data: Array(Self.schemaOne.utf8))
        let receipt = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [line]))

        let stored = try #require(try await fixture.store.entries(from: receipt.first, limit: 1).first)
        let event = try ChainEvent.decode(try stored.entry().event)
        #expect(
            event
                == .measurementRecorded(
                    Measurement(
                        kpi: "intake", period: Period("2026-01")!, organisation: "opvang",
                        value: 87.5, status: .normal, source: "unspecified")))
        // A correction in today's schema supersedes the old-schema value.
        try await fixture.accept(
            by: "opvang",
            [
                .measurementCorrected(
                    Measurement(
                        kpi: "intake", period: Period("2026-01")!, organisation: "opvang", value: 88, status: .normal, source: "fix",
                        supersedes: receipt.first, reason: "recount"))
            ])

        let reopened = try await Ledger(store: fixture.store, domain: ChainRules())
        #expect(await reopened.domainState.kpis["intake"] != nil)
        let report = try await LedgerVerifier(store: fixture.store, domain: ChainRules()).run()
        #expect(report.size == (try await fixture.store.size()))
    }

    /// `DialogueHeld` schema 1 has no `preparation`: it still reads (as citing none), and a schema-1
    /// event that names one is refused; schema 2 cites a preparation.
    @Test func aDialogueOfSchemaOneCitesNoPreparation() async throws {
        var fixture = try await DomainFixture.make()
        let held =
            #"{"actions":[],"chain":"hf","date":"2026-01-05","decisions":[],"dialogue":"d5","participants":[{"organisation":"opvang","person":"directeur"}],"reviewedPosition":1}"#
        let old = try EventLine(stream: "dialogue/d5", expectedVersion: 0, type: "DialogueHeld", schema: 1, data: Array(held.utf8))
        let receipt = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [old]))
        let stored = try #require(try await fixture.store.entries(from: receipt.first, limit: 1).first)
        guard case .dialogueHeld(let dialogue) = try ChainEvent.decode(try stored.entry().event) else {
            Issue.record("not a dialogue")
            return
        }
        #expect(dialogue.preparation == nil && dialogue.dialogue == "d5")

        try await fixture.accept(by: "opvang", [.dialoguePrepared(AuthorisationTests.preparation)])
        let citing = String(held.replacingOccurrences(of: "\"d5\"", with: "\"d6\"").dropLast()) + #","preparation":"p1"}"#
        let before = try await fixture.fingerprint()
        let schemaOne = try EventLine(stream: "dialogue/d6", expectedVersion: 0, type: "DialogueHeld", schema: 1, data: Array(citing.utf8))
        do {
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [schemaOne]))
            Issue.record("a schema-1 dialogue that cites a preparation")
        } catch {
            #expect("\(error)".contains("\"preparation\""), "\(error)")
        }
        #expect(try await fixture.fingerprint() == before)
        let schemaTwo = try EventLine(stream: "dialogue/d6", expectedVersion: 0, type: "DialogueHeld", schema: 2, data: Array(citing.utf8))
        _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [schemaTwo]))
        #expect(await fixture.ledger.domainState.preparations["p1"]?.citedBy == "d6")
    }

    /// `KpiLinked` schema 1 has no hypothesis or lag: it still reads, and a schema-1 link that carries
    /// either is refused and changes nothing; schema 2 carries them.
    @Test func aLinkOfSchemaOneCarriesNoHypothesis() async throws {
        var fixture = try await DomainFixture.make()
        let stream = "kpi/homes"
        func line(schema: UInt64, _ json: String) throws -> EventLine {
            try EventLine(
                stream: stream, expectedVersion: fixture.factory.versions[stream] ?? 0, type: "KpiLinked", schema: schema, data: Array(json.utf8))
        }
        let claiming = #"{"hypothesis":"More homes, fewer homeless.","kpi":"homes","lag":2,"to":"homeless"}"#
        let before = try await fixture.fingerprint()
        do {
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [try line(schema: 1, claiming)]))
            Issue.record("a schema-1 link with a hypothesis")
        } catch {
            #expect("\(error)".contains("\"hypothesis\""), "\(error)")
        }
        #expect(try await fixture.fingerprint() == before)

        _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [try line(schema: 1, #"{"kpi":"homes","to":"homeless"}"#)]))
        fixture.factory.versions[stream, default: 0] += 1
        var homes = try #require(await fixture.ledger.domainState.kpis["homes"])
        #expect(homes.contributesTo.contains("homeless") && homes.hypotheses["homeless"] == nil)

        _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [try line(schema: 2, claiming)]))
        homes = try #require(await fixture.ledger.domainState.kpis["homes"])
        #expect(homes.hypotheses["homeless"]?.hypothesis == "More homes, fewer homeless." && homes.hypotheses["homeless"]?.lag == 2)
    }

    /// `AgreementAmended` schema 1 cites no decision: one that does is refused and changes nothing; the
    /// same amendment in schema 2 stands, with the decision it cites.
    @Test func anAmendmentOfSchemaOneCitesNoDecision() async throws {
        var fixture = try await DomainFixture.make()
        try await fixture.accept(by: "gemeente", [.agreementProposed(AuthorisationTests.proposal)])
        try await fixture.accept(by: "opvang", [.dialogueHeld(AuthorisationTests.dialogue)])
        let stream = "agreement/homes-2026"
        let data = try ChainEvent.agreementAmended(AuthorisationTests.amendment).data()
        #expect(String(decoding: data, as: UTF8.self).contains(#""decision":"d1-homes""#))
        func line(schema: UInt64) throws -> EventLine {
            try EventLine(
                stream: stream, expectedVersion: fixture.factory.versions[stream] ?? 0, type: "AgreementAmended", schema: schema, data: data)
        }
        let before = try await fixture.fingerprint()
        do {
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "gemeente", [try line(schema: 1)]))
            Issue.record("a schema-1 amendment that cites a decision")
        } catch {
            #expect("\(error)".contains("\"decision\""), "\(error)")
        }
        #expect(try await fixture.fingerprint() == before)
        _ = try await fixture.ledger.append(fixture.coalition.sign(by: "gemeente", [try line(schema: 2)]))
        #expect(await fixture.ledger.domainState.agreements["homes-2026"]?.versions[2]?.decision == "d1-homes")
    }

    /// Commitments came with `AgreementProposed` schema 2 and `AgreementAmended` schema 3: an older
    /// schema that holds them is refused and changes nothing; the current one stands.
    @Test func commitmentsNeedTheSchemaThatIntroducedThem() async throws {
        var fixture = try await DomainFixture.make()
        let stream = "agreement/homes-2026"
        let terms = AuthorisationTests.promising
        let proposed = ChainEvent.agreementProposed(terms)
        let amended = ChainEvent.agreementAmended(
            AgreementTerms(
                agreement: terms.agreement, version: 2, title: terms.title, terms: terms.terms, parties: terms.parties,
                obligations: terms.obligations, validFrom: terms.validFrom, validUntil: terms.validUntil, reason: "Later due.",
                commitments: [
                    Commitment(commitment: "rent-guarantee", party: "gemeente", chain: "hf", text: "Later.", due: CalendarDate(2026, 6, 30)!)
                ]))
        #expect(ChainEventType.agreementProposed.currentSchema == 2 && ChainEventType.agreementAmended.currentSchema == 3)
        for (event, old, current) in [(proposed, UInt64(1), UInt64(2)), (amended, 2, 3)] {
            func line(schema: UInt64) throws -> EventLine {
                try EventLine(
                    stream: stream, expectedVersion: fixture.factory.versions[stream] ?? 0, type: event.type.rawValue, schema: schema,
                    data: event.data())
            }
            let before = try await fixture.fingerprint()
            do {
                _ = try await fixture.ledger.append(fixture.coalition.sign(by: "gemeente", [try line(schema: old)]))
                Issue.record("\(event.type.rawValue) schema \(old) with commitments")
            } catch {
                #expect("\(error)".contains("\"commitments\""), "\(error)")
            }
            #expect(try await fixture.fingerprint() == before)
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "gemeente", [try line(schema: current)]))
            fixture.factory.versions[stream, default: 0] += 1
        }
        #expect(await fixture.ledger.domainState.agreements["homes-2026"]?.versions[2]?.commitments?.first?.due == CalendarDate(2026, 6, 30)!)
    }

    /// Steering levels came with `DialogueHeld` schema 3: a schema-2 dialogue that names a level or
    /// a department, or names no chain, is refused and changes nothing; the same dialogues in schema 3
    /// stand. A chain dialogue's data carries no level, so it reads the same in every schema.
    @Test func steeringLevelsNeedTheSchemaThatIntroducedThem() async throws {
        var fixture = try await DomainFixture.make()
        #expect(ChainEventType.dialogueHeld.currentSchema == 3)
        let chainLevel = try ChainEvent.dialogueHeld(AuthorisationTests.dialogue).data()
        #expect(!String(decoding: chainLevel, as: UTF8.self).contains("level"))
        for (signer, dialogue, field) in [
            ("hoeksteen", AuthorisationTests.departmentDialogue, "\"department\""), ("gemeente", AuthorisationTests.strategicDialogue, "\"level\""),
        ] {
            let stream = "dialogue/\(dialogue.dialogue)"
            func line(schema: UInt64) throws -> EventLine {
                try EventLine(
                    stream: stream, expectedVersion: 0, type: "DialogueHeld", schema: schema, data: ChainEvent.dialogueHeld(dialogue).data())
            }
            let before = try await fixture.fingerprint()
            do {
                _ = try await fixture.ledger.append(fixture.coalition.sign(by: signer, [try line(schema: 2)]))
                Issue.record("a schema-2 \(dialogue.level) dialogue")
            } catch {
                #expect("\(error)".contains(field), "\(error)")
            }
            #expect(try await fixture.fingerprint() == before)
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: signer, [try line(schema: 3)]))
            #expect(await fixture.ledger.domainState.dialogues[dialogue.dialogue]?.held == dialogue)
        }
        // Schemas 1 and 2 name their chain.
        let chainless = DialogueHeld(
            dialogue: "d-chainless", chain: nil, date: CalendarDate(2026, 3, 1)!, participants: [DomainFixture.director], reviewedPosition: 1,
            decisions: [], actions: [])
        let before = try await fixture.fingerprint()
        let line = try EventLine(
            stream: "dialogue/d-chainless", expectedVersion: 0, type: "DialogueHeld", schema: 2, data: ChainEvent.dialogueHeld(chainless).data())
        do {
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [line]))
            Issue.record("a schema-2 dialogue without a chain")
        } catch {
            #expect("\(error)".contains("missing field \"chain\""), "\(error)")
        }
        #expect(try await fixture.fingerprint() == before)
    }

    /// The owner's span came with `PolicySet` schema 2: a schema-1 policy that names it is refused
    /// and changes nothing; schema 2 sets it, and a policy without it keeps the default.
    @Test func anOwnersSpanNeedsPolicySchemaTwo() async throws {
        var fixture = try await DomainFixture.make()
        #expect(ChainEventType.policySet.currentSchema == 2 && PolicySet.defaults.span == PolicySet.defaultOwnerSpan)
        let policy = PolicySet(kpiLimitPerChain: 15, staleGraceDays: 14, dialogueGraceDays: 7, ownerSpan: 5)
        func line(schema: UInt64) async throws -> EventLine {
            try EventLine(
                stream: "policy", expectedVersion: try await fixture.store.version(of: "policy"), type: "PolicySet", schema: schema,
                data: ChainEvent.policySet(policy).data())
        }
        let before = try await fixture.fingerprint()
        do {
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "gemeente", [try await line(schema: 1)]))
            Issue.record("a schema-1 policy with a span")
        } catch {
            #expect("\(error)".contains("\"ownerSpan\""), "\(error)")
        }
        #expect(try await fixture.fingerprint() == before)
        _ = try await fixture.ledger.append(fixture.coalition.sign(by: "gemeente", [try await line(schema: 2)]))
        #expect(await fixture.ledger.domainState.policy.span == 5)
    }

    @Test func aSchemaNewerThanTheSoftwareIsRefused() async throws {
        let fixture = try await DomainFixture.make()
        let line = try EventLine(
            stream: "measurement/intake/2026-01/opvang", expectedVersion: 0, type: "MeasurementRecorded",
            schema: 3, data: Array(Self.schemaOne.utf8))
        let before = try await fixture.fingerprint()
        await #expect(throws: LedgerError.self) { try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [line])) }
        #expect(try await fixture.fingerprint() == before)
        // Schema 2 requires the fields schema 1 lacked.
        let missing = try EventLine(
            stream: "measurement/intake/2026-01/opvang", expectedVersion: 0, type: "MeasurementRecorded",
            schema: 2, data: Array(Self.schemaOne.utf8))
        do {
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [missing]))
            Issue.record("accepted a schema-2 measurement without a status")
        } catch {
            #expect("\(error)".contains("missing field \"status\""))
        }
        _ = fixture
    }

    /// Periods are signed in one spelling only: another accepted spelling is refused with the
    /// canonical one named, and a period that does not exist is refused as such.
    @Test(arguments: [
        ("2026MM01", "must be stored in its canonical form \"2026-01\""),
        ("2026-1", "is not a period"),
        ("2026-13", "is not a period"),
    ])
    func aMeasurementPeriodIsStoredInItsCanonicalSpelling(period: String, message: String) throws {
        let data = #"{"kpi":"intake","period":"\#(period)","organisation":"opvang","value":1,"status":"A"}"#
        let line = try EventLine(
            stream: "measurement/intake/\(period)/opvang", expectedVersion: 0, type: "MeasurementRecorded",
            schema: 2, data: Array(data.utf8))
        do {
            _ = try ChainEvent.decode(line)
            Issue.record("accepted the period \(period)")
        } catch {
            #expect(error.message.contains("period \"\(period)\" \(message)"))
        }
    }

    /// Data JSON cannot hold (a figure or threshold that is not a finite number) is refused when the
    /// event is written, with the event and the field named, instead of becoming empty data.
    @Test(arguments: [
        ChainEvent.measurementRecorded(
            Measurement(
                kpi: "intake", period: Period("2026-01")!, organisation: "opvang", value: .nan,
                status: .normal, source: "export")),
        ChainEvent.targetSet(TargetSet(kpi: "intake", from: Period("2026-01")!, target: .infinity, red: 80)),
    ])
    func dataJSONCannotHoldIsRefusedWhenWritten(_ event: ChainEvent) {
        var factory = EventFactory()
        do {
            _ = try factory.line(event)
            Issue.record("wrote \(event.type.rawValue) with a value JSON cannot hold")
        } catch {
            let field = event.type == .targetSet ? "target" : "value"
            #expect(error.message.hasPrefix("\(event.type.rawValue): field \"\(field)\" cannot be written as JSON"), "\(error)")
        }
        #expect(factory.versions.isEmpty)
    }
}
