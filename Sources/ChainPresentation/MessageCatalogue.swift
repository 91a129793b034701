import Foundation

/// The texts of one language, read from its catalogue `Resources/Messages/LANG.json` (one flat
/// object, a key per text): every word the dashboard and the read commands show comes from
/// here, never from code. A text may name values in braces (`{size}`), filled in by `format`.
public struct MessageCatalogue: Sendable {
    public let language: Language
    /// Every text by its key.
    public let messages: [String: String]

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
        let messages: [String: String]
        if let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Resources/Messages"),
            let data = try? Data(contentsOf: url), let decoded = try? JSONDecoder().decode([String: String].self, from: data)
        {
            messages = decoded
        } else {
            messages = [:]
        }
        return MessageCatalogue(language: language, messages: messages)
    }

    public init(language: Language, messages: [String: String]) {
        self.language = language
        self.messages = messages
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
