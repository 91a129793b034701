import Foundation

/// The languages the dashboard and the command line speak: Dutch first, English too. JSON and
/// CSV stay language-neutral.
public enum Language: String, Sendable, CaseIterable, Codable {
    case dutch = "nl"
    case english = "en"

    /// The language for an HTTP `Accept-Language` header: the first of ours by weight (`q`),
    /// Dutch when the header names neither (the coalitions are Dutch).
    public static func preferred(acceptLanguage header: String?) -> Language {
        guard let header else { return .dutch }
        var best: (language: Language, weight: Double)?
        for (order, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), let language = Language(tag: tag) else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            // Equal weights keep the header's order.
            let ranked = weight - Double(order) * 1e-6
            if weight > 0, ranked > (best?.weight ?? -1) { best = (language, ranked) }
        }
        return best?.language ?? .dutch
    }

    /// The language of a locale setting such as `LANG=nl_NL.UTF-8`: English for `en…`, `C` and
    /// `POSIX`, Dutch for `nl…`; `nil` when it names neither.
    public static func of(localeSetting value: String?) -> Language? {
        guard let value, !value.isEmpty else { return nil }
        let tag = value.lowercased()
        if tag == "c" || tag.hasPrefix("c.") || tag == "posix" { return .english }
        return Language(tag: tag)
    }

    /// The language of the process's locale, as POSIX tools read it: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set and not empty; `nil` when that names neither language.
    public static func of(environment: [String: String]) -> Language? {
        of(localeSetting: ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty })
    }

    /// `nl`, `nl-BE`, `nl_NL.UTF-8`, `en-GB`, …
    public init?(tag: String) {
        let primary = tag.lowercased().prefix { $0.isLetter }
        switch primary {
        case "nl": self = .dutch
        case "en": self = .english
        default: return nil
        }
    }
}
