import Foundation
public import LedgerCore

/// The texts of one language, read from its catalogue `Resources/Messages/LANG.json` (one flat
/// object, a key per text): every word the dashboard and the read commands show comes from
/// here, never from code. A text may name values in braces (`{size}`), filled in by `format`.
///
/// The ledger's own sentences (its refusals and errors, ``Phrase``) are written in English in
/// the code that raises them; `Resources/Phrases/LANG.json` says each English template in the
/// language, with the same `{1}`, `{2}`, … (in any order).
public struct MessageCatalogue: Sendable {
    public let language: Language
    /// Every text by its key.
    public let messages: [String: String]
    /// Every phrase template of the ledger's errors, by its English template.
    public let phrases: [String: String]

    /// What a missing key shows: visible on the page, and what the catalogue tests look for.
    public static func missing(_ key: String) -> String { "⟦\(key)⟧" }

    /// The catalogue shipped for `language`.
    public static func shipped(_ language: Language) -> MessageCatalogue {
        switch language {
        case .dutch: dutch
        case .english: english
        }
    }

    private static let dutch = load(.dutch)
    private static let english = load(.english)

    private static func load(_ language: Language) -> MessageCatalogue {
        MessageCatalogue(
            language: language, messages: table(language, in: "Resources/Messages"),
            phrases: language == .english ? [:] : table(language, in: "Resources/Phrases"))
    }

    private static func table(_ language: Language, in folder: String) -> [String: String] {
        guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: folder),
            let data = try? Data(contentsOf: url), let decoded = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [:] }
        return decoded
    }

    public init(language: Language, messages: [String: String], phrases: [String: String] = [:]) {
        self.language = language
        self.messages = messages
        self.phrases = phrases
    }

    /// The phrase in this language: each template (its own and its values') from the phrase
    /// catalogue, the English one where the catalogue has none, numbers as ``LocalFormat`` writes them.
    public func say(_ phrase: Phrase) -> String {
        let local = LocalFormat(self)
        return phrase.render({ phrases[$0] ?? $0 }, number: { local.number($0) })
    }

    /// The templates of `phrase` (its own and its values') that this catalogue does not say; a
    /// template without a word (`{1}: {2}`) needs no translation.
    public func untranslated(_ phrase: Phrase) -> [String] {
        language == .english ? [] : phrase.templates.filter { phrases[$0] == nil && Self.hasWords($0) }
    }

    /// Whether `template` holds a letter outside its `{n}`s.
    public static func hasWords(_ template: String) -> Bool {
        Phrase(template: template, values: []).description.replacing(/\{\d+\}/, with: "").contains(where: \.isLetter)
    }

    /// The text of `key`, or `⟦key⟧` when the catalogue has none.
    public subscript(key: String) -> String { messages[key] ?? Self.missing(key) }

    /// The text of `key` with each `{name}` replaced by `values[name]`.
    public func format(_ key: String, _ values: [String: String]) -> String {
        var text = self[key]
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The text of `prefix` + `value` (`status_` + `green`), for the words of the domain's enums.
    public func word(_ prefix: String, _ value: String) -> String { self[prefix + value] }
}
