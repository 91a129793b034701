public import Logging
import PostgresNIO
import ServiceLifecycle

/// The store's connection pool as a swift-service-lifecycle `Service`: run by the caller's
/// `ServiceGroup` (`init(unstarted:)`, for a server) or by the store itself (`init(_:)`, for
/// one-shot uses).
extension PostgresLedgerStore {
    /// A store whose connection pool the caller runs: add the store to a `ServiceGroup` (it is a
    /// `Service`), then call `prepare()`. Nothing connects before the group runs; the pool closes
    /// on the group's graceful shutdown.
    public convenience init(
        unstarted location: PostgresLocation, connections: Int = 8,
        logger: Logger = Logger(label: "chainledger.postgres")
    ) {
        self.init(location, connections: connections, logger: logger, runsOwnPool: false)
    }

    /// Connects (a pool of at most `connections`) and migrates the schema if needed. The store
    /// runs its pool itself, in a `ServiceGroup` of its own, until `close()` or until it is
    /// released: for one-shot uses. A failure of the pool is logged.
    public convenience init(
        _ location: PostgresLocation, connections: Int = 8,
        logger: Logger = Logger(label: "chainledger.postgres")
    ) async throws {
        self.init(location, connections: connections, logger: logger, runsOwnPool: true)
        do {
            try await prepare()
        } catch {
            close()
            throw error
        }
    }

    /// Runs the connection pool until graceful shutdown or cancellation, for a store made with
    /// `init(unstarted:)` (once). A store opened with `init(_:)` runs its own pool: there it throws.
    public func run() async throws {
        guard ownGroup == nil else {
            throw PostgresStoreError.message(
                "the store for \(location) already runs its own connection pool; make it with init(unstarted:) to run it in a group")
        }
        await client.run()
    }

    /// Migrates the schema if needed. Call it once the pool runs (`run()`), before the first read.
    public func prepare() async throws {
        do {
            try await PostgresSchema.migrate(client, logger: logger)
        } catch {
            throw PostgresStoreError.wrap(error, doing: "opening the ledger at \(location)")
        }
    }

    /// Closes the connections of a store that runs its own pool (`init(_:)`); a store run by a
    /// group closes with the group.
    public func close() { ownGroup?.cancel() }
}
