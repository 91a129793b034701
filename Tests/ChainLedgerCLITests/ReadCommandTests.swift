import Foundation
import Testing

/// The commands that answer from the read models, on the housing-first sample.
@Suite(.serialized)
struct ReadCommandTests {
    @Test func everyReadCommandAnswersInTextAndJSON() throws {
        let cli = try DomainCommandTests.sample()
        let ledger = ["--ledger", "hf.db"]
        let status = try cli.ok(["status"] + ledger + ["--json"]).stdout
        let trees = try #require(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [[String: Any]])
        #expect(trees.map { $0["chain"] as? String }.contains("street-to-home"))
        let chain = try cli.ok(["status"] + ledger + ["--chain", "street-to-home", "--json"]).stdout
        let one = try #require(try JSONSerialization.jsonObject(with: Data(chain.utf8)) as? [[String: Any]])
        #expect(one.count == 1 && one[0]["chain"] as? String == "street-to-home")
        #expect(try cli.ok(["status"] + ledger + ["--chain", "street-to-home"]).stdout.hasPrefix("street-to-home — "))

        for (command, key) in [("responsibilities", "chains"), ("agreements", "agreements"), ("decisions", "chains"), ("health", "warnings")] {
            let json = try cli.ok([command] + ledger + ["--json"]).json
            #expect(json[key] is [Any], "\(command) --json holds \(key)")
            #expect((json["moment"] as? [String: Any])?["size"] as? Int != nil, "\(command) --json names its moment")
            #expect(!(try cli.ok([command] + ledger).stdout.isEmpty), "\(command) prints a table")
        }
        let early = try cli.ok(["agreements"] + ledger + ["--as-of", "10", "--json"]).json
        #expect((early["moment"] as? [String: Any])?["size"] as? Int == 10)

        let audit = try cli.ok(["audit", "hf-2025-10-extra-homes"] + ledger + ["--json"]).json
        #expect(audit["chain"] as? String != nil)
        #expect(try cli.ok(["audit", "hf-2025-10-extra-homes"] + ledger).stdout.hasPrefix("Decision hf-2025-10-extra-homes of dialogue "))
        let unknown = try cli.run(["audit", "nothing-decided"] + ledger)
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("chainledger: there is no decision nothing-decided"), "\(unknown.stderr)")

