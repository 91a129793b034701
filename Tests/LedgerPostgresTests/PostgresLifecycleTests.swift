import LedgerPostgres
import ServiceLifecycle
import TemporaryPostgres
import Testing

/// The store's connection pool as a service: run by the caller's `ServiceGroup` (a server), or by
/// the store itself (one-shot uses).
@Suite(.enabled(if: TemporaryPostgres.isInstalled, "the PostgreSQL server binaries are not installed"))
struct PostgresLifecycleTests {
    /// An unstarted store opens once the group that runs it runs, and the group's graceful
    /// shutdown ends its pool.
    @Test func anUnstartedStoreRunsInTheCallersGroup() async throws {
        let server = try await TemporaryPostgres.shared()
        let store = PostgresLedgerStore(unstarted: try PostgresLocation(url: try server.createDatabase(), passwordAllowed: false))
        let group = ServiceGroup(services: [store])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await store.prepare()
            #expect(try await store.size() == 0)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// A store that runs its own pool cannot be run by a group as well.
    @Test func aStoreThatRunsItsOwnPoolRefusesToRunAgain() async throws {
        let server = try await TemporaryPostgres.shared()
        let store = try await PostgresLedgerStore(PostgresLocation(url: try server.createDatabase(), passwordAllowed: false))
        defer { store.close() }
        await #expect(throws: PostgresStoreError.self) { try await store.run() }
        #expect(try await store.size() == 0, "the store's own pool still serves")
    }
}
