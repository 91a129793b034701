import ChainDomain
import ChainProjections
import GRDB
import LedgerCore
import LedgerSQLite
import Testing

/// The brief for a chain's next performance dialogue compares the ledger now with what the
/// previous dialogue reviewed.
struct DialogueBriefTests {
    @Test func theBriefComparesWithWhatThePreviousDialogueReviewed() async throws {
        let models = try await ReadModelTests.housingFirst.projector.readModels
        let brief = try await models.brief(chain: "street-to-home", asOf: .time(Timestamp(rfc3339: "2026-03-14T12:00:00Z")!))
        let previous = try #require(brief.previous)
        #expect(previous.dialogue == "hf-dialogue-2026-01" && previous.heldOn == "2026-02-15")
        #expect(previous.reviewed.size == 191 && brief.since == previous.reviewed, "the sample's dialogue reviewed 191 entries")

        // Status changes are exactly the KPIs whose status differs between the two trees.
        let then = try await models.kpiTree(chain: "street-to-home", asOf: .moment(previous.reviewed))
        let now = try await models.kpiTree(chain: "street-to-home", asOf: .moment(brief.moment))
        let changed = now.kpis.filter { kpi in (then.kpis.first { $0.kpi == kpi.kpi }?.status ?? .noData) != kpi.status }
        #expect(brief.statusChanges.map(\.kpi) == changed.map(\.kpi))
        #expect(Set(brief.statusChanges.map(\.kpi)) == ["debt-plan-3m", "income-before-move-in"])
        let debt = try #require(brief.statusChanges.first { $0.kpi == "debt-plan-3m" })
        #expect(debt.before == .amber && debt.now == .green && debt.periodBefore == "2026-01" && debt.periodNow == "2026-02")

        // Red first, then amber; nothing else.
        #expect(brief.attention.map(\.kpi) == (now.kpis.filter { $0.status == .red } + now.kpis.filter { $0.status == .amber }).map(\.kpi))
        #expect(!brief.attention.isEmpty && brief.attention.allSatisfy { $0.status == .red || $0.status == .amber })

        // Corrections and late figures fall between the review and the moment.
        #expect(brief.corrections.map(\.kpi).contains("income-before-move-in"))
        #expect(brief.corrections.allSatisfy { $0.position >= previous.reviewed.size && $0.position < brief.moment.size })
        for late in brief.late {
            #expect(late.position >= previous.reviewed.size && late.position < brief.moment.size && late.supersedes == nil)
            #expect(try #require(Period(late.period)).days.upperBound < previous.reviewed.day, "\(late.kpi) \(late.period)")
        }
        #expect(brief.actions.allSatisfy { $0.doneOn == nil })
        for missed in brief.missedObligations {
            #expect(missed.result != "met" && (Period(missed.period)?.days.upperBound ?? .today) >= previous.reviewed.day)
        }

        // The owner first, then everyone with a step, a KPI or an obligation in the chain.
        let responsibilities = try await models.responsibilities(chain: "street-to-home", asOf: .moment(brief.moment))
        let owner = try #require(responsibilities.chains.first?.owner?.owner.organisation)
        #expect(brief.participants.first?.organisation == owner && brief.participants.first?.roles.first == "owner")
        let profile = try await models.chainProfile(chain: "street-to-home", asOf: .moment(brief.moment))
        let organisations = Set(brief.participants.map(\.organisation))
        #expect(Set(profile.steps.map(\.organisation)).isSubset(of: organisations))
        #expect(Set(now.kpis.flatMap(\.reporters)).isSubset(of: organisations))
        #expect(Set(brief.participants.map(\.organisation)).count == brief.participants.count, "each organisation once")
    }

    @Test func beforeTheFirstDialogueTheBriefComparesWithTheEmptyLedger() async throws {
        let models = try await ReadModelTests.housingFirst.projector.readModels
        let dialogues = try await models.dialogues(chain: "street-to-home", asOf: .position(140)).chains.first
        #expect(dialogues?.dialogues.isEmpty == false, "the sample held its first dialogue by 140")
        var first: UInt64 = 140
        while first > 0, try await !models.dialogues(chain: "street-to-home", asOf: .position(first - 1)).chains[0].dialogues.isEmpty {
            first -= 1
        }
        let brief = try await models.brief(chain: "street-to-home", asOf: .position(first - 1))
        #expect(brief.previous == nil && brief.since.size == 0 && brief.late.isEmpty)
        #expect(brief.participants.allSatisfy { !$0.atPrevious })
        let tree = try await models.kpiTree(chain: "street-to-home", asOf: .position(first - 1))
        #expect(brief.statusChanges.map(\.kpi) == tree.kpis.filter { $0.status != .noData }.map(\.kpi))
    }

