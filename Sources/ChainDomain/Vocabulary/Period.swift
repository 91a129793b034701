import Foundation
public import LedgerCore

/// How finely a KPI is measured.
public enum Grain: String, Sendable, Codable, CaseIterable, Comparable {
    case week, month, quarter
    case halfYear = "half-year"
    case year

    /// Rough length in days, for staleness and ordering.
    public var days: Int {
        switch self {
        case .week: 7
        case .month: 31
        case .quarter: 92
        case .halfYear: 183
        case .year: 366
        }
    }

    public static func < (lhs: Grain, rhs: Grain) -> Bool { lhs.days < rhs.days }
}

/// A measurement period: a year, half-year, quarter, month or ISO week.
///
/// Accepted spellings: ISO-like `2026`, `2026-H1`, `2026-Q1`, `2026-03`, `2026-W05`, and the codes of
/// the Dutch statistics office (CBS) that municipal exports use: `2026JJ00`, `2026HJ01`, `2026KW01`,
/// `2026MM03`. Stored in the ISO-like canonical form.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let grain: Grain
    public let year: Int
    /// 1-based index within the year (always 1 for a year).
    public let index: Int

    public init?(grain: Grain, year: Int, index: Int) {
        guard (1900...2999).contains(year), index >= 1, index <= Self.count(of: grain, in: year) else { return nil }
        self.grain = grain
        self.year = year
        self.index = index
    }

    /// Parses any accepted spelling.
    public init?(_ text: String) {
        if let canonical = Self.canonical(text) {
            self = canonical
            return
        }
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        let bytes = Array(upper.utf8)
        guard bytes.count >= 4, let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)),
            bytes[0..<4].allSatisfy({ (48...57).contains($0) })
        else { return nil }
        let rest = String(decoding: bytes[4...], as: UTF8.self)
        func number(_ text: Substring, digits: Int) -> Int? {
            guard text.count == digits, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else { return nil }
            return Int(text)
        }
        if rest.isEmpty || rest == "JJ00" {
            self.init(grain: .year, year: year, index: 1)
            return
        }
        guard let spelling = Self.spellings.first(where: { rest.hasPrefix($0.prefix) }),
            let index = number(rest.dropFirst(spelling.prefix.count), digits: spelling.digits)
        else { return nil }
        self.init(grain: spelling.grain, year: year, index: index)
    }

    /// What may follow the year, first match first: the prefix, the grain it stands for and the
    /// digits of the index (`2026-H1`, `2026HJ01`, `2026-Q1`, `2026KW01`, `2026-W05`, `2026MM03`, `2026-03`).
    private static let spellings: [(prefix: String, grain: Grain, digits: Int)] = [
        ("-H", .halfYear, 1), ("HJ", .halfYear, 2), ("-Q", .quarter, 1), ("KW", .quarter, 2), ("-W", .week, 2), ("MM", .month, 2),
        ("-", .month, 2),
    ]

    /// The period `text` spells in its canonical form, read straight from its bytes (the common
    /// case when reading a log); `nil` for any other spelling.
    static func canonical(_ text: String) -> Period? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> Period? in
            func digit(_ at: Int) -> Int? {
                let byte = bytes[at]
                return byte >= 48 && byte <= 57 ? Int(byte - 48) : nil
            }
            guard bytes.count >= 4, let a = digit(0), let b = digit(1), let c = digit(2), let d = digit(3) else { return nil }
            let year = a * 1000 + b * 100 + c * 10 + d
            switch bytes.count {
            case 4: return Period(grain: .year, year: year, index: 1)
            case 7 where bytes[4] == UInt8(ascii: "-"):
                if bytes[5] == UInt8(ascii: "Q"), let quarter = digit(6) { return Period(grain: .quarter, year: year, index: quarter) }
                if bytes[5] == UInt8(ascii: "H"), let half = digit(6) { return Period(grain: .halfYear, year: year, index: half) }
                if let tens = digit(5), let units = digit(6) { return Period(grain: .month, year: year, index: tens * 10 + units) }
                return nil
            case 8 where bytes[4] == UInt8(ascii: "-") && bytes[5] == UInt8(ascii: "W"):
                guard let tens = digit(6), let units = digit(7) else { return nil }
                return Period(grain: .week, year: year, index: tens * 10 + units)
            default: return nil
            }
        } ?? nil
    }

    /// The canonical spelling.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        switch grain {
        case .year: return "\(year)"
        case .halfYear: return "\(year)-H\(index)"
        case .quarter: return "\(year)-Q\(index)"
        case .month: return "\(year)-\(two(index))"
        case .week: return "\(year)-W\(two(index))"
        }
    }

    /// Number of periods of `grain` in `year` (ISO years have 52 or 53 weeks).
    public static func count(of grain: Grain, in year: Int) -> Int {
        switch grain {
        case .year: 1
        case .halfYear: 2
        case .quarter: 4
        case .month: 12
        case .week: CalendarDate.isoWeeks(in: year)
        }
    }

    /// The first and last day of the period.
    public var days: ClosedRange<CalendarDate> {
        switch grain {
        case .year: return CalendarDate(year, 1, 1)!...CalendarDate(year, 12, 31)!
        case .halfYear:
            return index == 1 ? CalendarDate(year, 1, 1)!...CalendarDate(year, 6, 30)! : CalendarDate(year, 7, 1)!...CalendarDate(year, 12, 31)!
        case .quarter:
            let first = CalendarDate(year, (index - 1) * 3 + 1, 1)!
            return first...first.addingMonths(3).addingDays(-1)
        case .month:
            let first = CalendarDate(year, index, 1)!
            return first...first.addingMonths(1).addingDays(-1)
        case .week:
            let first = CalendarDate.isoWeekOne(of: year).addingDays((index - 1) * 7)
            return first...first.addingDays(6)
        }
    }

    /// The period after this one, of the same grain; nil after the last period of 2999.
    public var next: Period? {
        index < Self.count(of: grain, in: year)
            ? Period(grain: grain, year: year, index: index + 1) : Period(grain: grain, year: year + 1, index: 1)
    }

    /// The period before this one, of the same grain; nil before the first period of 1900.
    public var previous: Period? {
        index > 1
            ? Period(grain: grain, year: year, index: index - 1) : Period(grain: grain, year: year - 1, index: Self.count(of: grain, in: year - 1))
    }

    /// The period of `grain` that contains `date`; nil for a date outside the years periods
    /// can name (1900 to 2999): an `as_of` far ahead, say.
    public static func containing(_ date: CalendarDate, grain: Grain) -> Period? {
        switch grain {
        case .year: return Period(grain: .year, year: date.year, index: 1)
        case .halfYear: return Period(grain: .halfYear, year: date.year, index: date.month <= 6 ? 1 : 2)
        case .quarter: return Period(grain: .quarter, year: date.year, index: (date.month - 1) / 3 + 1)
        case .month: return Period(grain: .month, year: date.year, index: date.month)
        case .week:
            guard (1899...3000).contains(date.year) else { return nil }
            var year = date.year + 1
            while CalendarDate.isoWeekOne(of: year) > date { year -= 1 }
            let offset = CalendarDate.isoWeekOne(of: year).distance(to: date)
            return Period(grain: .week, year: year, index: offset / 7 + 1)
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.days.lowerBound, lhs.grain) < (rhs.days.lowerBound, rhs.grain)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let period = Period(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a period"))
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar day (`2026-03-01`), without time or zone.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public let day: Int

    /// The day `year`-`month`-`day` of the proleptic Gregorian calendar; `nil` when there is no such day.
    public init?(_ year: Int, _ month: Int, _ day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.day = Int(Timestamp.days(fromCivil: Int64(year), Int64(month), Int64(day)))
    }

    public init(daysSince1970 day: Int) {
        self.day = day
    }

    /// The day (UTC) `time` falls on. The domain reads no clock: the interfaces pass the time they mean.
    public init(dayOf time: Timestamp) {
        self.day = Int(Timestamp.days(containing: time.milliseconds))
    }

    /// Parses `YYYY-MM-DD`: four, two and two ASCII digits (no sign), the spelling `description`
    /// gives back.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year, month, day)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let (year, month, day) = Timestamp.civil(fromDays: Int64(day))
        return (Int(year), Int(month), Int(day))
    }

    public var year: Int { components.year }
    public var month: Int { components.month }

    /// ISO weekday, 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((day % 7) + 7 + 3) % 7 + 1 }

    public func addingDays(_ count: Int) -> CalendarDate { CalendarDate(daysSince1970: day + count) }

    public func addingMonths(_ count: Int) -> CalendarDate {
        let (year, month, day) = components
        let total = year * 12 + (month - 1) + count
        let newYear = total / 12
        let newMonth = total % 12 + 1
        return CalendarDate(newYear, newMonth, min(day, Self.daysIn(month: newMonth, year: newYear)))!
    }

    public func distance(to other: CalendarDate) -> Int { other.day - day }

    /// `YYYY-MM-DD`, the year in four digits (years before 1000 too, so that the text reads back).
    public var description: String {
        let (year, month, day) = components
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let digits = String(year)
        let paddedYear = year < 0 ? digits : String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return "\(paddedYear)-\(two(month))-\(two(day))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.day < rhs.day }

    static func daysIn(month: Int, year: Int) -> Int {
        Int(Timestamp.daysIn(month: Int64(month), year: Int64(year)))
    }

    /// The Monday of ISO week 1 (the week with the year's first Thursday).
    static func isoWeekOne(of year: Int) -> CalendarDate {
        let january4 = CalendarDate(year, 1, 4)!
        return january4.addingDays(1 - january4.weekday)
    }

    static func isoWeeks(in year: Int) -> Int {
        isoWeekOne(of: year).distance(to: isoWeekOne(of: year + 1)) / 7
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a date (YYYY-MM-DD)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
