import Foundation
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
}
