import Foundation
import LedgerCore
import Testing

@testable import ChainPresentation

/// The ledger's refusals and errors in Dutch: every phrase template the sources can raise has a
/// Dutch template with the same values, and the catalogue holds none the sources no longer raise.
struct PhraseCatalogueTests {
    static let sourceRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Sources")

    static func sources() throws -> PhraseSources {
        let enumerator = FileManager.default.enumerator(at: sourceRoot, includingPropertiesForKeys: nil)
        var files: [(name: String, text: String)] = []
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let name = String(url.path.dropFirst(sourceRoot.path.count + 1))
            files.append((name, try String(contentsOf: url, encoding: .utf8)))
        }
        return PhraseSources(files: files.sorted { $0.name < $1.name })
    }

    @Test func everyPhraseOfTheSourcesIsInDutch() throws {
        let found = try Self.sources().templates().filter { MessageCatalogue.hasWords($0.template) }
        let dutch = MessageCatalogue.shipped(.dutch).phrases
        #expect(found.count > 300, "the extractor found the refusals (\(found.count))")
        var missing = Set<String>()
        for phrase in found where dutch[phrase.template] == nil && missing.insert(phrase.template).inserted {
            Issue.record("no Dutch for \(phrase.file):\(phrase.line): \(phrase.template.debugDescription)")
        }
        let stale = Set(dutch.keys).subtracting(found.map(\.template))
        #expect(stale.isEmpty, "Dutch phrases no source raises: \(stale.sorted())")
        for (english, translated) in dutch {
            #expect(Self.placeholders(english) == Self.placeholders(translated), "\(english.debugDescription) and its Dutch fill the same values")
        }
    }

    @Test func aRefusalReadsInDutchWithItsValues() {
        let detail: Phrase = "KPI \("intake-14d") does not exist"
        let refusal = LedgerError.ruleViolation(index: 2, rule: "evidence comes from the ledger", detail: detail)
        let dutch = MessageCatalogue.shipped(.dutch)
        #expect(refusal.description == "event 3 breaks rule \"evidence comes from the ledger\": KPI intake-14d does not exist")
        #expect(dutch.untranslated(refusal.phrase).isEmpty)
        let said = dutch.say(refusal.phrase)
        #expect(said.contains("intake-14d") && said.contains("3") && !said.contains("does not exist"), "\(said)")
    }

    @Test func numbersTakeTheReadersDecimalMark() {
        let phrase: Phrase = "the value \(91.5) is out of range"
        let catalogue = MessageCatalogue(
            language: .dutch, messages: [:], phrases: ["the value {1} is out of range": "de waarde {1} valt buiten het bereik"])
        #expect(catalogue.say(phrase) == "de waarde 91,5 valt buiten het bereik")
        #expect(phrase.description == "the value 91.5 is out of range")
    }

    @Test func anUntranslatedTemplateFallsBackToEnglishAndIsReported() {
        let phrase: Phrase = "nothing says \("this") in Dutch"
        let catalogue = MessageCatalogue(language: .dutch, messages: [:], phrases: [:])
        #expect(catalogue.say(phrase) == "nothing says this in Dutch")
        #expect(catalogue.untranslated(phrase) == ["nothing says {1} in Dutch"])
        #expect(catalogue.untranslated("{1}: {2}").isEmpty, "a template without words needs no translation")
    }

    @Test func joinedPhrasesAndNestedErrorsKeepTheirOwnTemplates() {
        let lines: [Phrase] = [
            "line \(2): \(FormatError(message: "unknown field \"\("x")\""))", "line \(3): \(FormatError(message: "missing field \"\("kpi")\""))",
        ]
        let joined = Phrase.joined(lines, separator: "; ")
        #expect(joined.description == "line 2: unknown field \"x\"; line 3: missing field \"kpi\"")
        #expect(Set(joined.templates.filter(MessageCatalogue.hasWords)) == ["line {1}: {2}", "unknown field \"{1}\"", "missing field \"{1}\""])
        #expect(MessageCatalogue.shipped(.dutch).say(joined) == "regel 2: onbekend veld \"x\"; regel 3: veld \"kpi\" ontbreekt")
    }

    @Test func theExtractorReadsTemplatesAsPhraseBuildsThem() {
        let source = """
            enum Failure { case broken(Phrase) }
            func rule(_ name: Phrase, _ detail: Phrase, count: Int) {}
            func refuse(reason: Phrase, code: String) {}
            struct Outcome { enum Kind { case plain } init(_ text: Phrase) {} }
            var phrase: Phrase { if x { "the {braced} \\(a) of \\(f(b, "inner"))" } else { other } }
            let a = rule("a rule", "KPI \\(kpi) is " + "measured per \\(grain)", count: 3)
            let b = refuse(reason: "only \\(owner) may", code: "not-this")
            let c = Outcome("one \\("nested \\(x)") two")
            let d = Failure.broken("as a case")
            let e = unrelated("not a phrase")
            """
        let found = PhraseSources(files: [("Example.swift", source)]).templates().map(\.template)
        let expected = [
            "the {{braced}} {1} of {2}", "a rule", "KPI {1} is measured per {2}", "only {1} may", "one {1} two", "as a case",
        ]
        #expect(Set(found) == Set(expected), "\(found)")
        let built: Phrase = "the {braced} \("x") of \("y")"
        #expect(built.template == expected[0])
        let joined: Phrase = "KPI \("k") is " + "measured per \("month")"
        #expect(joined.template == expected[2] && joined.description == "KPI k is measured per month")
    }

    static func placeholders(_ template: String) -> [String] {
        template.replacing("{{", with: "").replacing("}}", with: "").matches(of: /\{(\d+)\}/).map { String($0.1) }.sorted()
    }
}
