import Foundation
import TemporaryPostgres
import Testing

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
            tokens.append(
                try cli.ok([
                    "token", "issue", "--postgres", url, "--access", "\(name).access", "--org", "stichting-opvang-heuvelstad",
                    "--person", "intake-lead", "--role", "member",
                ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            servers.append(
                try ServerCommandTests.serve(
                    cli,
                    [
                        "--postgres", url, "--ledger-key", "hf.db.ledger-key",
                        "--projections", "\(name).projections", "--access", "\(name).access",
                    ]))
        }
        defer {
            for (process, _) in servers {
                process.interrupt()
                process.waitUntilExit()
            }
        }

        // 2 × 12 measurements, each its own commit, sent to both servers at once.
        let submissions = (0..<24).map { index in
            (servers[index % 2].1, tokens[index % 2], "\(2018 + index / 12)-\(String(format: "%02d", index % 12 + 1))")
        }
        let outputs = try await withThrowingTaskGroup(of: CLIHarness.Output.self) { group in
            for (address, token, period) in submissions {
                group.addTask {
                    try cli.run([
                        "record", "--server", address, "--token", token, "--org", "stichting-opvang-heuvelstad",
                        "--key", "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", period, "--value", "90",
                    ])
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

    /// `grant` gives a server role SELECT and INSERT on the log and nothing else; the signing
    /// commands then write to PostgreSQL directly as that role.
    @Test func aGrantedRoleAppendsButHoldsNoOtherRight() async throws {
        let cli = try DomainCommandTests.sample()
        let server = try await TemporaryPostgres.shared()
        let url = try server.createDatabase()
        try cli.ok(["copy", "--from", "hf.db", "--to", url])
        let database = String(URLComponents(string: url)!.path.dropFirst())
        _ = try server.psql(database, "CREATE ROLE chainledger_server LOGIN")

        let unsafe = try cli.run(["grant", "--postgres", url, "--role", "x; DROP TABLE ledger_entries"])
        #expect(unsafe.status != 0 && unsafe.stderr.contains("not a plain role name"), "\(unsafe.stderr)")
        let missing = try cli.run(["grant", "--postgres", url, "--role", "nobody_here"])
        #expect(missing.status != 0 && missing.stderr.contains("role \"nobody_here\" does not exist"), "\(missing.stderr)")
        let noPostgres = try cli.run(["grant", "--role", "chainledger_server"])
        #expect(noPostgres.status != 0 && noPostgres.stderr.contains("--postgres"), "\(noPostgres.stderr)")

        let granted = try cli.ok(["grant", "--postgres", url, "--role", "chainledger_server"])
        #expect(
            granted.stdout.contains("GRANT SELECT, INSERT ON ledger_entries, ledger_commits, ledger_nodes, ledger_checkpoints TO chainledger_server;")
        )
        for table in ["ledger_entries", "ledger_commits", "ledger_nodes", "ledger_checkpoints"] {
            for (privilege, held) in [("SELECT", "t"), ("INSERT", "t"), ("UPDATE", "f"), ("DELETE", "f"), ("TRUNCATE", "f")] {
                let answer = try server.psql(database, "SELECT has_table_privilege('chainledger_server', '\(table)', '\(privilege)')")
                #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == held, "\(privilege) on \(table)")
            }
        }

        var components = URLComponents(string: url)!
        components.user = "chainledger_server"
        let asServer = components.string!
        let recorded = try cli.ok([
            "record", "--postgres", asServer, "--ledger-key", "hf.db.ledger-key", "--org", "stichting-opvang-heuvelstad",
            "--key", "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", "2023-01", "--value", "90",
        ])
        let last = try #require(recorded.json["last"] as? Int)
        #expect(try cli.ok(["verify", "--postgres", asServer, "--json"]).json["size"] as? Int == last + 1)
        let both = try cli.run([
            "record", "--postgres", asServer, "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad",
            "--key", "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", "2023-02", "--value", "90",
        ])
        #expect(both.status != 0 && both.stderr.contains("give one of --ledger DB, --postgres URL or --server URL"), "\(both.stderr)")
    }
}
