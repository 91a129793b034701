import Foundation
import LedgerCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `chainledger witness keygen` and `witness serve`, as a partner runs them.
struct WitnessCommandTests {
    static func post(_ url: String, _ body: String) async throws -> (Int, String, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Content-Type") ?? "", String(decoding: data, as: UTF8.self))
    }

    @Test func aWitnessCosignsTheLedgersCheckpoint() async throws {
        let cli = try DomainCommandTests.sample()
        let cosigner = try cli.ok(["witness", "keygen", "--name", "zorggroep-de-brug.example/witness", "--out", "witness.key"]).stdout
        let verifier = try CosignerVerifierKey(parsing: cosigner.trimmingCharacters(in: .newlines))
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.path("witness.key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try cli.run(["witness", "keygen", "--name", "other", "--out", "witness.key"])
        #expect(again.status == 1 && again.stderr.contains("never overwritten"))
        let logKey = try cli.ok(["checkpoint", "--ledger", "hf.db", "--verifier-key"]).stdout.trimmingCharacters(in: .newlines)
        let note = try cli.ok(["checkpoint", "--ledger", "hf.db"]).stdout
        let process = Process()
        process.executableURL = CLIHarness.executable
        let origin = String(note.split(separator: "\n")[0])
        process.arguments = ["witness", "serve", "--key", "witness.key", "--log", "\(origin) \(logKey)", "--state", "witness.db", "--port", "0"]
        process.currentDirectoryURL = cli.folder
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        defer {
            process.interrupt()
            process.waitUntilExit()
        }
        var seen = ""
        var base = ""
        while base.isEmpty {
            let data = stderr.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"listening on 127\.0\.0\.1:\d+"#, options: .regularExpression) {
                base = "http://127.0.0.1:\(seen[range].split(separator: ":").last!)"
            }
        }
        try #require(!base.isEmpty, "\(seen)")
        let (status, _, line) = try await Self.post(base + "/add-checkpoint", "old 0\n\n" + note)
        #expect(status == 200, "\(line)")
        #expect(verifier.cosignatureTime(on: try SignedNote(parsing: note + line)) != nil)
        let (conflict, type, size) = try await Self.post(base + "/add-checkpoint", "old 0\n\n" + note)
        let held = note.split(separator: "\n")[1]
        #expect(conflict == 409 && type == "text/x.tlog.size" && size == "\(held)\n")
        let refused = try cli.run(["witness", "serve", "--key", "witness.key", "--state", "witness.db"])
        #expect(refused.status != 0 && refused.stderr.contains("--log"), "\(refused.stderr)")
        let keyOnly = try cli.run(["witness", "serve", "--key", "witness.key", "--state", "witness.db", "--log", logKey])
        #expect(keyOnly.status == 64 && keyOnly.stderr.contains("--log"), "\(keyOnly.stderr)")
    }

    @Test func aCoordinatorRegistersWitnessesAndSetsThePolicy() throws {
        let cli = try DomainCommandTests.sample()
        let city = ["--ledger", "hf.db", "--org", "gemeente-heuvelstad", "--key", "keys/gemeente-heuvelstad.key"]
        let brugKey = try cli.ok(["witness", "keygen", "--name", "brug.example/witness", "--out", "brug.key"]).stdout.trimmingCharacters(
            in: .newlines)
        let cityKey = try cli.ok(["witness", "keygen", "--name", "heuvelstad.example/witness", "--out", "city.key"]).stdout.trimmingCharacters(
            in: .newlines)
        let none = try cli.run(["witness", "policy", "--ledger", "hf.db"])
        #expect(none.status == 1 && none.stderr.contains("no witness policy yet"))
        try cli.ok(
            ["witness", "register"] + city + [
                "--witness", "brug", "--operator", "zorggroep-de-brug", "--cosigner", brugKey, "--url", "https://brug.example/witness",
                "--validating",
            ])
        try cli.ok(
            ["witness", "register"] + city + [
                "--witness", "heuvelstad", "--operator", "gemeente-heuvelstad", "--cosigner", cityKey, "--url", "https://heuvelstad.example/witness",
            ])
        // A member is not a coordinator: refused, the ledger unchanged.
        let before = try cli.ledgerBytes("hf.db")
        let member = try cli.run(
            ["witness", "policy", "set", "--ledger", "hf.db", "--org", "zorggroep-de-brug", "--key", "keys/zorggroep-de-brug.key"] + [
                "--policy", "quorum brug", "--reason", "x",
            ])
        #expect(member.status == 1 && member.stderr.contains("only a coordinator sets the witness policy"), "\(member.stderr)")
        #expect(try cli.ledgerBytes("hf.db") == before)
        try cli.write("policy.txt", "group twee all brug heuvelstad\nquorum twee\n")
        try cli.ok(["witness", "policy", "set"] + city + ["--policy", "policy.txt", "--reason", "besluit stuurgroep"])
        let text = try cli.ok(["witness", "policy", "--ledger", "hf.db"]).stdout
        let policy = try WitnessPolicy(parsing: text)
        #expect(policy.witnesses.map(\.name) == ["brug", "heuvelstad"] && policy.quorum == "twee")
        #expect(text.contains("witness brug \(brugKey) https://brug.example/witness"), "\(text)")
        // Retiring brug with a new policy in the same commit.
        try cli.ok(
            ["witness", "retire"] + city + [
                "--witness", "brug", "--operator", "zorggroep-de-brug", "--reason", "opgeheven", "--policy", "quorum heuvelstad",
            ])
        #expect(try WitnessPolicy(parsing: cli.ok(["witness", "policy", "--ledger", "hf.db"]).stdout).witnesses.map(\.name) == ["heuvelstad"])
        try cli.ok(["verify", "--ledger", "hf.db"])
    }
}
