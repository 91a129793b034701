import Foundation
import Testing

/// What the command line prints for people is in the language of `--lang`, else of the locale
/// (`LC_ALL`, `LC_MESSAGES`, `LANG`), else English; JSON and CSV are the same in every language.
/// Long work shows its progress on standard error, and `--quiet` silences it; standard output
/// stays the result alone.
@Suite(.serialized)
struct CommandLanguageTests {
    static let dutch = ["LANG": "nl_NL.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""]

    @Test func verifyCopyAndRebuildShowProgressInTheLocalesLanguage() throws {
        let cli = try DomainCommandTests.sample()
        let size = try #require(cli.ok(["verify", "--ledger", "hf.db", "--json"]).json["size"] as? Int)
        let verified = try cli.run(["verify", "--ledger", "hf.db"], environment: Self.dutch)
        #expect(verified.status == 0)
        #expect(verified.stderr.contains("controleren: \(size) van \(size) posities (100 %)"), "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("in orde: \(size) regels in ") && !verified.stdout.contains("controleren"), "\(verified.stdout)")

        let english = try cli.run(["verify", "--ledger", "hf.db"])
        #expect(english.stderr.contains("verifying: \(size) of \(size) entries (100 %)"), "\(english.stderr)")
        #expect(english.stdout.hasPrefix("ok: \(size) entries in "), "\(english.stdout)")
        let asked = try cli.run(["verify", "--ledger", "hf.db", "--lang", "en"], environment: Self.dutch)
        #expect(asked.stdout.hasPrefix("ok: ") && asked.stderr.contains("verifying: "), "--lang wins over the locale")

        let quiet = try cli.run(["verify", "--ledger", "hf.db", "--quiet"], environment: Self.dutch)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")

        let copied = try cli.run(["copy", "--from", "hf.db", "--to", "copy.db"], environment: Self.dutch)
        #expect(copied.status == 0 && copied.stderr.contains("kopiëren: \(size) van \(size) posities (100 %)"), "\(copied.stderr)")
        #expect(copied.stdout.hasPrefix("\(size) regels gekopieerd; beide kanten bevatten \(size) regels"), "\(copied.stdout)")

        let rebuilt = try cli.run(["rebuild", "--ledger", "hf.db"], environment: Self.dutch)
        #expect(rebuilt.status == 0 && rebuilt.stderr.contains("herbouwen: \(size) van \(size) posities (100 %)"), "\(rebuilt.stderr)")
        #expect(rebuilt.stderr.contains("rebuild: \(size) regels in "), "\(rebuilt.stderr)")
        let quietRebuild = try cli.run(["rebuild", "--ledger", "hf.db", "--quiet"], environment: Self.dutch)
        #expect(!quietRebuild.stderr.contains("herbouwen"), "\(quietRebuild.stderr)")
    }

    @Test func importExportAndSyntheticSamplesShowProgress() throws {
        let cli = try DomainCommandTests.sample()
        let imported = try cli.run(["import"] + DomainCommandTests.shelter + [DomainCommandTests.csv("shelter-2024-03.csv")], environment: Self.dutch)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("inlezen: 2 van 2 posities (100 %)"), "\(imported.stderr)")
        let size = try #require(cli.ok(["verify", "--ledger", "hf.db", "--json"]).json["size"] as? Int)
        let exported = try cli.run(["export", "--ledger", "hf.db", "--format", "jsonl"])
        #expect(exported.status == 0 && exported.stdout.split(separator: "\n").count == size)
        #expect(exported.stderr.contains("exporting: \(size) of \(size) entries (100 %)"), "\(exported.stderr)")
        let synthetic = try cli.run(["sample", "synthetic", "--ledger", "synthetic.db", "--keys", "synthetic-keys", "--events", "3000"])
        #expect(synthetic.status == 0 && synthetic.stderr.contains("writing: 3000 of 3000 entries (100 %)"), "\(synthetic.stderr)")
        let story = try cli.run(["sample", "reentry", "--ledger", "reentry.db", "--keys", "reentry-keys"])
        #expect(story.status == 0 && story.stderr.isEmpty, "a story sample is quick and says nothing: \(story.stderr)")
        let window = try cli.run(["export", "--ledger", "hf.db", "--format", "csv", "--from", "10", "--to", "19", "--quiet"])
        #expect(window.stdout.split(separator: "\n").count == 11 && window.stderr.isEmpty, "\(window.stderr)")
    }

