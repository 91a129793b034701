import ChainDomain
import ChainTestSupport
import Foundation
import LedgerConformance
import LedgerCore
import Testing

/// What new appends are screened for before the rules: text that displays as something else,
/// signing times far from the ledger's clock, commits over the ledger's limits, and figures for
/// periods that have not begun. Each refusal leaves the ledger unchanged and names the rule.
struct ScreeningTests {
    /// This month and the next, by the system clock the fixture's ledger runs on.
    static var thisMonth: Period { Period.containing(CalendarDate(dayOf: .now()), grain: .month)! }

    static func measurement(_ period: Period, note: String? = nil, kpi: String = "intake", value: Double = 90) -> ChainEvent {
        .measurementRecorded(
            Measurement(kpi: kpi, period: period, organisation: "opvang", value: value, status: .normal, source: "test", note: note))
    }

    @Test(arguments: [
        ("a NUL", "ploeg\u{0}voltallig", "U+0000 (NUL)"),
        ("a right-to-left override", "ploeg \u{202E}gidlatlov", "U+202E (right-to-left override)"),
        ("a first strong isolate", "\u{2068}ploeg", "U+2068 (first strong isolate)"),
        ("a carriage return", "ploeg\rvoltallig", "U+000D (carriage return)"),
        ("an escape", "\u{1B}[31mrood", "U+001B (escape)"),
        ("a C1 control", "ploeg\u{85}", "U+0085 (a control character)"),
        ("a right-to-left mark", "ploeg\u{200F}", "U+200F (right-to-left mark)"),
    ])
    func textThatDisplaysAsSomethingElseIsRefused(_ name: String, _ note: String, _ named: String) async throws {
        var fixture = try await DomainFixture.make()
        let error = try await fixture.refuse(by: "opvang", [Self.measurement(Self.thisMonth, note: note)])
        #expect("\(error)".contains("field \"note\": \(named) is not allowed in text"), "\(name): \(error)")
    }

    @Test func tabsLineFeedsAndAnyLetterAreText() async throws {
        var fixture = try await DomainFixture.make()
        try await fixture.accept(by: "opvang", [Self.measurement(Self.thisMonth, note: "ploeg\tvoltallig\nצוות 👩‍⚕️ é")])
    }

    @Test func escapedControlsInRawJSONAreFoundWhereverTheyAre() {
        let cases: [(String, String?, UInt32)] = [
            (#"{"a":"x\u0000"}"#, "a", 0x00),
            (#"{"a":{"b":["ok","\u202e"]}}"#, "b", 0x202E),
            (#"{"a":"\\u0000","b":"\u202E"}"#, "b", 0x202E),
            (#"{"a\u0007":1}"#, "a\u{7}", 0x07),
            ("{\"a\":\"\u{2066}\"}", "a", 0x2066),
        ]
        for (json, field, scalar) in cases {
            let found = PlainText.firstRefused(in: ArraySlice(Array(json.utf8)))
            #expect(found?.field == field && found?.scalar == scalar, "\(json): \(String(describing: found))")
        }
        for json in [#"{"a":"\\u0000 \\r"}"#, #"{"a":"\ud83d\ude00","b":"\t\n"}"#, #"{"a":"\"\u202"#, "{\"a\":\"\u{E9}\u{1F600}\"}"] {
            #expect(PlainText.firstRefused(in: ArraySlice(Array(json.utf8))) == nil, "\(json)")
        }
    }

    @Test func aFigureForAPeriodThatHasNotBegunIsRefused() async throws {
        var fixture = try await DomainFixture.make()
        let next = Self.thisMonth.next!
        let error = try await fixture.refuse(by: "opvang", [Self.measurement(next)])
        #expect(
            error
                == .ruleViolation(
                    index: 0, rule: "period-has-begun",
                    detail: "period \(next) begins on \(next.days.lowerBound); a figure is recorded once its period has begun "
                        + "(the ledger's clock says \(CalendarDate(dayOf: .now())))"), "\(error)")
        let year = Period(grain: .year, year: Self.thisMonth.year + 1, index: 1)!
        _ = try await fixture.refuse(by: "opvang", [Self.measurement(Period(grain: .month, year: year.year, index: 1)!)])
        // The month under way may be reported (a provisional figure), and targets may lie ahead.
        try await fixture.accept(by: "opvang", [Self.measurement(Self.thisMonth)])
        try await fixture.accept(
            by: "opvang",
            [.targetSet(TargetSet(kpi: "intake", from: Period(grain: .month, year: year.year + 1, index: 1)!, until: nil, target: 95, red: 80))])
    }

    @Test func aSigningTimeFarFromTheLedgersClockIsRefused() async throws {
        let fixture = try await DomainFixture.make()
        let time = ManualTime(Timestamp.now())
        let ledger = try await Ledger(
            store: fixture.store, domain: ChainRules(), checkpointKey: fixture.coalition.checkpointKey, clock: .manual(time),
            limits: AdmissionLimits(clockSkew: 3_600_000))
        var factory = EventFactory(versions: [Self.measurement(Self.thisMonth).stream: 0])
        let lines = try factory.lines([Self.measurement(Self.thisMonth)])
        let before = try await fixture.fingerprint()
        for signed in ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", Timestamp(milliseconds: time.current.milliseconds + 3_600_001).description] {
            let commit = fixture.coalition.sign(by: "opvang", lines, time: Timestamp(rfc3339: signed)!)
            await #expect {
                _ = try await ledger.append(commit)
            } throws: { error in
                guard case .refusedCommit(let rule, let detail) = error as? LedgerError else { return false }
                return rule == "signing-time" && detail.description.contains("signed at \(Timestamp(rfc3339: signed)!)")
                    && detail.description.contains("at most 1 hours")
            }
            #expect(try await fixture.fingerprint() == before)
        }
        _ = try await ledger.append(
            fixture.coalition.sign(by: "opvang", lines, time: Timestamp(milliseconds: time.current.milliseconds - 3_500_000)))
    }

    @Test func commitsOverTheLedgersLimitsAreRefused() async throws {
        let fixture = try await DomainFixture.make()
        let ledger = try await Ledger(
            store: fixture.store, domain: ChainRules(), checkpointKey: fixture.coalition.checkpointKey,
            limits: AdmissionLimits(commitBytes: 2_000, eventsPerCommit: 2))
        let months = (0..<3).map { Period(grain: .month, year: 2020, index: $0 + 1)! }
        var factory = EventFactory(versions: Dictionary(uniqueKeysWithValues: months.map { (Self.measurement($0).stream, UInt64(0)) }))
        let three = try factory.lines(months.map { Self.measurement($0) })
        let long = try factory.lines([Self.measurement(months[0], note: String(repeating: "x", count: 2_000))])
        let before = try await fixture.fingerprint()
        for (lines, rule) in [(three, "events-per-commit"), (long, "commit-size")] {
            await #expect {
                _ = try await ledger.append(fixture.coalition.sign(by: "opvang", lines))
            } throws: { error in
                guard case .refusedCommit(let refused, let detail) = error as? LedgerError else { return false }
                return refused == rule && detail.description.contains("split it")
            }
        }
        #expect(try await fixture.fingerprint() == before)
        _ = try await ledger.append(fixture.coalition.sign(by: "opvang", Array(three.prefix(2))))
    }
}
