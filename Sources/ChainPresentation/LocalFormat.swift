public import ChainDomain
public import ChainProjections
import Foundation
import LedgerCore

/// Numbers, days, times and periods as a reader of `language` writes them: "91,5 %",
/// "31 maart 2026", "1e kwartaal 2026" in Dutch; "91.5 %", "31 March 2026", "Q1 2026" in English.
/// Month and period names come from the catalogue.
public struct LocalFormat: Sendable {
    public let catalogue: MessageCatalogue

    public init(_ catalogue: MessageCatalogue) {
        self.catalogue = catalogue
    }

    public var language: Language { catalogue.language }

    /// At most two decimals, trailing zeros left off ("91,5", "8,75", "120"); "–" for no value.
    /// No thousands separators.
    public func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        var text = abs(value) < 1e15 ? String(format: "%.2f", value) : String(format: "%.0f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        return language == .dutch ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// `number` followed by its unit: "91,5 %", "118 dagen", "8,7".
    public func value(_ value: Double?, unit: String) -> String {
        guard value != nil, value?.isFinite == true else { return "–" }
        let unitText = unitName(unit)
        return unitText.isEmpty ? number(value) : number(value) + " " + unitText
    }

    /// A unit as the reader writes it: `%` stays, the catalogue's `unit_days` for `days`, the
    /// unit itself otherwise.
    public func unitName(_ unit: String) -> String {
        if unit == "%" || unit.isEmpty { return unit }
        return catalogue.messages["unit_" + unit] ?? unit
    }

    /// "31 maart 2026" / "31 March 2026".
    public func day(_ date: CalendarDate) -> String {
        let (year, month, day) = date.components
        return "\(day) \(catalogue["month_\(month)"]) \(year)"
    }

    /// A `YYYY-MM-DD` text as `day`, anything else as it is.
    public func day(_ text: String) -> String {
        CalendarDate(text).map(day) ?? text
    }

    /// An RFC 3339 time as "31 maart 2026 09:00 UTC"; anything else as it is.
    public func time(_ text: String) -> String {
        guard let time = Timestamp(rfc3339: text) else { return text }
        let day = Int64(86_400_000)
        let minutes = ((time.milliseconds % day) + day) % day / 60_000
        let clock = String(format: "%02d:%02d", minutes / 60, minutes % 60)
        return self.day(CalendarDate(dayOf: time)) + " " + clock + " UTC"
    }

    /// "maart 2026", "1e kwartaal 2026", "week 5 2026", "2e halfjaar 2026", "2026".
    public func period(_ period: Period) -> String {
        switch period.grain {
        case .year: "\(period.year)"
        case .month: "\(catalogue["month_\(period.index)"]) \(period.year)"
        default: catalogue.format("period_\(period.grain.rawValue)", ["n": "\(period.index)", "year": "\(period.year)"])
        }
    }

    /// A stored period text as `period`, anything else (such as "–") as it is.
    public func period(_ text: String?) -> String {
        guard let text else { return "–" }
        return Period(text).map(period) ?? text
    }
}

extension LocalFormat {
    /// A method-health warning in this language, from its rule's code and facts: days, periods,
    /// numbers, levels, cadences and roles written as the reader writes them.
    public func healthDetail(_ warning: MethodHealth.Warning) -> String {
        var facts = warning.facts
        for key in ["due", "last", "ended", "since"] {
            if let value = facts[key] { facts[key] = value.isEmpty ? catalogue["never"] : day(value) }
        }
        if let period = facts["period"] { facts["period"] = self.period(period) }
        for key in ["before", "after"] {
            if let value = facts[key].flatMap(Double.init) { facts[key] = number(value) }
        }
        if let red = facts["red"] { facts["red"] = red.components(separatedBy: ", ").map(self.period).joined(separator: ", ") }
        if let level = facts["level"] { facts["level"] = catalogue["level_" + level] }
        if let cadence = facts["cadence"] { facts["cadence"] = catalogue["cadence_" + cadence] }
        if let roles = facts["roles"] {
            facts["roles"] = roles.components(separatedBy: ", ").map { catalogue["brief_role_" + $0] }.joined(separator: ", ")
        }
        return catalogue.format("health_" + warning.code, facts)
    }

    /// The rule a method-health warning applies, in this language.
    public func healthRule(_ warning: MethodHealth.Warning) -> String {
        catalogue.format("rule_" + warning.code, warning.facts)
    }
}