    @Test func readCommandsSpeakDutchWithTheLocaleOrLang() throws {
        let cli = try DomainCommandTests.sample()
        let ledger = ["--ledger", "hf.db", "--chain", "street-to-home"]
        let dutch = try cli.run(["status"] + ledger, environment: Self.dutch)
        #expect(dutch.status == 0)
        for word in ["niveau", "periode", "waarde", "doel", "grens rood", "resultaat-KPI", "proces-KPI", "op positie ", "(V) voorlopige waarde"] {
            #expect(dutch.stdout.contains(word), "\(word) in \(dutch.stdout)")
        }
        #expect(dutch.stdout.range(of: #"\d,\d"#, options: .regularExpression) != nil, "a decimal comma")
        #expect(dutch.stdout.range(of: #"\d\.\d"#, options: .regularExpression) == nil, "no decimal point")
        let english = try cli.ok(["status"] + ledger).stdout
        for word in ["level", "period", "value", "target", "red", "result KPI", "as of position ", "(P) provisional value"] {
            #expect(english.contains(word), "\(word) in \(english)")
        }
        #expect(try cli.ok(["status"] + ledger + ["--lang", "nl"]).stdout == dutch.stdout)

        for command in ["responsibilities", "agreements", "decisions", "health"] {
            let text = try cli.run([command] + ledger, environment: Self.dutch)
            #expect(text.status == 0 && text.stdout.contains("op positie "), "\(command): \(text.stdout)")
            #expect(!text.stdout.contains("⟦"), "\(command) misses a message: \(text.stdout)")
        }
        let audit = try cli.run(["audit", "hf-2025-10-extra-homes", "--ledger", "hf.db", "--lang", "nl"])
        #expect(audit.stdout.hasPrefix("Besluit hf-2025-10-extra-homes van prestatiegesprek "), "\(audit.stdout)")
        #expect(audit.stdout.contains("Correcties sinds het besluit:") && !audit.stdout.contains("⟦"))

        // JSON and CSV do not change with the language.
        for format in ["json", "csv", "csv-nl"] {
            let arguments = ["status"] + ledger + ["--format", format]
            #expect(try cli.run(arguments, environment: Self.dutch).stdout == cli.ok(arguments).stdout, "\(format)")
        }
    }

    @Test func refusalsOfTheReadModelsInTheCommandsLanguage() throws {
        let cli = try DomainCommandTests.sample()
        let before = try cli.ledgerBytes("hf.db")
        let chain = try cli.run(["status", "--ledger", "hf.db", "--chain", "nope"], environment: Self.dutch)
        #expect(chain.status == 1 && chain.stderr.hasPrefix("chainledger: er is geen klantketen nope op positie "), "\(chain.stderr)")
        let decision = try cli.run(["audit", "nope", "--ledger", "hf.db", "--lang", "nl"])
        #expect(decision.status == 1 && decision.stderr.hasPrefix("chainledger: er is geen besluit nope;"), "\(decision.stderr)")
        let beyond = try cli.run(["health", "--ledger", "hf.db", "--as-of", "99999"], environment: Self.dutch)
        #expect(beyond.status == 1 && beyond.stderr.contains("ligt voorbij het grootboek"), "\(beyond.stderr)")
        let english = try cli.run(["status", "--ledger", "hf.db", "--chain", "nope"])
        #expect(english.stderr.hasPrefix("chainledger: there is no chain nope at position "), "\(english.stderr)")
        let badLanguage = try cli.run(["status", "--ledger", "hf.db", "--lang", "fr"])
        #expect(badLanguage.status != 0 && badLanguage.stderr.contains("--lang"), "\(badLanguage.stderr)")
        #expect(try cli.ledgerBytes("hf.db") == before, "a refused read changes nothing")
    }

    @Test func refusalsAreInTheLocalesLanguageAndChangeNothing() throws {
        let cli = try DomainCommandTests.sample()
        let before = try cli.ledgerBytes("hf.db")
        let measure = ["--kpi", "intake-14d", "--period", "2026-03", "--value", "3"]
        let foreign = try cli.run(["record"] + DomainCommandTests.municipality + measure, environment: Self.dutch)
        #expect(foreign.status == 1)
        #expect(
            foreign.stderr.contains(
                "gebeurtenis 1 (MeasurementRecorded): organisatie \"gemeente-heuvelstad\" mag dit niet doen: alleen de aanleverende organisaties van KPI intake-14d"
            ),
            "\(foreign.stderr)")
        let english = try cli.run(["record"] + DomainCommandTests.municipality + measure)
        #expect(
            english.stderr.contains("event 1 (MeasurementRecorded): organisation \"gemeente-heuvelstad\" is not allowed to do this"),
            "\(english.stderr)")

        let unknown = try cli.run(
            ["record"] + DomainCommandTests.shelter + ["--kpi", "no-such", "--period", "2026-03", "--value", "3"], environment: Self.dutch)
        #expect(unknown.stderr.contains("gebeurtenis 1 overtreedt de regel \"de KPI bestaat\": KPI no-such bestaat niet"), "\(unknown.stderr)")

        let file = cli.folder.appendingPathComponent("bad.csv")
        try Data("kpi,period,value\nintake-14d,2026-99,3\nx,2026-03,abc\n".utf8).write(to: file)
        let imported = try cli.run(["import"] + DomainCommandTests.shelter + ["--quiet", file.path], environment: Self.dutch)
        #expect(
            imported.stderr.contains("is niet geïmporteerd: regel 2: \"2026-99\" is geen periode; regel 3: onbekende KPI \"x\""), "\(imported.stderr)"
        )

        let missing = try cli.run(["status", "--ledger", "nothere.db"], environment: Self.dutch)
        #expect(missing.status == 1 && missing.stderr.contains("er is geen grootboek op nothere.db"), "\(missing.stderr)")
        for refused in [foreign, unknown, imported, missing] {
            #expect(!refused.stderr.contains("⟦"))
        }
        #expect(try cli.ledgerBytes("hf.db") == before, "every refusal left the ledger unchanged")
    }
}
