import Foundation
import GRDB
import LedgerConformance
import LedgerCore
import LedgerSQLite
import Testing

/// SQLite stores on files in a temporary folder, so that a second connection (as a second
/// process would open) sees the same log.
struct SQLiteHarness: StoreHarness {
    func makeStore() async throws -> any LedgerStore {
        try SQLiteLedgerStore(path: TemporaryFolder.make().appendingPathComponent("ledger.sqlite").path)
    }

    func connect(to store: any LedgerStore) async throws -> any LedgerStore {
        let path = (store as! SQLiteLedgerStore).writer.path
        return try SQLiteLedgerStore(path: path)
    }
}

enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct SQLiteConformanceTests {
    @Test(arguments: StoreConformance.cases)
    func conformance(_ check: StoreConformance.Case) async throws {
        try await check.run(SQLiteHarness())
    }
}

struct SQLiteDurabilityTests {
    /// An acknowledged commit must survive power loss: WAL with a full fsync at every commit.
    @Test func ledgerFilesUseWALWithFullSync() async throws {
        let store = try SQLiteLedgerStore(path: TemporaryFolder.make().appendingPathComponent("l.sqlite").path)
        let (mode, synchronous) = try await store.writer.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2, "synchronous = FULL")
    }
}
