import ChainDomain
import ChainProjections
import ChainSamples
import Foundation
import GRDB
import LedgerCore
import LedgerSQLite
import Testing

/// Incremental catch-up, full rebuild, digests and the atomic swap.
struct ProjectionMechanicsTests {
    /// The digest of a rebuild equals that of projections maintained incrementally (in pages that
    /// split commits anywhere) up to the same position.
    @Test(arguments: Samples.names + ["synthetic"])
    func rebuildDigestEqualsIncrementalDigest(_ name: String) async throws {
        let store = try await Ledgers.sample(name)
        let incremental = try Ledgers.projector(store)
        try await incremental.catchUp(pageSize: 37)
        let rebuilt = try Ledgers.projector(store)
        try await rebuilt.rebuild(pageSize: 1_000)
        let (positionA, digestsA) = try await incremental.digests()
        let (positionB, digestsB) = try await rebuilt.digests()
        #expect(positionA == (try await store.size()) && positionA == positionB)
        #expect(digestsA.map(\.digest) == digestsB.map(\.digest), "\(name)")
        #expect(digestsA.map(\.projection) == ["kpi-state", "responsibilities", "agreements", "dialogues", "timeline"])
        // Rebuilding in place over incrementally built tables gives the same digests again.
        try await incremental.rebuild()
        #expect(try await incremental.digests().digests.map(\.digest) == digestsA.map(\.digest))
    }

    /// A projections file made before the measurement indexes for KPI-tree revisions existed
    /// gets them when opened, and keeps its rows.
    @Test func anOlderProjectionsFileGetsTheNewIndexesWhenOpened() async throws {
        let store = try await Ledgers.sample("housing-first")
        let database = try DatabaseQueue()
        let projector = try Projector(database: database, store: store)
        try await projector.catchUp()
        let digest = try await projector.digests().digests.map(\.digest)
        func indexes() throws -> Set<String> {
            try database.read { db in
                Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'measurements'"))
            }
        }
        let all: Set = ["measurements_index_0_0", "measurements_index_1_0", "measurements_index_2_0", "measurements_index_3_0"]
        #expect(try indexes() == all)
        try await database.write { db in
            try db.execute(sql: "DROP INDEX measurements_index_1_0; DROP INDEX measurements_index_2_0")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'projections-v2-measurements-by-kpi'")
        }
        #expect(try indexes() == ["measurements_index_0_0", "measurements_index_3_0"])
        let reopened = try Projector(database: database, store: store)
        #expect(try indexes() == all)
        #expect(try await reopened.digests().digests.map(\.digest) == digest)
    }

    /// A projections file made before dialogue preparations gets their table and the dialogues'
    /// `preparation` column when opened; catching up with a log that holds preparations then fills
    /// them as a rebuild does.
    @Test func anOlderProjectionsFileGetsTheDialoguePreparationsWhenOpened() async throws {
        let counts = try await Self.reopened(
            "housing-first", before: "projections-v4-dialogue-preparations",
            undoing: "DROP TABLE dialogue_preparations; ALTER TABLE dialogues DROP COLUMN preparation",
            counting: ["SELECT COUNT(*) FROM dialogue_preparations", "SELECT COUNT(*) FROM dialogues WHERE preparation IS NOT NULL"])
        #expect(counts[0] > 0 && counts[1] == counts[0], "every preparation of the sample is cited by its dialogue")
    }

    /// A projections file made before customer values and link hypotheses gets their tables and
    /// columns when opened, and the next catch-up fills them as a rebuild would.
    @Test func anOlderProjectionsFileGetsValuesAndHypothesesWhenOpened() async throws {
        let counts = try await Self.reopened(
            "housing-first", before: "projections-v5-values-and-hypotheses",
            undoing:
                "DROP TABLE chain_values; DROP TABLE kpi_values; ALTER TABLE kpi_links DROP COLUMN hypothesis; ALTER TABLE kpi_links DROP COLUMN lag",
            counting: [
                "SELECT COUNT(*) FROM chain_values WHERE valid_to IS NULL", "SELECT COUNT(*) FROM kpi_values WHERE valid_to IS NULL",
                "SELECT COUNT(*) FROM kpi_links WHERE hypothesis IS NOT NULL AND valid_to IS NULL",
            ])
        #expect(counts == [5, 4, 4], "the sample's five values, four measured, four hypotheses")
    }

