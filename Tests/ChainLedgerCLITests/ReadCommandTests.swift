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
            rebuilt.stderr.range(of: #"rebuild: (\d+) of \1 entries\nrebuild: \1 entries in "#, options: .regularExpression) != nil,
            "\(rebuilt.stderr)")
    }
}
