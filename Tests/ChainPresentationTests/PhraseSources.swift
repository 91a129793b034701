import Foundation
import LedgerCore

/// Finds, in Swift source text, the phrase templates the code can raise: the string literals
/// passed where a ``Phrase`` is expected (an argument of a function, initialiser or enum case
/// declared with a `Phrase` parameter) and those a declaration returning `Phrase` gives as its
/// value. What `xgettext` is to gettext: the catalogue tests compare the Dutch catalogue with it.
struct PhraseSources {
    /// A template and where it was found.
    struct Found: Hashable {
        let template: String
        let file: String
        let line: Int
    }

    private enum Token: Equatable {
        case literal(template: String, line: Int)
        case word(String)
        case mark(Character)
        case arrow
    }

    /// A declared parameter list: which parameters take a phrase, by label (nil: positional).
    private struct Parameters {
        let labels: [String?]
        let takesPhrase: [Bool]
    }

    private var declarations: [String: [Parameters]] = [:]
    private var files: [(name: String, tokens: [Token])] = []

    init(files sources: [(name: String, text: String)]) {
        for source in sources {
            let tokens = Self.tokens(of: source.text)
            files.append((source.name, tokens))
            collectDeclarations(tokens)
        }
    }

    /// Every template found, in the order of the files.
    func templates() -> [Found] {
        files.flatMap { file in found(in: file.tokens, file: file.name) }
    }

    // MARK: - Declarations

    private mutating func collectDeclarations(_ tokens: [Token]) {
        // The types being declared, innermost last, each with the brace depth of its body.
        var types: [(name: String, depth: Int)] = []
        var pending: String?
        var depth = 0
        for index in tokens.indices {
            switch tokens[index] {
            case .mark("{"):
                depth += 1
                if let name = pending { types.append((name, depth)) }
                pending = nil
            case .mark("}"):
                if types.last?.depth == depth { types.removeLast() }
                depth -= 1
            default: break
            }
            let typeName = types.last?.name
            guard case .word(let word) = tokens[index] else { continue }
            switch word {
            case "struct", "enum", "class", "actor", "extension":
                if index + 1 < tokens.count, case .word(let name) = tokens[index + 1] { pending = name }
            case "func", "case":
                guard index + 2 < tokens.count, case .word(let name) = tokens[index + 1], tokens[index + 2] == .mark("(") else { continue }
                if let parameters = Self.parameters(tokens, openingAt: index + 2) { declarations[name, default: []].append(parameters) }
            case "init":
                guard let typeName, index + 1 < tokens.count, tokens[index + 1] == .mark("("),
                    index == 0 || tokens[index - 1] != .mark(".")
                else { continue }
                if let parameters = Self.parameters(tokens, openingAt: index + 1) { declarations[typeName, default: []].append(parameters) }
            default: continue
            }
        }
    }

    private static func parameters(_ tokens: [Token], openingAt open: Int) -> Parameters? {
        let groups = arguments(tokens, openingAt: open)
        var labels: [String?] = []
        var takesPhrase: [Bool] = []
        for group in groups {
            let colon = group.firstIndex(of: .mark(":"))
            let type = colon.map { Array(group[($0 + 1)...]) } ?? group
            var label: String?
            if let colon, colon > 0, case .word(let first) = group[0] { label = first == "_" ? nil : first }
            labels.append(label)
            takesPhrase.append(type.first == .word("Phrase"))
        }
        return takesPhrase.contains(true) ? Parameters(labels: labels, takesPhrase: takesPhrase) : nil
    }

    // MARK: - Uses

    private func found(in tokens: [Token], file: String) -> [Found] {
        var found: [Found] = []
        for index in tokens.indices {
            switch tokens[index] {
            case .word(let name):
                guard index + 1 < tokens.count, tokens[index + 1] == .mark("("), let declared = declarations[name] else { continue }
                if index > 0, case .word(let before) = tokens[index - 1], ["func", "case", "init"].contains(before) { continue }
                for (position, argument) in Self.arguments(tokens, openingAt: index + 1).enumerated() {
                    var label: String?
                    var value = argument[...]
                    if argument.count > 2, case .word(let word) = argument[0], argument[1] == .mark(":") {
                        label = word
                        value = argument[2...]
                    }
                    let isPhrase = declared.contains { parameters in
                        if let label { return zip(parameters.labels, parameters.takesPhrase).contains { $0 == label && $1 } }
                        return position < parameters.labels.count && parameters.labels[position] == nil && parameters.takesPhrase[position]
                    }
                    if isPhrase { found += Self.literalRuns(value, file: file) }
                }
            case .arrow, .mark(":"):
                // `-> Phrase {` and `var phrase: Phrase {`: the literals the body gives as its value.
                guard index + 2 < tokens.count, tokens[index + 1] == .word("Phrase"), tokens[index + 2] == .mark("{") else { continue }
                found += Self.literalRuns(Self.body(tokens, openingAt: index + 2), file: file)
            default: continue
            }
        }
        return found
    }

