import ChainDomain
import ChainProjections
import ChainTestSupport
import GRDB
import LedgerCore
import LedgerSQLite
import Testing

struct ReadModelTests {
    /// Every read model as of position P equals the same read model of a projection replayed from
    /// scratch over the first P entries only.
    @Test(arguments: [30, 100, 139, 140, 171, 206, 250])
    func asOfAnswersMatchAReplayUpToThatPosition(_ position: Int) async throws {
        let store = try await Self.housingFirst.store
        let full = try await Self.housingFirst.projector
        let replay = try Ledgers.projector(PrefixStore(base: store, limit: UInt64(position)))
        try await replay.catchUp(pageSize: 64)
        let asOf = AsOf.position(UInt64(position))
        let (a, b) = (full.readModels, replay.readModels)
        #expect(try await a.kpiTrees(asOf: asOf) == b.kpiTrees(asOf: asOf))
        #expect(try await a.responsibilities(asOf: asOf) == b.responsibilities(asOf: asOf))
        #expect(try await a.agreements(asOf: asOf) == b.agreements(asOf: asOf))
        #expect(try await a.dialogues(asOf: asOf) == b.dialogues(asOf: asOf))
        #expect(try await a.health(asOf: asOf) == b.health(asOf: asOf))
    }

    /// A KPI tree's revision moves exactly when something its tree shows changes: at every
    /// position, a chain whose revision stayed the same has the same tree (but for the moment),
    /// and the revision stays put while other chains change.
    @Test(arguments: ["housing-first", "debt-collection"])
    func kpiTreeRevisionsMoveOnlyWhenTheTreeCanChange(_ sample: String) async throws {
        let store = try await Ledgers.sample(sample)
        let projector = try Ledgers.projector(store)
        try await projector.catchUp()
        let models = projector.readModels
        let size = try await store.size()
        let chains = try await models.kpiTrees().map(\.chain)
        #expect(!chains.isEmpty)
        var last: [String: (revision: UInt64, tree: KpiTree)] = [:]
        var revisions: [String: Set<UInt64>] = [:]
        var positions: [String: Int] = [:]
        for position in 1...size {
            let moment = try await models.resolve(.position(position))
            for chain in chains {
                guard let revision = try await models.kpiTreeRevision(chain: chain, moment: moment) else {
                    #expect(last[chain] == nil, "a chain's revision never goes back to none")
                    continue
                }
                #expect(revision < position)
                let tree = try await models.kpiTree(chain: chain, asOf: .moment(moment))
                if let previous = last[chain] {
                    #expect(revision >= previous.revision)
                    if revision == previous.revision {
                        #expect(previous.tree.at(moment) == tree, "chain \(chain) at \(position): same revision, different tree")
                    }
                }
                last[chain] = (revision, tree)
                revisions[chain, default: []].insert(revision)
                positions[chain, default: 0] += 1
            }
        }
        for chain in chains {
            #expect(revisions[chain]!.count < positions[chain]!, "chain \(chain): the revision moved at every position")
        }
    }

    /// One projected housing-first ledger shared by the tests above.
    static let housingFirst = SharedSample()

    actor SharedSample {
        /// One build for every test, however many ask at once.
        private var building: Task<(SQLiteLedgerStore, Projector), any Error>?
        private func build() async throws -> (SQLiteLedgerStore, Projector) {
            if let building { return try await building.value }
            let task = Task {
                let store = try await Ledgers.sample("housing-first")
                let projector = try Ledgers.projector(store)
                try await projector.catchUp()
                return (store, projector)
            }
            building = task
            return try await task.value
        }
        var store: SQLiteLedgerStore { get async throws { try await build().0 } }
        var projector: Projector { get async throws { try await build().1 } }
    }

    @Test func housingFirstOwnershipHistoryAndAgreements() async throws {
        let models = try await Self.housingFirst.projector.readModels
        let responsibilities = try await models.responsibilities(chain: "street-to-home")
        let history = try #require(responsibilities.chains.first).history
        #expect(history.map(\.owner.organisation) == ["stichting-opvang-heuvelstad", "gemeente-heuvelstad"])
        #expect(history.first?.until == history.last?.since && history.last?.until == nil)
        #expect(history.last?.decision == "hf-2026-03-ownership" && history.last?.managementTeam == true)
        let before = try await models.responsibilities(chain: "street-to-home", asOf: .position(history.last!.since))
        #expect(
            before.chains.first?.owner?.owner.organisation == "stichting-opvang-heuvelstad", "as of the transfer's position, the old owner still owns"
        )

