import Foundation
import GRDB
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What `chainledger serve` counts in `/metrics`.
struct ServerMetricsTests {
    /// A commit submitted to the server is counted: the ledger's metrics are registered with the
    /// registry that `/metrics` reads, however the server was started.
    @Test func theServerCountsTheCommitsItAppends() async throws {
        let cli = try DomainCommandTests.sample()
        let token = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead",
            "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        try cli.ok([
            "record", "--server", url, "--token", token, "--org", "stichting-opvang-heuvelstad",
            "--key", "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", "2024-01", "--value", "91",
        ])
        var request = URLRequest(url: URL(string: url + "/metrics")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let metrics = String(decoding: data, as: UTF8.self)
        #expect(metrics.contains("chainledger_commits_appended_total 1"), "\(metrics)")
    }

    /// The nightly job: `rebuild --check` passes on agreeing projections and fails with exit
    /// status 2, naming the row, on a projections file changed behind the ledger's back; the
    /// server on that file shows the latest rebuild's outcome in `/metrics`.
    @Test func aCheckedRebuildReportsDriftAndTheServerShowsIt() async throws {
        let cli = try DomainCommandTests.sample()
        let token = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead",
            "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let clean = try cli.ok(["rebuild", "--ledger", "hf.db", "--check"])
        #expect(clean.stderr.contains("checked against the live projections"), "\(clean.stderr)")
        let projections = cli.folder.appendingPathComponent("hf.db.projections").path
        let before = try cli.ok(["projections", "digest", "--ledger", "hf.db", "--json"]).stdout
        try await DatabaseQueue(path: projections).write { db in try db.execute(sql: "UPDATE kpis SET name = 'renamed' WHERE rowid = 1") }
        let changed = try cli.ok(["projections", "digest", "--ledger", "hf.db", "--json"]).stdout
        #expect(changed != before)
        let drift = try cli.run(["rebuild", "--ledger", "hf.db", "--check", "--json"])
        #expect(drift.status == 2, "\(drift.stderr)")
        #expect(drift.stderr.contains("projection kpi-state differs from its rebuild"), "\(drift.stderr)")
        #expect(drift.stderr.contains("table kpis, row ") && drift.stderr.contains("name='renamed'"), "\(drift.stderr)")
        #expect(drift.stderr.contains("nothing was swapped"), "\(drift.stderr)")
        #expect(drift.json["outcome"] as? String == "drift" && drift.json["table"] as? String == "kpis")
        #expect(try cli.ok(["projections", "digest", "--ledger", "hf.db", "--json"]).stdout == changed, "the live tables were kept")

        let (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        defer {
            server.interrupt()
            server.waitUntilExit()
        }
        var request = URLRequest(url: URL(string: url + "/metrics")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let metrics = String(decoding: try await URLSession.shared.data(for: request).0, as: UTF8.self)
        #expect(metrics.contains(#"chainledger_rebuild_last_outcome{outcome="drift"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"chainledger_rebuild_last_outcome{outcome="swapped"} 0"#), "\(metrics)")
        #expect(metrics.contains("chainledger_rebuild_last_duration_seconds "), "\(metrics)")
        #expect(metrics.contains("chainledger_rebuild_last_finished_seconds "), "\(metrics)")
    }
}
