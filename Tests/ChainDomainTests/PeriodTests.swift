import ChainDomain
import LedgerCore
import Testing

struct PeriodTests {
    @Test(arguments: [
        ("2026", "2026"), ("2026JJ00", "2026"), ("2026-H2", "2026-H2"), ("2026HJ02", "2026-H2"),
        ("2026-Q1", "2026-Q1"), ("2026KW01", "2026-Q1"), ("2026-03", "2026-03"), ("2026MM03", "2026-03"),
        ("2026-W05", "2026-W05"), ("2026-w05", "2026-W05"), (" 2026MM12 ", "2026-12"), ("2026-W53", "2026-W53"),
    ])
    func spellingsParseToOneCanonicalForm(_ text: String, _ canonical: String) {
        #expect(Period(text)?.description == canonical)
    }

    @Test(arguments: [
        "", "26", "2026-13", "2026MM13", "2026-Q5", "2026KW05", "2026-H3", "2025-W53", "2026-3", "2026/03", "abcd", "2026JJ01", "2026-00",
    ])
    func malformedPeriodsAreRefused(_ text: String) {
        #expect(Period(text) == nil)
    }

    @Test func periodsKnowTheirDaysAndNeighbours() {
        let february = Period("2024-02")!
        #expect(february.days.lowerBound.description == "2024-02-01" && february.days.upperBound.description == "2024-02-29")
        #expect(Period("2026-Q4")!.next?.description == "2027-Q1")
        #expect(Period("2026-01")!.previous?.description == "2025-12")
        #expect(Period("2026-W01")!.days.lowerBound.description == "2025-12-29")
        #expect(Period("2021-W01")!.previous?.description == "2020-W53")
        // At the edges of the years periods can name, and for dates beyond them, there is no period.
        #expect(Period("2999-12")!.next == nil && Period("1900-01")!.previous == nil && Period("2999-W52")!.next == nil)
        #expect(Period.containing(CalendarDate(6269, 7, 24)!, grain: .month) == nil)
        #expect(Period.containing(CalendarDate(6269, 7, 24)!, grain: .week) == nil)
        #expect(Period.containing(CalendarDate(2027, 1, 1)!, grain: .week)?.description == "2026-W53")
        #expect(Period.containing(CalendarDate(2026, 8, 15)!, grain: .quarter)?.description == "2026-Q3")
        #expect(Period("2026-03")! < Period("2026-04")!)
    }

    @Test func datesParseStrictly() {
        #expect(CalendarDate("2026-02-28")?.description == "2026-02-28")
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2026-2-28") == nil)
        #expect(CalendarDate(2026, 3, 1)!.addingMonths(-1).description == "2026-02-01")
        #expect(CalendarDate(2026, 1, 31)!.addingMonths(1).description == "2026-02-28")
    }

    /// A date reads back from its own spelling, years before 1000 included ("0925-12-31" was
    /// written "925-12-31", which no longer read).
    @Test(arguments: ["2026-03-01", "0925-12-31", "0001-01-01", "0000-02-29", "9999-12-31"])
    func datesReadBackTheirSpelling(_ text: String) {
        let date = CalendarDate(text)
        #expect(date?.description == text)
        #expect(date.flatMap { CalendarDate($0.description) } == date)
    }

    /// Signs, spaces and other digits are not part of a date's spelling ("+202-03-01" read as the
    /// year 202).
    @Test(arguments: ["+202-03-01", "-202-03-01", "2026-+3-01", "2026-03-+1", " 202-03-01", "2026-03-01 ", "２０２６-03-01", "2026-0301-"])
    func datesWithOtherCharactersAreRefused(_ text: String) {
        #expect(CalendarDate(text) == nil)
    }

    /// The day of a recorded time is the UTC day that holds it, before 1970 too.
    @Test(arguments: [
        ("2026-03-01T00:00:00.000Z", "2026-03-01"), ("2026-03-01T23:59:59.999Z", "2026-03-01"),
        ("2024-02-29T12:00:00Z", "2024-02-29"), ("1970-01-01T00:00:00Z", "1970-01-01"), ("1969-12-31T23:59:59.999Z", "1969-12-31"),
    ])
    func theDayOfATimeIsItsUTCDay(_ time: String, _ day: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: time))
        #expect(CalendarDate(dayOf: timestamp).description == day)
        #expect(CalendarDate(day)?.day == CalendarDate(dayOf: timestamp).day)
    }
}