    /// Between a preparation and the dialogue that follows it, the brief shows that agenda; once the
    /// dialogue has cited it, no longer. For every prepared dialogue of the sample.
    @Test func theBriefShowsTheAgendaSignedForTheNextDialogue() async throws {
        let projector = try await ReadModelTests.housingFirst.projector
        let models = projector.readModels
        let pairs = try await projector.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.preparation, p.valid_from AS prepared, d.valid_from AS held FROM dialogue_preparations p
                    JOIN dialogues d ON d.preparation = p.preparation ORDER BY p.valid_from
                    """
            )
            .map { (preparation: $0["preparation"] as String, prepared: UInt64($0["prepared"] as Int64), held: UInt64($0["held"] as Int64)) }
        }
        #expect(pairs.count >= 10, "the sample prepares its dialogues")
        for pair in pairs {
            let before = try await models.brief(chain: "street-to-home", asOf: .position(pair.prepared + 1))
            #expect(before.nextAgenda?.preparation == pair.preparation, "\(pair.preparation) after it was signed")
            #expect(before.nextAgenda?.items.isEmpty == false && before.nextAgenda?.position == pair.prepared)
            let after = try await models.brief(chain: "street-to-home", asOf: .position(pair.held + 1))
            #expect(after.nextAgenda == nil, "\(pair.preparation) after its dialogue")
            #expect(after.previous?.reviewed.size ?? 0 > pair.prepared, "the dialogue reviewed the ledger with its agenda in it")
        }
    }

    /// Only a version every party signed binds: just before the second quarter's dialogue the
    /// brief lists the quarter's missed obligations of the towns that signed, none of the three
    /// that declined, and after their amendment none of the housing they no longer promise.
    @Test func aDeclinedAgreementPromisesNothingInTheBrief() async throws {
        let store = try await Ledgers.sample("reentry")
        let projector = try Ledgers.projector(store)
        try await projector.catchUp()
        let held = try await store.entries(stream: "dialogue/reentry-dialogue-2025-q2", fromVersion: 1, limit: 1)
        let heldAt = try #require(held.first?.position)
        let declined: Set<String> = ["reentry-kerkdriel", "reentry-moerdal", "reentry-zeedijk"]

        let before = try await projector.readModels.brief(chain: "release-to-participation", asOf: .position(heldAt))
        #expect(before.previous?.dialogue == "reentry-dialogue-2025-q1")
        #expect(before.missedObligations.contains { $0.period == "2025-Q2" }, "the towns that signed missed some of the quarter")
        #expect(before.missedObligations.allSatisfy { !declined.contains($0.agreement) })

        let next = try await store.entries(stream: "dialogue/reentry-dialogue-2025-q3", fromVersion: 1, limit: 1)
        let after = try await projector.readModels.brief(chain: "release-to-participation", asOf: .position(try #require(next.first?.position)))
        #expect(after.previous?.dialogue == "reentry-dialogue-2025-q2")
        #expect(after.missedObligations.contains { declined.contains($0.agreement) } || after.missedObligations.contains { $0.period == "2025-Q3" })
        #expect(after.missedObligations.allSatisfy { !declined.contains($0.agreement) || $0.kpi != "housing-at-release" })
    }

    /// Before each Housing First dialogue the brief compares with what the previous one reviewed and
    /// lists exactly what the log holds between the two: every correction and late figure (read from
    /// the log itself, not the projections), the status changes between the two KPI trees, and the
    /// sample's story, each in the one brief it belongs to.
    @Test func beforeEachDialogueTheBriefListsExactlyWhatChangedSinceThePreviousOne() async throws {
        let store = try await ReadModelTests.housingFirst.store
        let models = try await ReadModelTests.housingFirst.projector.readModels
        let log = try await store.entries(from: 0, limit: Int(try await store.size()))
        // The chain domain's events (the genesis and the coalition's founding are the ledger core's).
        let events = try log.filter { ChainEventType(rawValue: $0.type) != nil }.map {
            (position: $0.position, event: try ChainEvent.decode(try $0.entry().event))
        }
        let held = events.compactMap { entry -> (position: UInt64, dialogue: DialogueHeld)? in
            // The chain's own dialogues: the steering group and Hoeksteen's letting team meet at the other levels.
            guard case .dialogueHeld(let dialogue) = entry.event, dialogue.chain == "street-to-home", dialogue.level == .chain else { return nil }
            return (entry.position, dialogue)
        }
        #expect(held.count == 23, "two years of monthly dialogues but the summer holiday of 2026")

        var story: [String: [String]] = [:] // what the story puts in a brief → the dialogues whose brief lists it
        for (index, next) in held.enumerated() {
            let brief = try await models.brief(chain: "street-to-home", asOf: .position(next.position))
            let previous = index > 0 ? held[index - 1].dialogue : nil
            #expect(brief.previous?.dialogue == previous?.dialogue, "\(next.dialogue.dialogue)")
            #expect(brief.since.size == previous?.reviewedPosition ?? 0 && brief.moment.size == next.position)

            // Corrections and late figures, from the log.
            let kpis = Set(try await models.kpiTree(chain: "street-to-home", asOf: .moment(brief.moment)).kpis.map(\.kpi))
            let between = events.filter { $0.position >= brief.since.size && $0.position < next.position }
            let corrected = between.compactMap { entry -> String? in
                guard case .measurementCorrected(let value) = entry.event, kpis.contains(value.kpi) else { return nil }
                return "\(value.kpi) \(value.period) \(value.organisation)"
            }
            #expect(brief.corrections.map { "\($0.kpi) \($0.period) \($0.organisation)" } == corrected, "\(next.dialogue.dialogue)")
            let late = between.compactMap { entry -> String? in
                guard case .measurementRecorded(let value) = entry.event, kpis.contains(value.kpi), let review = brief.previous?.reviewed.day,
                    value.period.days.upperBound < review
                else { return nil }
                return "\(value.kpi) \(value.period) \(value.organisation)"
            }
            #expect(brief.late.map { "\($0.kpi) \($0.period) \($0.organisation)" } == late, "\(next.dialogue.dialogue)")

            // Status changes: exactly the KPIs whose status differs between the two trees.
            // (Before the first dialogue the comparison is with the empty ledger, which holds no chain.)
            let then = index == 0 ? [] : try await models.kpiTree(chain: "street-to-home", asOf: .moment(brief.since)).kpis
            let now = try await models.kpiTree(chain: "street-to-home", asOf: .moment(brief.moment)).kpis
            let changed = now.filter { kpi in (then.first { $0.kpi == kpi.kpi }?.status ?? .noData) != kpi.status }.map(\.kpi)
            #expect(brief.statusChanges.map(\.kpi) == changed, "\(next.dialogue.dialogue)")

            func told(_ item: String, _ listed: Bool) { if listed { story[item, default: []].append(next.dialogue.dialogue) } }
            told("intake corrected for 2025-10", brief.corrections.contains { $0.kpi == "intake-14d" && $0.period == "2025-10" })
            told(
                "Rivierland missed its homes in 2025-Q3",
                brief.missedObligations.contains { $0.party == "woonbedrijf-rivierland" && $0.period == "2025-Q3" && $0.value == 2 })
            told("the extra homes asked of Hoeksteen", brief.actions.contains { $0.action == "hf-2025-10-ask-hoeksteen" })
            told("the rent guarantee scheme kept", brief.commitments.contains { $0.commitment == "rent-guarantee-scheme" && $0.result == "kept" })
            told("its 2026 extension missed", brief.commitments.contains { $0.commitment == "rent-guarantee-2026" && $0.result == "missed" })
            told("the shelter at the head of the table", brief.participants.first?.organisation == "stichting-opvang-heuvelstad")
        }
        #expect(story["intake corrected for 2025-10"] == ["hf-dialogue-2025-12"])
        #expect(story["Rivierland missed its homes in 2025-Q3"] == ["hf-dialogue-2025-09"])
        #expect(story["the extra homes asked of Hoeksteen"] == ["hf-dialogue-2025-10", "hf-dialogue-2025-11"])
        #expect(story["the rent guarantee scheme kept"] == ["hf-dialogue-2025-03"])
        #expect(story["its 2026 extension missed"] == ["hf-dialogue-2026-02"])
        #expect(story["the shelter at the head of the table"] == held.prefix(15).map(\.dialogue.dialogue), "until ownership moves in March 2026")
    }

    @Test func anUnknownChainIsNamed() async throws {
        let models = try await ReadModelTests.housingFirst.projector.readModels
        do {
            _ = try await models.brief(chain: "nope")
            Issue.record("a brief for a chain that does not exist")
        } catch let error as ReadModelError {
            #expect(error.code == "no-chain" && error.facts["chain"] == "nope")
        }
    }
}
