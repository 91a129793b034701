import Foundation
import LedgerConformance
import LedgerCore
import LedgerPostgres
import TemporaryPostgres
import Testing

/// Each store on a new database of the process's throwaway server; a second connection is a
/// second pool on the same database, as a second server process would open.
struct PostgresHarness: StoreHarness {
    func makeStore() async throws -> any LedgerStore {
        let server = try await TemporaryPostgres.shared()
        return try await PostgresLedgerStore(PostgresLocation(url: try server.createDatabase(), passwordAllowed: false))
    }

    func connect(to store: any LedgerStore) async throws -> any LedgerStore {
        let location = (store as! PostgresLedgerStore).location
        return try await PostgresLedgerStore(location)
    }
}

@Suite(.enabled(if: TemporaryPostgres.isInstalled, "the PostgreSQL server binaries are not installed"))
struct PostgresConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func conformance(_ check: StoreConformance.Case) async throws {
        try await check.run(PostgresHarness())
    }
}