    /// The literals at the top level of `tokens` (outside any parentheses or brackets), each run
    /// of literals joined by `+` read as one template.
    private static func literalRuns(_ tokens: ArraySlice<Token>, file: String) -> [Found] {
        var found: [Found] = []
        var depth = 0
        var run: (template: String, values: Int, line: Int)?
        var previous: Token?
        func close() {
            if let finished = run { found.append(Found(template: finished.template, file: file, line: finished.line)) }
            run = nil
        }
        for token in tokens {
            defer { previous = token }
            switch token {
            case .mark("("), .mark("["): depth += 1
            case .mark(")"), .mark("]"): depth -= 1
            default: break
            }
            guard depth == 0 else { continue }
            if case .literal(let template, let line) = token {
                if let current = run, previous == .mark("+") {
                    let joined = phrase(current.template, current.values) + phrase(template, placeholders(in: template))
                    run = (joined.template, joined.values.count, current.line)
                } else {
                    close()
                    run = (template, placeholders(in: template), line)
                }
            } else if token != .mark("+") {
                close()
            }
        }
        close()
        return found
    }

    /// How many values a template built from one literal fills (`{{` and `}}` are braces).
    static func placeholders(in template: String) -> Int {
        template.replacing("{{", with: "").replacing("}}", with: "").matches(of: /\{\d+\}/).count
    }

    private static func phrase(_ template: String, _ values: Int) -> Phrase {
        Phrase(template: template, values: Array(repeating: .text(""), count: values))
    }

    /// The top-level comma-separated groups inside the parentheses opening at `open`.
    private static func arguments(_ tokens: [Token], openingAt open: Int) -> [[Token]] {
        var groups: [[Token]] = [[]]
        var depth = 0
        for token in tokens[(open + 1)...] {
            switch token {
            case .mark("("), .mark("["), .mark("{"): depth += 1
            case .mark(")"), .mark("]"), .mark("}"):
                if depth == 0 { return groups.filter { !$0.isEmpty } }
                depth -= 1
            case .mark(",") where depth == 0:
                groups.append([])
                continue
            default: break
            }
            groups[groups.count - 1].append(token)
        }
        return groups.filter { !$0.isEmpty }
    }

    /// The tokens inside the braces opening at `open`.
    private static func body(_ tokens: [Token], openingAt open: Int) -> ArraySlice<Token> {
        var depth = 0
        for index in tokens.indices[open...] {
            if tokens[index] == .mark("{") { depth += 1 }
            if tokens[index] == .mark("}") {
                depth -= 1
                if depth == 0 { return tokens[(open + 1)..<index] }
            }
        }
        return tokens[(open + 1)...]
    }

    // MARK: - Tokens

    private static func tokens(of text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var index = 0
        var line = 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" { line += 1 }
            if scalar == "/", index + 1 < scalars.count, scalars[index + 1] == "/" {
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            }
            if scalar == "/", index + 1 < scalars.count, scalars[index + 1] == "*" {
                index += 2
                while index + 1 < scalars.count, !(scalars[index] == "*" && scalars[index + 1] == "/") {
                    if scalars[index] == "\n" { line += 1 }
                    index += 1
                }
                index += 2
                continue
            }
            if scalar == "\"" {
                let start = line
                let template = literal(scalars, at: &index, line: &line)
                tokens.append(.literal(template: template ?? "", line: start))
                continue
            }
            if scalar.properties.isAlphabetic || scalar == "_" {
                var word = ""
                while index < scalars.count, scalars[index].properties.isAlphabetic || scalars[index] == "_" || ("0"..."9").contains(scalars[index]) {
                    word.unicodeScalars.append(scalars[index])
                    index += 1
                }
                tokens.append(.word(word))
                continue
            }
            if scalar == "-", index + 1 < scalars.count, scalars[index + 1] == ">" {
                tokens.append(.arrow)
                index += 2
                continue
            }
            if "(){}[],:+.".unicodeScalars.contains(scalar) { tokens.append(.mark(Character(scalar))) }
            index += 1
        }
        return tokens
    }

    /// Reads the string literal starting at `index` (its opening quote) into the template
    /// ``Phrase`` builds from it; moves `index` past the closing quote. Multi-line literals are
    /// skipped (nil).
    private static func literal(_ scalars: [Unicode.Scalar], at index: inout Int, line: inout Int) -> String? {
        if index + 2 < scalars.count, scalars[index + 1] == "\"", scalars[index + 2] == "\"" {
            index += 3
            while index + 2 < scalars.count, !(scalars[index] == "\"" && scalars[index + 1] == "\"" && scalars[index + 2] == "\"") {
                if scalars[index] == "\n" { line += 1 }
                index += 1
            }
            index += 3
            return nil
        }
        index += 1
        var template = ""
        var values = 0
        while index < scalars.count, scalars[index] != "\"" {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count {
                let escaped = scalars[index + 1]
                index += 2
                switch escaped {
                case "(":
                    skipInterpolation(scalars, at: &index, line: &line)
                    values += 1
                    template += "{\(values)}"
                case "n": template += "\n"
                case "t": template += "\t"
                case "u":
                    var hex = ""
                    index += 1 // "{"
                    while index < scalars.count, scalars[index] != "}" {
                        hex.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    index += 1
                    if let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) { template.unicodeScalars.append(decoded) }
                default: template.unicodeScalars.append(escaped)
                }
                continue
            }
            if scalar == "{" || scalar == "}" { template.unicodeScalars.append(scalar) }
            template.unicodeScalars.append(scalar)
            index += 1
        }
        index += 1
        return template
    }

    /// Moves `index` past the `)` closing an interpolation, over nested parentheses and literals.
    private static func skipInterpolation(_ scalars: [Unicode.Scalar], at index: inout Int, line: inout Int) {
        var depth = 1
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\"" {
                _ = literal(scalars, at: &index, line: &line)
                continue
            }
            if scalar == "(" { depth += 1 }
            if scalar == ")" {
                depth -= 1
                if depth == 0 {
                    index += 1
                    return
                }
            }
            index += 1
        }
    }
}