    /// A projections file made before declines and cited decisions gets them when opened.
    @Test func anOlderProjectionsFileGetsDeclinesAndCitedDecisionsWhenOpened() async throws {
        let counts = try await Self.reopened(
            "reentry", before: "projections-v6-agreement-declines",
            undoing: "DROP TABLE agreement_declines; ALTER TABLE agreements DROP COLUMN decision",
            counting: [
                "SELECT COUNT(*) FROM agreement_declines", "SELECT COUNT(*) FROM agreements WHERE decision IS NOT NULL AND valid_to IS NULL",
            ])
        #expect(counts == [3, 3], "three towns declined; their three amendments cite the decision")
    }

    /// A projections file made before commitments gets their tables when opened.
    @Test func anOlderProjectionsFileGetsCommitmentsWhenOpened() async throws {
        let counts = try await Self.reopened(
            "housing-first", before: "projections-v7-commitments", undoing: "DROP TABLE commitments; DROP TABLE commitment_fulfilments",
            counting: ["SELECT COUNT(*) FROM commitments", "SELECT COUNT(*) FROM commitment_fulfilments"])
        #expect(counts == [3, 2], "the scheme in both versions, the 2026 extension in the second; both kept")
    }

    /// A projections file made before the index of provisional values gets it when opened.
    @Test func anOlderProjectionsFileGetsTheIndexOfProvisionalValuesWhenOpened() async throws {
        let counts = try await Self.reopened(
            "housing-first", before: "projections-v8-provisional-values", undoing: "DROP INDEX measurements_index_3_0",
            counting: ["SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'measurements_index_3_0'"])
        #expect(counts == [1])
    }

    /// A projections file made before the owner's span gets its column when opened.
    @Test func anOlderProjectionsFileGetsTheOwnersSpanWhenOpened() async throws {
        let counts = try await Self.reopened(
            "housing-first", before: "projections-v10-owner-span", undoing: "ALTER TABLE policy DROP COLUMN owner_span",
            counting: ["SELECT COUNT(*) FROM pragma_table_info('policy') WHERE name = 'owner_span'", "SELECT COUNT(*) FROM policy"])
        #expect(counts == [1, 1])
    }