        let agreements = try await models.agreements().agreements
        let homes = try #require(agreements.first { $0.agreement == "hf-homes-2025-2027" })
        #expect(homes.state == .active && homes.activeVersion == 2 && homes.signatures.count == 6)
        let rivierland = try #require(homes.obligations.first { $0.party == "woonbedrijf-rivierland" && $0.from == "2025-Q1" })
        #expect(rivierland.periods.first { $0.period == "2025-Q3" }?.result == "missed")
        #expect(rivierland.periods.first { $0.period == "2025-Q3" }?.value == 2)

        // Between the amendment and the last signature, version 1 stays in force.
        let stream = try await Self.housingFirst.store.entries(stream: "agreement/hf-homes-2025-2027", fromVersion: 1, limit: 100)
        let amendedAt = try #require(stream.first { $0.type == "AgreementAmended" }?.position)
        let pending = try await models.agreements(asOf: .position(amendedAt + 1)).agreements.first { $0.agreement == "hf-homes-2025-2027" }
        #expect(pending?.state == .amended && pending?.activeVersion == 1 && pending?.awaiting.count == 3)
    }

    /// Re-entry: three towns decline version 1; the agreement reads declined (awaiting nobody who
    /// declined) until the amendment that cites the dialogue's decision, which both then sign.
    @Test func aDeclinedAgreementAndTheAmendmentThatCitesTheDecision() async throws {
        let store = try await Ledgers.sample("reentry")
        let projector = try Ledgers.projector(store)
        try await projector.catchUp()
        let stream = try await store.entries(stream: "agreement/reentry-kerkdriel", fromVersion: 1, limit: 10)
        let declinedAt = try #require(stream.first { $0.type == "AgreementDeclined" }?.position)
        let amendedAt = try #require(stream.first { $0.type == "AgreementAmended" }?.position)

        let then = try #require(
            try await projector.readModels.agreements(asOf: .position(declinedAt + 1)).agreements.first { $0.agreement == "reentry-kerkdriel" })
        #expect(then.state == .declined && then.activeVersion == nil && then.awaiting.isEmpty && then.decision == nil)
        #expect(then.obligations.map(\.kpi).contains("housing-at-release"))
        #expect(then.declines.map(\.party) == ["gemeente-kerkdriel"] && then.declines.first?.version == 1)
        #expect(then.declines.first?.reason.hasPrefix("Geen budget om vóór elke vrijlating huisvesting") == true)

        let amended = try #require(
            try await projector.readModels.agreements(asOf: .position(amendedAt + 1)).agreements.first { $0.agreement == "reentry-kerkdriel" })
        #expect(amended.decision == "reentry-2025-q2-declined-towns" && amended.state != .declined)

        let now = try await projector.readModels.agreements().agreements
        #expect(now.filter { $0.state == .declined }.isEmpty)
        #expect(now.filter { !$0.declines.isEmpty }.map(\.agreement).sorted() == ["reentry-kerkdriel", "reentry-moerdal", "reentry-zeedijk"])
        let kerkdriel = try #require(now.first { $0.agreement == "reentry-kerkdriel" })
        #expect(
            kerkdriel.state == .active && kerkdriel.activeVersion == 2 && kerkdriel.obligations.map(\.kpi) == ["id-at-release", "income-at-release"])
    }

    /// Housing First: the municipality's rent guarantee scheme kept on time, its extension for 2026
    /// (added by the amendment) late. Between its day and its fulfilment it reads missed, in the
    /// agreements, in the brief and in method health; afterwards none of them names it.
    @Test func aCommitmentKeptOnTimeAndOneKeptLate() async throws {
        let models = try await Self.housingFirst.projector.readModels
        let homes = try #require(try await models.agreements().agreements.first { $0.agreement == "hf-homes-2025-2027" })
        #expect(homes.commitments.map(\.commitment) == ["rent-guarantee-scheme", "rent-guarantee-2026"])
        #expect(homes.commitments.map(\.result) == ["kept", "late"])
        #expect(homes.commitments.map(\.fulfilledOn) == ["2025-03-03", "2026-03-20"])
        #expect(homes.commitments.allSatisfy { $0.party == "gemeente-heuvelstad" && $0.chain == "street-to-home" && $0.position != nil })

        let march = AsOf.time(Timestamp(rfc3339: "2026-03-14T12:00:00Z")!)
        let then = try #require(
            try await models.agreements(chain: "street-to-home", asOf: march).agreements.first { $0.agreement == homes.agreement })
        #expect(then.commitments.map(\.result) == ["kept", "missed"] && then.commitments[1].fulfilledOn == nil)
        let brief = try await models.brief(chain: "street-to-home", asOf: march)
        #expect(brief.commitments.map(\.commitment) == ["rent-guarantee-2026"] && brief.commitments.first?.result == "missed")
        #expect(brief.participants.first { $0.organisation == "gemeente-heuvelstad" }?.roles.contains("obligation") == true)
        let warnings = try await models.health(chain: "street-to-home", asOf: march).warnings.filter { $0.code == "commitment-kept-on-time" }
        #expect(warnings.map(\.subject) == ["rent-guarantee-2026"] && warnings.first?.facts["due"] == "2026-03-01")
        let responsibilities = try await models.responsibilities(chain: "street-to-home", asOf: march).chains.first?.agreements
        #expect(
            responsibilities?.first { $0.party == "gemeente-heuvelstad" }?.commitments == ["rent-guarantee-2026", "rent-guarantee-scheme"])

        // Before the amendment only the scheme was promised; at the end nothing is overdue.
        let before = try await models.agreements(asOf: .time(Timestamp(rfc3339: "2025-03-01T00:00:00Z")!)).agreements.first {
            $0.agreement == homes.agreement
        }
        #expect(before?.commitments.map(\.result) == ["open"])
        #expect(try await !models.health(chain: "street-to-home").warnings.contains { $0.code == "commitment-kept-on-time" })
        #expect(try await models.brief(chain: "street-to-home").commitments.allSatisfy { $0.result != "missed" })
    }

    @Test func healthPointsAtTheOrganogramKpi() async throws {
        let health = try await Self.housingFirst.projector.readModels.health(chain: "street-to-home")
        let organogram = health.warnings.filter { $0.rule.hasPrefix("organogram KPI") }
        #expect(organogram.map(\.subject) == ["calls-answered-30s"])
        #expect(!health.warnings.contains { $0.rule == "every chain has an owner" })
        // The sample names five values and leaves one internal value unmeasured; every chain KPI measures one.
        #expect(health.warnings.filter { $0.code == "value-measured" }.map(\.subject) == ["doelmatig"])
        #expect(!health.warnings.contains { $0.code == "chain-kpi-measures-value" })
        let before = try await Self.housingFirst.projector.readModels.health(chain: "street-to-home", asOf: .position(250))
        #expect(before.warnings.filter { $0.code == "chain-kpi-measures-value" }.count == 3, "before the values, none of the three was measured")
    }

    @Test func theDecisionAuditShowsWhatWasKnownThenAndEveryCorrectionSince() async throws {
        let audit = try await Self.housingFirst.projector.readModels.audit(decision: "hf-2025-10-extra-homes")
        #expect(audit.decision.evidenceKpis == ["homes-offered", "median-days-to-home"])
        let homes = try #require(audit.kpis.first { $0.kpi == "homes-offered" })
        #expect(homes.evidence && homes.then.period == "2025-Q3")
        let median = try #require(audit.kpis.first { $0.kpi == "median-days-to-home" })
        #expect(median.then.status == .red && median.then.period == "2025-09")
        // The October intake was corrected after the decision: who, when, why.
        let intake = try #require(audit.corrections.first { $0.kpi == "intake-14d" && $0.period == "2025-10" })
        #expect(intake.organisation == "stichting-opvang-heuvelstad" && intake.previousValue == 93 && intake.value == 88.9)
        #expect(intake.reason == "een klant is twee keer geteld in de intakerapportage van oktober" && intake.position > audit.decision.position)
    }

    /// The steering group's decision names no chain: it is listed with the strategic dialogues, not
    /// with a chain, and its audit reads its evidence KPI from the chain that holds it.
    @Test func aStrategicDecisionBelongsToNoChain() async throws {
        let models = try await Self.housingFirst.projector.readModels
        let report = try await models.dialogues()
        let strategic = try #require(report.strategic)
        #expect(strategic.dialogues.count == 7 && strategic.dialogues.first == "hf-steering-group-2025-04")
        #expect(strategic.decisions.map(\.decision) == ["hf-strategy-2025-04"])
        #expect(report.chains.allSatisfy { chain in !chain.decisions.contains { $0.decision == "hf-strategy-2025-04" } })
        // The chain's cadence counts its own dialogues only, not its partner's department's.
        let chain = try #require(report.chains.first { $0.chain == "street-to-home" })
        #expect(chain.dialogues.count == 23 && chain.dialogues.allSatisfy { $0.hasPrefix("hf-dialogue-") })
        #expect(try await models.dialogues(chain: "street-to-home").strategic == nil)

        let audit = try await models.audit(decision: "hf-strategy-2025-04")
        #expect(audit.chain == nil && audit.kpis.map(\.kpi) == ["homeless-count"] && audit.redsNotDiscussed.isEmpty)
        #expect(audit.kpis.first?.evidence == true && audit.kpis.first?.then.period != nil)
    }
}

