import ChainProjections
import ChainServer
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing

/// The service's background work and the application's opening run as services, and failures
/// there are not dropped.
struct LifecycleTests {
    /// A publish that fails in the background, which no request waits for, is counted in
    /// `/metrics` under its job's name.
    @Test func aFailedBackgroundPublishIsCountedInMetrics() async throws {
        let fixture = try await ServerFixture.make()
        let commit = try await fixture.shelterMeasurement(period: "2027-04", value: 57)
        try await fixture.app.test(.router) { client in
            // A read: readers are active, so a commit is published in the background.
            let read = try await client.execute(uri: "/api/status", method: .get, headers: ServerFixture.bearer(fixture.coordinator))
            #expect(read.status == .ok)
            let before = try await Self.failures(client, job: "publish", token: fixture.auditor)
            // The projections cannot take the commit in: the catch-up fails.
            try await fixture.service.projector.database.write { try $0.execute(sql: "DROP TABLE measurements") }
            let posted = try await client.execute(
                uri: "/api/commits", method: .post, headers: ServerFixture.bearer(fixture.shelter),
                body: ServerFixture.body(commit))
            #expect(posted.status == .created, "the commit itself is in the log")
            var after = before
            for _ in 0..<200 where after == before {
                try await Task.sleep(for: .milliseconds(25))
                after = try await Self.failures(client, job: "publish", token: fixture.auditor)
            }
            #expect(after > before, "the failed publish is counted")
        }
    }

    /// `chainledger_background_failures_total{job="…"}` as `/metrics` shows it (0 before the first).
    static func failures(_ client: some TestClientProtocol, job: String, token: String) async throws -> Int {
        let metrics = try await client.execute(uri: "/metrics", method: .get, headers: ServerFixture.bearer(token)).text
        let prefix = "chainledger_background_failures_total{job=\"\(job)\"} "
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Double($0.dropFirst(prefix.count)) }.map { Int($0) } ?? 0
    }

    /// An application whose ledger opens only once its services run (a PostgreSQL store's pool)
    /// runs them first, then opens the ledger, then serves it.
    @Test func theLedgerOpensOnceTheServicesBeforeItRun() async throws {
        let fixture = try await ServerFixture.make()
        let pool = StartedService()
        let app = buildApplication(settings: ServerSettings(), logger: Logger(label: "test"), services: [pool]) {
            guard await pool.started(within: .seconds(10)) else { throw NotStarted() }
            return fixture.service
        }
        try await app.test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            let status = try await client.execute(
                uri: "/api/status?chain=street-to-home", method: .get,
                headers: ServerFixture.bearer(fixture.coordinator))
            #expect(status.status == .ok && status.text.contains("street-to-home"))
        }
    }

    /// A ledger that cannot be opened stops the application with the reason.
    @Test func aLedgerThatCannotBeOpenedStopsTheApplicationWithItsError() async throws {
        let app = buildApplication(settings: ServerSettings(), logger: Logger(label: "test"), services: [StartedService()]) {
            throw NotStarted()
        }
        await #expect(throws: NotStarted.self) {
            try await app.test(.router) { _ in }
        }
    }

    struct NotStarted: Error {}
}

/// A service that says when it started and then runs until graceful shutdown.
final class StartedService: Service, Sendable {
    private let starts = AsyncStream.makeStream(of: Void.self)

    func run() async throws {
        starts.continuation.yield()
        starts.continuation.finish()
        try? await gracefulShutdown()
    }

    /// Whether `run()` started within `timeout`.
    func started(within timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.starts.stream.first { _ in true } != nil }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
