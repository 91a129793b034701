import Foundation
import Testing

/// `chainledger serve` with the CLI's writing commands pointed at it: commits are signed here
/// and submitted over HTTP; refusals come back with the server's reason.
struct ServerCommandTests {
    /// Starts `chainledger serve` on a free port; returns the process and its base URL.
    static func serve(_ cli: CLIHarness, _ ledger: String) throws -> (Process, String) {
        try serve(cli, ["--ledger", ledger])
    }

    /// Starts `chainledger serve` with these options on a free port.
    static func serve(_ cli: CLIHarness, _ options: [String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = CLIHarness.executable
        process.arguments = ["serve"] + options + ["--port", "0"]
        process.currentDirectoryURL = cli.folder
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let data = stderr.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"listening on 127\.0\.0\.1:\d+"#, options: .regularExpression) {
                let port = seen[range].split(separator: ":").last!
                return (process, "http://127.0.0.1:\(port)")
            }
        }
        process.terminate()
        throw CLIError("the server did not start: \(seen)")
    }

    struct CLIError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func writingCommandsSubmitToAServer() throws {
        let cli = try DomainCommandTests.sample()
        let shelterToken = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead",
            "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let auditorToken = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "zorggroep-de-brug", "--person", "controller",
            "--role", "auditor",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(shelterToken.hasPrefix("clt_"))
        let (server, url) = try Self.serve(cli, "hf.db")
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        let shelter = [
            "--server", url, "--token", shelterToken, "--org", "stichting-opvang-heuvelstad", "--key", "keys/stichting-opvang-heuvelstad.key",
        ]

        let recorded = try cli.ok(["record"] + shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "91"]).json
        let position = try #require(recorded["first"] as? Int)
        let again = try cli.run(["record"] + shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "92"])
        #expect(again.status == 1 && again.stderr.contains("already recorded (position \(position))"), "\(again.stderr)")
        try cli.ok(["correct"] + shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "92", "--reason", "final figure"])

        let notReporter = try cli.run(["record"] + shelter + ["--kpi", "debt-plan-3m", "--period", "2024-01", "--value", "60"])
        #expect(notReporter.status == 1 && notReporter.stderr.contains("403"), "\(notReporter.stderr)")
        let dutch = try cli.run(
            ["record"] + shelter + ["--kpi", "debt-plan-3m", "--period", "2024-01", "--value", "60"], environment: CommandLanguageTests.dutch)
        #expect(
            dutch.status == 1 && dutch.stderr.contains("de server weigerde (403)")
                && dutch.stderr.contains("organisatie \"stichting-opvang-heuvelstad\" mag dit niet doen"),
            "the server's refusal, said in Dutch from its phrase: \(dutch.stderr)")
        let auditor = ["--server", url, "--token", auditorToken, "--org", "zorggroep-de-brug", "--key", "keys/zorggroep-de-brug.key"]
        let readOnly = try cli.run(["record"] + auditor + ["--kpi", "support-7d", "--period", "2024-01", "--value", "90"])
        #expect(readOnly.status == 1 && readOnly.stderr.contains("auditor"), "\(readOnly.stderr)")
        let noToken = try cli.run([
            "record", "--server", url, "--org", "stichting-opvang-heuvelstad", "--key", "keys/stichting-opvang-heuvelstad.key",
            "--kpi", "intake-14d", "--period", "2024-02", "--value", "90",
        ])
        #expect(noToken.status == 1 && noToken.stderr.contains("--server needs an access token"))

        server.interrupt()
        server.waitUntilExit()
        let stream = try cli.ok(["log", "--ledger", "hf.db", "--stream", "measurement/intake-14d/2024-01/stichting-opvang-heuvelstad", "--json"])
            .jsonLines
        #expect(stream.map { $0["type"] as? String } == ["MeasurementRecorded", "MeasurementCorrected"])
        try cli.ok(["verify", "--ledger", "hf.db"])
    }
}