/// A small story told event by event, to check corrections, late figures and bitemporal answers.
struct CorrectionAndLateFigureTests {
    @Test func correctionsAndLateFiguresAreVisibleAsOfAnyMoment() async throws {
        var fixture = try await DomainFixture.make()
        try await fixture.accept(
            by: "opvang",
            [
                .kpiReportersSet(KpiReportersSet(kpi: "homes", reporters: ["hoeksteen", "gemeente"])),
                .targetSet(TargetSet(kpi: "homes", from: Period("2026-Q1")!, until: nil, target: 12, red: 8)),
            ])
        let first = try await fixture.attempt(by: "hoeksteen", [DomainFixture.measurement("homes", "2026-Q1", "hoeksteen", 6)])
        let decided = try await fixture.attempt(
            by: "opvang",
            [
                .dialogueHeld(
                    DialogueHeld(
                        dialogue: "d1", chain: "hf", date: CalendarDate(2026, 4, 10)!, participants: [DomainFixture.director],
                        reviewedPosition: first.size,
                        decisions: [
                            Decision(
                                decision: "d1-more-homes", text: "Ask for more homes.", rationale: "Red in Q1.", decidedBy: DomainFixture.director,
                                evidence: Evidence(positions: [first.first], kpis: ["homes"]))
                        ],
                        actions: []))
            ])
        let late = try await fixture.attempt(by: "gemeente", [DomainFixture.measurement("homes", "2026-Q1", "gemeente", 4)])
        let corrected = try await fixture.attempt(
            by: "hoeksteen",
            [
                .measurementCorrected(
                    Measurement(
                        kpi: "homes", period: Period("2026-Q1")!, organisation: "hoeksteen", value: 7, status: .normal, source: "recount",
                        supersedes: first.first, reason: "one home counted in Q2"))
            ])

        let projector = try Ledgers.projector(fixture.store)
        try await projector.catchUp()
        let models = projector.readModels

        // As the dialogue knew it: Hoeksteen's 6 only, red. Now: 7 + 4 = 11, amber.
        let then = try #require(try await models.kpiTree(chain: "hf", asOf: .position(decided.first)).kpis.first { $0.kpi == "homes" })
        #expect(then.value == 6 && then.status == .red)
        let now = try #require(try await models.kpiTree(chain: "hf").kpis.first { $0.kpi == "homes" })
        #expect(now.value == 11 && now.status == .amber && now.corrections == 1)

        let audit = try await models.audit(decision: "d1-more-homes")
        let homes = try #require(audit.kpis.first { $0.kpi == "homes" })
        #expect(homes.then.value == 6 && homes.then.status == .red && homes.samePeriodNow == 11 && homes.samePeriodStatusNow == .amber)
        let correction = try #require(audit.corrections.first)
        #expect(audit.corrections.count == 1 && correction.kpi == "homes" && correction.period == "2026-Q1")
        #expect(correction.organisation == "hoeksteen" && correction.previousValue == 6 && correction.value == 7)
        #expect(correction.position == corrected.first && correction.reason == "one home counted in Q2")
        #expect(audit.late.map(\.position) == [late.first] && audit.late.first?.organisation == "gemeente")

        // Bitemporal: the same period, asked at three moments.
        let q1 = Period("2026-Q1")!
        #expect(try await models.value(kpi: "homes", period: q1, asOf: .position(decided.first)).value == 6)
        #expect(try await models.value(kpi: "homes", period: q1, asOf: .position(late.last + 1)).value == 10)
        let known = try await models.value(kpi: "homes", period: q1)
        #expect(known.value == 11 && known.rows.map(\.value).sorted() == [4, 7])
        let history = try await models.measurements(kpi: "homes")
        #expect(history.map(\.value) == [6, 4, 7] && history.first?.supersededAt == corrected.first)
        // As of a recorded time: the ledger's clock at the decision.
        let decisionTime = try await fixture.store.entries(from: decided.first, limit: 1).first!.recordedAt
        let atTime = try await models.value(kpi: "homes", period: q1, asOf: .time(decisionTime))
        #expect(atTime.value == 6 || atTime.value == 10 || atTime.value == 11, "recorded times are milliseconds apart here")
        #expect(try await models.resolve(.time(Timestamp(milliseconds: 0))).size == 0)
    }
}

/// `as_of` as people and tools write it.
struct AsOfArgumentTests {
    @Test func rfc3339TimesWithAnyOffsetReadAsTheSameInstant() {
        let utc = AsOf(argument: "2026-04-01T00:00:00Z")
        #expect(utc != nil)
        #expect(AsOf(argument: "2026-03-31T23:00:00-01:00") == utc)
        #expect(AsOf(argument: "2026-04-01T02:00:00+02:00") == utc)
        #expect(AsOf(argument: "2026-04-01t00:00:00z") == utc)
        #expect(AsOf(argument: "2026-04-01T00:20:45.000+00:20:45") == nil)
        #expect(AsOf(argument: "2026-04-01T00:00:00+24:00") == nil)
        #expect(AsOf(argument: "2026-04-01T00:00:00+0100") == nil)
        #expect(AsOf(argument: "2026-04-01T00:00:00") == nil)
        #expect(AsOf(argument: "139") == .position(139))
    }
}
