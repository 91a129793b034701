import ArgumentParser
import ChainDomain
import ChainPresentation
import ChainProjections
import Foundation
import LedgerCore

/// `--lang`: the language of what a command prints for people to read. JSON and CSV stay
/// language-neutral.
struct LanguageOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "nl or en for the text printed (default: from LC_ALL, LC_MESSAGES or LANG; English when they name neither).",
            valueName: "LANG"))
    var lang: Language?

    /// `--lang`, else the locale's language, else English (the language of the POSIX locale).
    var language: Language { lang ?? Self.ofEnvironment }

    /// The texts and formats of `language`.
    var text: CommandText { CommandText(language) }

    /// The language of `LC_ALL`, `LC_MESSAGES` or `LANG`; English when they name neither.
    static var ofEnvironment: Language { Language.of(environment: ProcessInfo.processInfo.environment) ?? .english }
}

/// A command whose text, refusals included, is printed in the language it was asked for.
protocol SpeaksLanguage {
    var languageOption: LanguageOption { get }
}

/// What a command prints for people, in one language: texts from the catalogue, numbers, days
/// and periods written as a reader of that language writes them.
struct CommandText: Sendable {
    let messages: MessageCatalogue
    let local: LocalFormat

    init(_ language: Language) {
        messages = .shipped(language)
        local = LocalFormat(messages)
    }

    var language: Language { messages.language }

    /// The ledger's own sentence (a refusal, an error) in this language.
    func say(_ phrase: Phrase) -> String { messages.say(phrase) }

    /// The text of `key`.
    subscript(key: String) -> String { messages[key] }

    /// The text of `key` with its `{name}`s filled in.
    func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String { messages.format(key, values) }

    /// A word of the domain's enums: `word("status_", "green")` is "groen" in Dutch.
    func word(_ prefix: String, _ value: String) -> String { messages.word(prefix, value) }

    /// A number with a decimal comma in Dutch, "–" for none.
    func number(_ value: Double?) -> String { local.number(value) }

    /// "yes" / "ja".
    func yesNo(_ value: Bool) -> String { messages[value ? "yes" : "no"] }

    /// The moment a read model answers for: "as of position 40 (recorded 31 March 2026 09:00
    /// UTC), day 31 March 2026".
    func moment(_ moment: Moment) -> String {
        if let recorded = moment.recordedAt {
            return self(
                "cli_moment", ["size": "\(moment.size)", "recorded": local.time(recorded), "day": local.day(moment.day)])
        }
        return self("cli_moment_no_time", ["size": "\(moment.size)", "day": local.day(moment.day)])
    }

    /// "  position 186 (…): gemeente-heuvelstad corrected … from 95.5 to 95.7 — reason".
    func correctionLine(_ correction: DecisionAudit.Correction) -> String {
        self(
            "cli_audit_correction",
            [
                "position": "\(correction.position)", "recorded": local.time(correction.recordedAt), "organisation": correction.organisation,
                "kpi": correction.kpi, "period": local.period(correction.period), "previous": number(correction.previousValue),
                "value": number(correction.value), "reason": correction.reason,
            ])
    }

    /// "  position 140 (…): stichting-opvang-heuvelstad intake-14d September 2025 = 80.5".
    func lateLine(_ late: MeasurementRow) -> String {
        self(
            "cli_audit_late_figure",
            [
                "position": "\(late.position)", "recorded": local.time(late.recordedAt), "organisation": late.organisation, "kpi": late.kpi,
                "period": local.period(late.period), "value": number(late.value),
            ])
    }

    /// An agenda's items, a line each: "  - what (the KPIs, agreements and actions it points at)".
    func agendaLines(_ items: [AgendaItem]) -> [String] {
        items.map { item in
            let refs = item.kpis + item.agreements + item.actions
            return "  - \(item.item)" + (refs.isEmpty ? "" : " (\(refs.joined(separator: ", ")))")
        }
    }
}
