import ChainDomain
import Testing

@testable import ChainPresentation

/// Dutch and English as each writes numbers, days, times and periods.
struct LocalFormatTests {
    let dutch = LocalFormat(.shipped(.dutch))
    let english = LocalFormat(.shipped(.english))

    @Test func numbersHaveADecimalCommaInDutch() {
        #expect(dutch.value(91.5, unit: "%") == "91,5 %")
        #expect(english.value(91.5, unit: "%") == "91.5 %")
        #expect(dutch.value(118, unit: "days") == "118 dagen")
        #expect(dutch.number(8.75) == "8,75")
        #expect(dutch.number(-0.001) == "0")
        #expect(dutch.number(nil) == "–" && dutch.number(.nan) == "–")
        #expect(dutch.number(1234567) == "1234567", "no thousands separator")
    }

    @Test func daysTimesAndPeriodsAreWrittenOut() throws {
        #expect(dutch.day(try #require(CalendarDate(2026, 3, 31))) == "31 maart 2026")
        #expect(english.day("2026-03-31") == "31 March 2026")
        #expect(dutch.time("2026-03-31T09:05:00.000Z") == "31 maart 2026 09:05 UTC")
        #expect(dutch.period("2026-Q1") == "1e kwartaal 2026")
        #expect(english.period("2026-Q1") == "Q1 2026")
        #expect(dutch.period("2026-W05") == "week 5 2026")
        #expect(dutch.period("2026-03") == "maart 2026")
        #expect(dutch.period("2026-H2") == "2e halfjaar 2026")
        #expect(dutch.period("2026") == "2026")
        #expect(dutch.period("not a period") == "not a period" && dutch.period(nil) == "–")
    }

    @Test func theLanguageComesFromTheHeaderOrTheLocale() {
        #expect(Language.preferred(acceptLanguage: nil) == .dutch)
        #expect(Language.preferred(acceptLanguage: "en-GB,en;q=0.9,nl;q=0.8") == .english)
        #expect(Language.preferred(acceptLanguage: "de-DE, nl;q=0.5, en;q=0.4") == .dutch)
        #expect(Language.preferred(acceptLanguage: "fr, de") == .dutch)
        #expect(Language.preferred(acceptLanguage: "nl;q=0, en") == .english)
        #expect(Language.of(localeSetting: "nl_NL.UTF-8") == .dutch)
        #expect(Language.of(localeSetting: "C.UTF-8") == .english)
        #expect(Language.of(localeSetting: "de_DE") == nil && Language.of(localeSetting: "") == nil)
        #expect(Language.of(environment: ["LC_ALL": "", "LC_MESSAGES": "nl_NL.UTF-8", "LANG": "en_GB.UTF-8"]) == .dutch)
        #expect(Language.of(environment: ["LC_ALL": "C", "LANG": "nl_NL.UTF-8"]) == .english)
        #expect(Language.of(environment: ["LANG": "de_DE"]) == nil && Language.of(environment: [:]) == nil)
    }
}