        let digest = try cli.ok(["projections", "digest"] + ledger + ["--json"]).json
        let rebuilt = try cli.ok(["rebuild"] + ledger + ["--json"])
        #expect(rebuilt.json["projections"] as? [String: String] == digest["projections"] as? [String: String])
        #expect(
            rebuilt.stderr.range(
                of: #"(rebuilding|herbouwen): (\d+) (of|van) \2 (entries|posities) \(100 %\)\nrebuild: \2 entries in "#,
                options: .regularExpression) != nil,
            "\(rebuilt.stderr)")
    }

    /// `--format csv|csv-nl` prints a command's table in either dialect, `--table` picks one of
    /// its tables, and a mistaken table or format says what there is.
    @Test func readCommandsExportCSV() throws {
        let cli = try DomainCommandTests.sample()
        let ledger = ["--ledger", "hf.db"]
        let plain = try cli.ok(["status"] + ledger + ["--chain", "street-to-home", "--format", "csv"]).stdout
        #expect(plain.hasPrefix("chain,level,kpi,name,step,unit,direction,grain,period,value,") && plain.hasSuffix("\r\n"))
        let dutch = try cli.ok(["status"] + ledger + ["--chain", "street-to-home", "--format", "csv-nl"]).stdout
        #expect(dutch.hasPrefix("\u{FEFF}chain;level;kpi;name;"))
        #expect(plain.split(separator: "\r\n").count == dutch.split(separator: "\r\n").count, "the same rows in both")
        // A decimal value reads with a point in one and a comma in the other.
        let trees = try #require(
            try JSONSerialization.jsonObject(with: Data(try cli.ok(["status"] + ledger + ["--json"]).stdout.utf8)) as? [[String: Any]])
        let values = trees.flatMap { ($0["kpis"] as? [[String: Any]]) ?? [] }.compactMap { $0["value"] as? Double }
        let decimal = try #require(values.first { $0 != $0.rounded() })
        let all = try cli.ok(["status"] + ledger + ["--format", "csv-nl"]).stdout
        #expect(all.contains(";" + "\(decimal)".replacingOccurrences(of: ".", with: ",") + ";"))
        for (command, tables) in [
            ("responsibilities", ["owners", "kpi_owners", "members"]), ("agreements", ["agreements", "obligations", "obligation_periods"]),
            ("decisions", ["dialogues", "decisions", "actions"]), ("health", ["warnings"]),
        ] {
            for table in tables {
                let csv = try cli.ok([command] + ledger + ["--format", "csv", "--table", table]).stdout
                #expect(csv.hasSuffix("\r\n") && !csv.hasPrefix("\u{FEFF}"), "\(command) \(table)")
            }
        }
        let audit = try cli.ok(["audit", "hf-2025-10-extra-homes"] + ledger + ["--format", "csv", "--table", "corrections"]).stdout
        #expect(audit.hasPrefix("position,recorded_at,organisation,kpi,period,previous_value,value,reason\r\n"))
        let noTable = try cli.run(["decisions"] + ledger + ["--format", "csv", "--table", "nope"])
        #expect(noTable.status == 1 && noTable.stderr.contains("there is no table nope; this command has dialogues, decisions, actions"))
        let tableWithoutCSV = try cli.run(["decisions"] + ledger + ["--table", "actions"])
        #expect(tableWithoutCSV.status != 0 && tableWithoutCSV.stderr.contains("--table chooses a table to export"))
        let badFormat = try cli.run(["status"] + ledger + ["--format", "xlsx"])
        #expect(badFormat.status != 0 && badFormat.stderr.contains("xlsx"))
    }

    /// `report` prints a chain's page to PDF through Chromium, and says plainly what it needs.
    @Test func reportPrintsAChainsPageToPDF() throws {
        let cli = try DomainCommandTests.sample()
        let ledger = ["--ledger", "hf.db"]
        let missing = try cli.run(["report"] + ledger + ["--chain", "street-to-home", "--out", "x.pdf", "--chromium", "/nonexistent/chromium"])
        #expect(
            missing.status == 1 && missing.stderr.contains("there is no Chromium at /nonexistent/chromium: install Debian's chromium"),
            "\(missing.stderr)")
        let unknown = try cli.run(["report"] + ledger + ["--chain", "nope", "--out", "x.pdf"])
        #expect(unknown.status == 1 && unknown.stderr.contains("there is no chain nope"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("x.pdf")))
        let badMoment = try cli.run(["report"] + ledger + ["--chain", "street-to-home", "--out", "x.pdf", "--as-of", "soon"])
        #expect(badMoment.status != 0 && badMoment.stderr.contains("--as-of must be a position"))
        guard ReadCommandTests.chromium else { return }
        let printed = try cli.ok(["report"] + ledger + ["--chain", "street-to-home", "--as-of", "2026-03-31", "--lang", "nl", "--out", "hf.pdf"])
        #expect(printed.stdout.contains(" geschreven (") && printed.stdout.contains("hf.pdf"), "\(printed.stdout)")
        let pdf = try Data(contentsOf: URL(fileURLWithPath: cli.path("hf.pdf")))
        #expect(pdf.starts(with: Data("%PDF-".utf8)) && pdf.count > 10_000)
    }

    /// Whether a Chromium is on PATH (`.ci/run` installs Debian's).
    static let chromium = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/chromium")
    }

    @Test func theBriefComparesWithThePreviousDialogue() throws {
        let cli = try DomainCommandTests.sample()
        let ledger = ["--ledger", "hf.db", "--chain", "street-to-home", "--as-of", "2026-03-14"]
        let brief = try cli.ok(["brief"] + ledger + ["--json"]).json
        #expect((brief["previous"] as? [String: Any])?["dialogue"] as? String == "hf-dialogue-2026-01")
        let text = try cli.ok(["brief"] + ledger).stdout
        #expect(text.hasPrefix("Brief for the next performance dialogue: street-to-home — "), "\(text)")
        #expect(text.contains("Previous dialogue: hf-dialogue-2026-01, held 15 February 2026") && text.contains("KPIs whose status changed (2)"))
        let dutch = try cli.ok(["brief"] + ledger + ["--lang", "nl"]).stdout
        #expect(dutch.contains("Vorig prestatiegesprek: hf-dialogue-2026-01, gehouden op 15 februari 2026") && !dutch.contains("⟦"))
        let csv = try cli.ok(["brief"] + ledger + ["--format", "csv", "--table", "participants"]).stdout
        #expect(csv.hasPrefix("chain,organisation,roles,at_previous_dialogue\r\n"), "\(csv)")
        let changes = try cli.ok(["brief"] + ledger + ["--format", "csv"]).stdout
        #expect(changes.hasPrefix("chain,kpi,name,level,status_before,") && changes.contains("debt-plan-3m"), "\(changes)")
        let noChain = try cli.run(["brief", "--ledger", "hf.db"])
        #expect(noChain.status != 0 && noChain.stderr.contains("--chain"), "\(noChain.stderr)")
        let unknown = try cli.run(["brief", "--ledger", "hf.db", "--chain", "nope"])
        #expect(unknown.status == 1 && unknown.stderr.hasPrefix("chainledger: there is no chain nope"), "\(unknown.stderr)")
    }
}
