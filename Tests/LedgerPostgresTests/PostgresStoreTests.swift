import Foundation
import LedgerConformance
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import TemporaryPostgres
import Testing

@Suite(.enabled(if: TemporaryPostgres.isInstalled, "the PostgreSQL server binaries are not installed"))
struct PostgresStoreTests {
    /// A founded ledger with a few commits on a new database.
    static func founded() async throws -> (TemporaryPostgres, String, PostgresLedgerStore, TestCoalition) {
        let server = try await TemporaryPostgres.shared()
        let url = try server.createDatabase()
        let store = try await PostgresLedgerStore(PostgresLocation(url: url, passwordAllowed: false))
        var coalition = try TestCoalition()
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        for index in 0..<5 {
            _ = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("note/\(index)", expected: 0)]))
        }
        return (server, url, store, coalition)
    }

    static func database(_ url: String) -> String {
        String(URLComponents(string: url)!.path.dropFirst())
    }

    /// History cannot be changed in the database itself, not even by the tables' owner.
    @Test func theDatabaseRefusesUpdateDeleteAndTruncate() async throws {
        let (server, url, store, _) = try await Self.founded()
        let database = Self.database(url)
        let before = try await store.entries(from: 0, limit: 100)
        for statement in [
            "UPDATE ledger_entries SET type = 'x' WHERE position = 3", "DELETE FROM ledger_entries WHERE position = 6",
            "TRUNCATE ledger_checkpoints", "UPDATE ledger_commits SET organisation = 'x'", "DELETE FROM ledger_commits",
            "UPDATE ledger_checkpoints SET note = ''",
        ] {
            #expect(throws: (any Error).self, "\(statement)") { try server.psql(database, statement) }
            do {
                try server.psql(database, statement)
            } catch {
                #expect("\(error)".contains("is append-only: history cannot be changed"), "\(statement): \(error)")
            }
        }
        #expect(try await store.entries(from: 0, limit: 100) == before)
    }

    /// A commit's signed bytes, mostly its events again, are compressed with lz4 where the server
    /// can; where it cannot, the migration still succeeds and keeps the default.
    @Test func signedCommitsAreCompressedWithLz4WhereTheServerCan() async throws {
        let (server, url, _, _) = try await Self.founded()
        let database = Self.database(url)
        let serverHasLz4 = (try? server.psql(database, "SET default_toast_compression = lz4")) != nil
        let method = try server.psql(
            database,
            """
            SELECT attcompression FROM pg_attribute WHERE attrelid = 'ledger_commits'::regclass AND attname = 'signed'
            """
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(method == (serverHasLz4 ? "l" : ""))
    }

    /// The server's role needs only SELECT and INSERT: it opens the migrated log and appends, and
    /// can neither change rows nor switch the triggers off.
    @Test func aRoleWithOnlySelectAndInsertAppends() async throws {
        let (server, url, _, coalition) = try await Self.founded()
        let database = Self.database(url)
        let role = "ledger_server_\(database.suffix(8))"
        try server.psql(database, "CREATE ROLE \(role) LOGIN")
        for statement in try PostgresLedgerStore.appendOnlyGrants(to: role) { try server.psql(database, statement) }
        #expect(throws: (any Error).self) { try PostgresLedgerStore.appendOnlyGrants(to: "x; DROP TABLE ledger_entries") }

        let restricted = try await PostgresLedgerStore(
            PostgresLocation(
                url: url.replacingOccurrences(of: "//\(server.user)@", with: "//\(role)@"),
                passwordAllowed: false))
        let writer = try await Ledger(store: restricted, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        let size = try await restricted.size()
        let receipt = try await writer.append(coalition.sign(by: coalition.founder, [TestCoalition.event("note/by-server", expected: 0)]))
        #expect(receipt.first == size && receipt.size == size + 1)
        _ = try await LedgerVerifier(store: restricted, domain: OpenDomain()).run()

        for statement in ["DELETE FROM ledger_entries", "ALTER TABLE ledger_entries DISABLE TRIGGER ALL", "DROP TABLE ledger_checkpoints"] {
            #expect(throws: (any Error).self, "\(statement)") { try server.psql(database, statement, as: role) }
        }
    }

    /// SQLite → PostgreSQL → SQLite: the same rows byte for byte, the same root, and a second copy
    /// into a complete target copies nothing.
    @Test func copyingKeepsTheLogByteForByte() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let original = try SQLiteLedgerStore(path: folder.appendingPathComponent("original.sqlite").path)
        var coalition = try TestCoalition()
        let ledger = try await Ledger(store: original, domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        _ = try await ledger.append(try coalition.genesis())
        // Group commits, so that transactions hold several commits and stored Merkle nodes.
        for round in 0..<40 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<5 {
                    let commit = coalition.sign(
                        by: coalition.founder, (0..<7).map { TestCoalition.event("note/\(round)/\(index)/\($0)", expected: 0) })
                    group.addTask { _ = try await ledger.append(commit) }
                }
                try await group.waitForAll()
            }
        }
        let server = try await TemporaryPostgres.shared()
        let postgres = try await PostgresLedgerStore(PostgresLocation(url: try server.createDatabase(), passwordAllowed: false))
        #expect(try await LedgerCopy(from: original, to: postgres).run() == (try await original.size()))
        let back = try SQLiteLedgerStore(path: folder.appendingPathComponent("back.sqlite").path)
        try await LedgerCopy(from: postgres, to: back).run()
        #expect(try await LedgerCopy(from: postgres, to: back).run() == 0)

        for store in [postgres, back] as [any LedgerStore] {
            #expect(try await store.entries(from: 0, limit: 10_000) == (try await original.entries(from: 0, limit: 10_000)))
            #expect(try await store.commits(from: 0, limit: 10_000) == (try await original.commits(from: 0, limit: 10_000)))
            // Both stores keep each event line once: every commit keeps its header line alone.
            #expect(try await store.keptCommits(from: 0, limit: 10_000).allSatisfy { $0.part == .header && $0.bytes.last == 0x0A })
            #expect(try await store.checkpoints(fromSize: 0, limit: 10_000) == (try await original.checkpoints(fromSize: 0, limit: 10_000)))
            #expect(
                try await store.storedNodes(fromKey: 0, limit: 10_000).map(\.node.storageKey)
                    == (try await original.storedNodes(fromKey: 0, limit: 10_000).map(\.node.storageKey)))
            let report = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
            #expect(report.root == (try await original.latestCheckpoint())?.root)
        }

        // A target holding another log is refused and left as it was.
        let other = try await Self.founded().2
        let otherSize = try await other.size()
        await #expect(throws: LedgerError.self) { try await LedgerCopy(from: original, to: other).run() }
        #expect(try await other.size() == otherSize)
    }
}