    /// A projections file made before the steering levels, with dialogues in it, is made again when
    /// opened: its dialogues, decisions and actions are kept, each at the chain level, and its
    /// digests then equal a rebuild's.
    @Test func anOlderProjectionsFileKeepsItsDialoguesAtTheChainLevel() async throws {
        let store = try await Ledgers.sample("reentry")
        let database = try DatabaseQueue()
        try await Projector(database: database, store: store).catchUp()
        let counting = [
            "SELECT COUNT(*) FROM dialogues", "SELECT COUNT(*) FROM decisions", "SELECT COUNT(*) FROM actions",
            "SELECT COUNT(*) FROM dialogues WHERE level = 'chain' AND department IS NULL",
        ]
        let before = try await database.read { db in try counting.map { try Int.fetchOne(db, sql: $0) ?? 0 } }
        try await database.write { db in
            // The three tables as projections-v8 made them: a chain for every row, no level.
            let old = [
                "dialogues": "dialogue TEXT NOT NULL, chain TEXT NOT NULL, day TEXT NOT NULL, reviewed_position INTEGER NOT NULL, "
                    + "participants TEXT NOT NULL, valid_from INTEGER NOT NULL, preparation TEXT",
                "decisions": "decision TEXT NOT NULL, dialogue TEXT NOT NULL, chain TEXT NOT NULL, text TEXT NOT NULL, rationale TEXT NOT NULL, "
                    + "decided_by_organisation TEXT NOT NULL, decided_by_person TEXT NOT NULL, evidence_positions TEXT NOT NULL, "
                    + "evidence_kpis TEXT NOT NULL, recorded_at INTEGER NOT NULL, valid_from INTEGER NOT NULL",
                "actions": "action TEXT NOT NULL, dialogue TEXT NOT NULL, chain TEXT NOT NULL, text TEXT NOT NULL, owner_organisation TEXT NOT NULL, "
                    + "owner_person TEXT NOT NULL, due TEXT NOT NULL, done_on TEXT, note TEXT, valid_from INTEGER NOT NULL, valid_to INTEGER",
            ]
            for (table, columns) in old {
                let names = columns.split(separator: ",").map { $0.split(separator: " ")[0] }.joined(separator: ", ")
                try db.execute(sql: "CREATE TABLE \(table)_v8 (\(columns)); INSERT INTO \(table)_v8 SELECT \(names) FROM \(table)")
                try db.execute(sql: "DROP TABLE \(table); ALTER TABLE \(table)_v8 RENAME TO \(table)")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'projections-v9-steering-levels'")
        }
        let reopened = try Projector(database: database, store: store)
        #expect(try await database.read { db in try counting.map { try Int.fetchOne(db, sql: $0) ?? 0 } } == before)
        #expect(before[0] > 0 && before[3] == before[0])
        try await reopened.catchUp()
        let rebuilt = try Ledgers.projector(store)
        try await rebuilt.rebuild()
        #expect(try await reopened.digests().digests.map(\.digest) == rebuilt.digests().digests.map(\.digest))
    }

    /// Makes `sample`'s projections file look as one made before `migration` (`undoing` what it adds),
    /// opens it again and catches up; checks that the digests then equal a rebuild's, and returns what
    /// the `counting` queries find.
    static func reopened(_ sample: String, before migration: String, undoing: String, counting: [String]) async throws -> [Int] {
        let store = try await Ledgers.sample(sample)
        let database = try DatabaseQueue()
        _ = try Projector(database: database, store: store)
        try await database.write { db in
            try db.execute(sql: undoing)
            // A file made before `migration` lacks every later one too (they are idempotent).
            try db.execute(
                sql: "DELETE FROM grdb_migrations WHERE rowid >= (SELECT rowid FROM grdb_migrations WHERE identifier = ?)", arguments: [migration])
        }
        let reopened = try Projector(database: database, store: store)
        try await reopened.catchUp()
        let counts = try await database.read { db in try counting.map { try Int.fetchOne(db, sql: $0) ?? 0 } }
        let rebuilt = try Ledgers.projector(store)
        try await rebuilt.rebuild()
        #expect(try await reopened.digests().digests.map(\.digest) == rebuilt.digests().digests.map(\.digest))
        return counts
    }

    @Test func digestsChangeWhenContentChanges() async throws {
        let store = try await Ledgers.sample("debt-collection")
        let projector = try Ledgers.projector(store)
        try await projector.catchUp()
        let before = try await projector.digests().digests
        try await projector.database.write { db in
            try db.execute(sql: "UPDATE measurements SET value = value + 1 WHERE rowid = 1")
        }
        let after = try await projector.digests().digests
        #expect(before[0].digest != after[0].digest && before[1...].map(\.digest) == after[1...].map(\.digest))
    }

    /// A rebuild that dies half-way leaves the live projections serving, unchanged; the next
    /// rebuild clears its leftovers.
    @Test func aCrashInTheMiddleOfARebuildLeavesTheOldProjectionsServing() async throws {
        let store = try await Ledgers.sample("housing-first")
        let projector = try Ledgers.projector(store)
        try await projector.catchUp()
        let digests = try await projector.digests()
        let tree = try await projector.readModels.kpiTree(chain: "street-to-home")
        await #expect(throws: Projector.RebuildInterrupted.self) { try await projector.rebuild(pageSize: 50, failAfter: 100) }
        #expect(try await projector.lastRebuild()?.outcome == .failed)
        #expect(try await projector.digests().digests.map(\.digest) == digests.digests.map(\.digest))
        #expect(try await projector.readModels.kpiTree(chain: "street-to-home") == tree)
        let leftovers = try await projector.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%__rebuild'")
        }
        #expect(!leftovers.isEmpty, "the interrupted rebuild left its shadow tables behind")
        try await projector.rebuild()
        #expect(try await projector.digests().digests.map(\.digest) == digests.digests.map(\.digest))
        let remaining = try await projector.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%__rebuild'")
        }
        #expect(remaining.isEmpty)
    }

    /// A checked rebuild catches the live tables up to where the rebuild reached, finds them
    /// equal and swaps; the outcome is recorded.
    @Test func aCheckedRebuildSwapsWhenTheLiveProjectionsAgree() async throws {
        let store = try await Ledgers.sample("housing-first")
        let projector = try Ledgers.projector(store)
        #expect(try await projector.position() == 0, "the live tables start behind the log")
        #expect(try await projector.lastRebuild() == nil)
        let position = try await projector.rebuild(pageSize: 100, check: true)
        #expect(position == (try await store.size()))
        #expect(try await projector.position() == position)
        let reference = try Ledgers.projector(store)
        try await reference.catchUp()
        #expect(try await projector.digests().digests.map(\.digest) == (try await reference.digests()).digests.map(\.digest))
        let last = try #require(try await projector.lastRebuild())
        #expect(last.outcome == .swapped && last.position == position && last.detail == nil && last.seconds >= 0)
    }

    /// A live table changed behind the ledger's back: the checked rebuild names the projection,
    /// the table and the first differing row, swaps nothing and keeps the rebuilt tables aside.
    @Test(arguments: [
        ("UPDATE kpis SET name = 'renamed' WHERE rowid = 2", "kpi-state", "kpis"),
        ("DELETE FROM decisions WHERE rowid = 1", "dialogues", "decisions"),
        ("INSERT INTO timeline SELECT * FROM timeline WHERE rowid = 1", "timeline", "timeline"),
    ])
    func aCheckedRebuildNamesTheFirstDifferingRow(_ change: String, _ projection: String, _ table: String) async throws {
        let store = try await Ledgers.sample("housing-first")
        let projector = try Ledgers.projector(store)
        try await projector.catchUp()
        try await projector.database.write { db in try db.execute(sql: change) }
        let tampered = try await projector.digests()
        let drift = try await #require(throws: ProjectionDrift.self) { try await projector.rebuild(check: true) }
        #expect(drift.projection == projection && drift.table == table, "\(drift)")
        let size = try await store.size()
        #expect(drift.live != drift.rebuilt && drift.position == size)
        #expect(drift.description.contains("table \(table), row \(drift.row) differs"), "\(drift)")
        if change.hasPrefix("UPDATE") { #expect(drift.live?.contains("name='renamed'") == true && drift.rebuilt?.contains("renamed") == false) }
        #expect(try await projector.digests().digests.map(\.digest) == tampered.digests.map(\.digest), "nothing was swapped")
        let aside = try await projector.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%__rebuild' ORDER BY name")
        }
        #expect(aside.contains("\(table)__rebuild"))
        let last = try #require(try await projector.lastRebuild())
        #expect(last.outcome == .drift && last.detail == drift.description)
        // The unchecked rebuild repairs it.
        try await projector.rebuild()
        #expect(try await projector.rebuild(check: true) == (try await store.size()))
        #expect(try await projector.lastRebuild()?.outcome == .swapped)
    }

    /// Readers on another connection see the old tables until the swap commits.
    @Test func readersNeverSeeAHalfBuiltState() async throws {
        let store = try await Ledgers.sample("debt-collection")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("projections-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("p.sqlite").path
        let projector = try Projector(path: path, store: store)
        try await projector.catchUp()
        let reader = try DatabasePool(path: path)
        let expected = try await ReadModels(database: reader).kpiTrees()
        let counts = LockedCounts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await projector.rebuild(pageSize: 10) }
            group.addTask {
                for _ in 0..<30 {
                    let trees = try await ReadModels(database: reader).kpiTrees()
                    if trees != expected { counts.mismatch() }
                    counts.read()
                }
            }
            try await group.waitForAll()
        }
        #expect(counts.mismatches == 0 && counts.reads == 30)
    }

    @Test func catchUpFollowsNewEntriesAndIsIdempotent() async throws {
        let store = try await Ledgers.sample("debt-collection")
        let projector = try Ledgers.projector(store)
        let applied = try await projector.catchUp()
        #expect(applied == (try await store.size()))
        #expect(try await projector.catchUp() == 0, "a second catch-up applies nothing")
        #expect(try await projector.position() == (try await store.size()))
    }
}

final class LockedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var reads = 0
    private(set) var mismatches = 0
    func read() {
        lock.lock()
        reads += 1
        lock.unlock()
    }
    func mismatch() {
        lock.lock()
        mismatches += 1
        lock.unlock()
    }
}
