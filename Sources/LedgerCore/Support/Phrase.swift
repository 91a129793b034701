/// A sentence for people, kept as its English template and the values filled into it, so that an
/// interface can say it in another language: `"KPI \(kpi) does not exist"` is the template
/// `KPI {1} does not exist` with one value. English is the language the ledger speaks in its
/// errors and logs (``description``); a catalogue keyed by the template says the same in Dutch.
///
/// A value may itself be a phrase (an error inside an error), translated in its turn, or a number,
/// written with the reader's decimal mark.
public struct Phrase: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// A value filled into a template's `{n}`.
    public enum Value: Sendable, Hashable {
        /// Text shown as it is: an id, a name, a stream.
        case text(String)
        /// A decimal number, written as the reader writes numbers.
        case number(Double)
        /// A sentence of its own, translated as the enclosing one is.
        case phrase(Phrase)
    }

    /// The English text with `{1}`, `{2}`, … where values go.
    public let template: String
    /// The values, in the order the template numbers them.
    public let values: [Value]

    public init(template: String, values: [Value]) {
        self.template = template
        self.values = values
    }

    /// A phrase that is text to show as it is, never translated (what another program said).
    public init(verbatim text: String) {
        self.init(template: "{1}", values: [.text(text)])
    }

    /// What `error` says: its phrase when it speaks in phrases, else its description, verbatim.
    public init(describing error: any Error) {
        if let phrased = error as? any PhrasedError { self = phrased.phrase } else { self.init(verbatim: "\(error)") }
    }

    public init(stringLiteral value: String) {
        self.init(template: Self.escapingBraces(value), values: [])
    }

    public init(stringInterpolation: Interpolation) {
        self.init(template: stringInterpolation.template, values: stringInterpolation.values)
    }

    /// The phrase in English.
    public var description: String {
        render {
            $0
        } number: {
            Self.englishNumber($0)
        }
    }

    /// The phrase with `translate` choosing each template (its own and those of nested phrases) and
    /// `number` writing each number.
    public func render(_ translate: (String) -> String, number: (Double) -> String) -> String {
        Self.fill(
            translate(template),
            values.map { value in
                switch value {
                case .text(let text): text
                case .number(let value): number(value)
                case .phrase(let phrase): phrase.render(translate, number: number)
                }
            })
    }

    /// Every template this phrase uses, its own first, then those of nested phrases.
    public var templates: [String] {
        [template]
            + values.flatMap { value -> [String] in
                if case .phrase(let phrase) = value { return phrase.templates }
                return []
            }
    }

    /// The two phrases as one sentence: `"…clock says \(a); " + "a commit's time…"`.
    public static func + (lhs: Phrase, rhs: Phrase) -> Phrase {
        let shift = lhs.values.count
        let renumbered = substitute(rhs.template, keepingEscapes: true) { number in
            number <= rhs.values.count ? "{\(number + shift)}" : nil
        }
        return Phrase(template: lhs.template + renumbered, values: lhs.values + rhs.values)
    }

    /// The phrases one after the other, `separator` between them.
    /// Each keeps its own template (and translation): the joined phrase's template holds only
    /// places for them and the separators.
    public static func joined(_ phrases: some Sequence<Phrase>, separator: String) -> Phrase {
        var values: [Value] = []
        for phrase in phrases {
            if !values.isEmpty { values.append(.text(separator)) }
            values.append(.phrase(phrase))
        }
        return Phrase(template: values.indices.map { "{\($0 + 1)}" }.joined(), values: values)
    }

    /// The phrase itself: `Phrase("…")` marks a literal as a phrase where the type does not say so.
    public init(_ phrase: Phrase) { self = phrase }

    /// `template` with each `{n}` replaced by the n-th of `values`; `{{` and `}}` are braces.
    static func fill(_ template: String, _ values: [String]) -> String {
        substitute(template, keepingEscapes: false) { number in number <= values.count ? values[number - 1] : nil }
    }

    /// `template` with each `{n}` for which `value(n)` answers replaced by that answer; `{{` and
    /// `}}` become braces unless `keepingEscapes`.
    private static func substitute(_ template: String, keepingEscapes: Bool, _ value: (Int) -> String?) -> String {
        var result = ""
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            let next = template.index(after: index)
            if character == "{" || character == "}", next < template.endIndex, template[next] == character {
                result.append(character)
                if keepingEscapes { result.append(character) }
                index = template.index(after: next)
            } else if character == "{", let close = template[next...].firstIndex(of: "}"),
                let number = Int(template[next..<close]), number >= 1, let filled = value(number)
            {
                result += filled
                index = template.index(after: close)
            } else {
                result.append(character)
                index = next
            }
        }
        return result
    }

    static func escapingBraces(_ text: String) -> String {
        guard text.contains(where: { $0 == "{" || $0 == "}" }) else { return text }
        var escaped = ""
        for character in text {
            escaped.append(character)
            if character == "{" || character == "}" { escaped.append(character) }
        }
        return escaped
    }

    /// A number as Swift writes it (`95.5`, `100.0`): what the English messages always said.
    static func englishNumber(_ value: Double) -> String { String(value) }

    /// Builds a phrase from a string literal with interpolations.
    public struct StringInterpolation: StringInterpolationProtocol {
        var template = ""
        var values: [Value] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            template.reserveCapacity(literalCapacity + 3 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { template += Phrase.escapingBraces(literal) }

        mutating func append(_ value: Value) {
            values.append(value)
            template += "{\(values.count)}"
        }

        /// A phrase inside the phrase: translated with it.
        public mutating func appendInterpolation(_ phrase: Phrase) { append(.phrase(phrase)) }

        /// An error that speaks in phrases: its phrase, translated with the enclosing one.
        public mutating func appendInterpolation(_ error: some PhrasedError) { append(.phrase(error.phrase)) }

        /// A decimal number, written as the reader writes numbers.
        public mutating func appendInterpolation(_ number: Double) { append(.number(number)) }

        /// Anything else: an error that speaks in phrases as its phrase, the rest as Swift describes it.
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            append((value as? any PhrasedError).map { .phrase($0.phrase) } ?? .text(value.description))
        }

        /// Anything else: an error that speaks in phrases as its phrase, the rest as Swift describes it.
        public mutating func appendInterpolation<T>(_ value: T) {
            append((value as? any PhrasedError).map { .phrase($0.phrase) } ?? .text(String(describing: value)))
        }
    }

    public typealias Interpolation = StringInterpolation
}

