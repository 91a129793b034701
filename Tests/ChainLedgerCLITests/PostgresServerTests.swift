import Foundation
import Testing
import TemporaryPostgres

/// Two `chainledger serve` processes on one PostgreSQL log, written to at the same time.
@Suite(.enabled(if: TemporaryPostgres.isInstalled, "the PostgreSQL server binaries are not installed"))
struct PostgresServerTests {
    @Test func twoServerProcessesAppendToOneLog() async throws {
        let cli = try DomainCommandTests.sample()
        let server = try await TemporaryPostgres.shared()
        let url = try server.createDatabase()
        try cli.ok(["copy", "--from", "hf.db", "--to", url])
        let size = try #require(try cli.ok(["verify", "--postgres", url, "--json"]).json["size"] as? Int)

        var servers: [(Process, String)] = []
        var tokens: [String] = []
        for name in ["a", "b"] {
            tokens.append(try cli.ok(["token", "issue", "--postgres", url, "--access", "\(name).access", "--org", "stichting-opvang-heuvelstad",
                                      "--person", "intake-lead", "--role", "member"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            servers.append(try ServerCommandTests.serve(cli, ["--postgres", url, "--ledger-key", "hf.db.ledger-key",
                                                              "--projections", "\(name).projections", "--access", "\(name).access"]))
        }
        defer { for (process, _) in servers { process.interrupt(); process.waitUntilExit() } }

        // 2 × 12 measurements, each its own commit, sent to both servers at once.
        let submissions = (0..<24).map { index in
            (servers[index % 2].1, tokens[index % 2], "\(2030 + index / 12)-\(String(format: "%02d", index % 12 + 1))")
        }
        let outputs = try await withThrowingTaskGroup(of: CLIHarness.Output.self) { group in
            for (address, token, period) in submissions {
                group.addTask {
                    try cli.run(["record", "--server", address, "--token", token, "--org", "stichting-opvang-heuvelstad",
                                 "--key", "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", period, "--value", "90"])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs.allSatisfy { $0.status == 0 }, "\(outputs.filter { $0.status != 0 }.map(\.stderr))")
        let acknowledged = outputs.compactMap { $0.json["first"] as? Int }
        #expect(Set(acknowledged).count == 24, "no two commits share a position")

        let report = try cli.ok(["verify", "--postgres", url, "--json"]).json
        #expect(report["size"] as? Int == size + 24)
        let entries = try cli.ok(["log", "--postgres", url, "--from", "\(size)", "--json"]).jsonLines
        #expect(entries.compactMap { $0["position"] as? Int } == Array(size..<(size + 24)), "gapless")
        #expect(Set(acknowledged) == Set(size..<(size + 24)), "every acknowledged commit is in the log")
        #expect(Set(entries.compactMap { $0["stream"] as? String }).count == 24, "no duplicates")
    }
}