/// An error whose message is a ``Phrase``, so that an interface can say it in the reader's language.
public protocol PhrasedError: Error, CustomStringConvertible {
    /// What went wrong, and what to do about it, as a phrase.
    var phrase: Phrase { get }
}

extension PhrasedError {
    public var description: String { phrase.description }
}

/// A phrase in JSON, as the HTTP API sends it beside an error's English message, so that a client
/// can say the refusal in its reader's language: `{"template": "KPI {1} does not exist",
/// "values": [{"text": "intake-14d"}]}`; a value is `{"text": …}`, `{"number": …}` or
/// `{"phrase": {…}}`.
extension Phrase: Codable {
    private enum Keys: String, CodingKey { case template, values, text, number, phrase }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        var values: [Value] = []
        var list = try container.nestedUnkeyedContainer(forKey: .values)
        while !list.isAtEnd {
            let value = try list.nestedContainer(keyedBy: Keys.self)
            if let text = try value.decodeIfPresent(String.self, forKey: .text) {
                values.append(.text(text))
            } else if let number = try value.decodeIfPresent(Double.self, forKey: .number) {
                values.append(.number(number))
            } else {
                values.append(.phrase(try value.decode(Phrase.self, forKey: .phrase)))
            }
        }
        self.init(template: try container.decode(String.self, forKey: .template), values: values)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(template, forKey: .template)
        var list = container.nestedUnkeyedContainer(forKey: .values)
        for value in values {
            var entry = list.nestedContainer(keyedBy: Keys.self)
            switch value {
            case .text(let text): try entry.encode(text, forKey: .text)
            case .number(let number): try entry.encode(number, forKey: .number)
            case .phrase(let phrase): try entry.encode(phrase, forKey: .phrase)
            }
        }
    }
}
