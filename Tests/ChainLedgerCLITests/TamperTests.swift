import Foundation
import GRDB
import LedgerCore
import Testing

/// History rewritten through SQLite itself, as someone with the `sqlite3` shell and write access
/// to the file could: `verify` must name the first wrong position and exit with status 2.
///
/// The founded ledger holds positions 0–2 (genesis), 3–4 (one commit) and 5 (one commit).
@Suite(.serialized)
struct TamperTests {
    static let dropTriggers = """
        DROP TRIGGER ledger_entries_refuse_update; DROP TRIGGER ledger_entries_refuse_delete;
        DROP TRIGGER ledger_commits_refuse_update; DROP TRIGGER ledger_commits_refuse_delete;
        DROP TRIGGER ledger_nodes_refuse_update; DROP TRIGGER ledger_nodes_refuse_delete;
        DROP TRIGGER ledger_checkpoints_refuse_update; DROP TRIGGER ledger_checkpoints_refuse_delete;
        """

    static let cases: [(name: String, sql: String, message: String)] = [
        (
            "a changed byte in an event",
            "UPDATE ledger_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'straat', 'Straat') AS BLOB) WHERE position = 3",
            "position 3: the event differs from event 1 of commit"
        ),
        (
            "a leaf hash changed",
            "UPDATE ledger_entries SET leaf_hash = (SELECT leaf_hash FROM ledger_entries WHERE position = 4) WHERE position = 3",
            "position 3: the stored leaf hash does not match"
        ),
        (
            "a changed byte in a commit",
            "UPDATE ledger_commits SET signed = CAST(replace(CAST(signed AS TEXT), ',\"events\":', ', \"events\":') AS BLOB) WHERE first_position = 3",
            "position 3: the bytes of commit"
        ),
        ("a deleted event in the middle", "DELETE FROM ledger_entries WHERE position = 4", "position 4: the entry is missing"),
        ("the last event deleted", "DELETE FROM ledger_entries WHERE position = 5", "position 5"),
        (
            "an inserted event",
            "INSERT INTO ledger_entries SELECT 6, stream, 3, type, commit_id, recorded_at, entry, leaf_hash FROM ledger_entries WHERE position = 5",
            "position 6"
        ),
        (
            "two events swapped",
            """
            UPDATE ledger_entries SET position = -1 WHERE position = 3;
            UPDATE ledger_entries SET position = 3 WHERE position = 4;
            UPDATE ledger_entries SET position = 4 WHERE position = -1;
            """, "position 3: the entry stored here is the one for position 4"
        ),
        (
            "a forged signature",
            "UPDATE ledger_commits SET signature = zeroblob(64) WHERE first_position = 5",
            "position 5: commit"
        ),
        (
            "a signature moved to another commit",
            "UPDATE ledger_commits SET signature = (SELECT signature FROM ledger_commits WHERE first_position = 3) WHERE first_position = 5",
            "the signature does not match"
        ),
        (
            "a commit re-pointed to another organisation's key",
            "UPDATE ledger_commits SET organisation = 'stichting-opvang' WHERE first_position = 5",
            "position 5: commit"
        ),
        (
            "a checkpoint with another root",
            "UPDATE ledger_checkpoints SET root = (SELECT root FROM ledger_checkpoints WHERE size = 3) WHERE size = 5",
            "position 4: the checkpoint note for size 5 disagrees"
        ),
        (
            "a checkpoint note swapped for an older one",
            "UPDATE ledger_checkpoints SET note = (SELECT note FROM ledger_checkpoints WHERE size = 3) WHERE size = 6",
            "position 5: the checkpoint note for size 6 disagrees"
        ),
        (
            "a Merkle node altered",
            "UPDATE ledger_nodes SET hash = zeroblob(32) WHERE node_key = (SELECT MAX(node_key) FROM ledger_nodes)",
            "does not match the recomputed hash"
        ),
        (
            "an event made unreadable",
            "UPDATE ledger_entries SET entry = CAST(replace(CAST(entry AS TEXT), '\"data\":{', '\"data\":{{') AS BLOB) WHERE position = 4",
            "position 4: the stored entry bytes were altered: they are not a readable entry"
        ),
        (
            "a commit's last position raised",
            "UPDATE ledger_commits SET last_position = 6 WHERE first_position = 5",
            "position 5: commit"
        ),
        (
            "an event changed and a later one deleted",
            """
            UPDATE ledger_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'straat', 'Straat') AS BLOB) WHERE position = 3;
            DELETE FROM ledger_entries WHERE position = 4;
            """, "position 3: the event differs from event 1 of commit"
        ),
        (
            "a leaf hash cut short",
            "UPDATE ledger_entries SET leaf_hash = zeroblob(31) WHERE position = 4",
            "position 4: the stored leaf hash is not 32 bytes"
        ),
        (
            "a node row that names no node of the tree",
            "INSERT INTO ledger_nodes VALUES (1222, randomblob(32))",
            "the stored Merkle node key 1222 names no node of the tree"
        ),
        (
            "a node row for leaves the log does not hold yet",
            "INSERT INTO ledger_nodes VALUES (\(31 << 6 | 4), randomblob(32))",
            "the store holds Merkle node(level 4, leaves 16…31), which no entry produces"
        ),
        (
            "an entry's version made negative",
            "UPDATE ledger_entries SET version = -1 WHERE position = 4",
            "position 4: the stored ledger_entries.version is -1, below zero"
        ),
        (
            "an entry's stream made a blob",
            "UPDATE ledger_entries SET stream = X'00' WHERE position = 3",
            "ledger_entries row 3: stream is stored as blob, not as text"
        ),
        (
            "a commit's signature made a number",
            "UPDATE ledger_commits SET signature = 5 WHERE first_position = 5",
            "ledger_commits row 3: signature is stored as integer, not as blob"
        ),
        (
            "a checkpoint's root made text",
            "UPDATE ledger_checkpoints SET root = 'root' WHERE size = 5",
            "ledger_checkpoints row 5: root is stored as text, not as blob"
        ),
        (
            "an older checkpoint deleted",
            "DELETE FROM ledger_checkpoints WHERE size = 5",
            "position 5: the checkpoint for size 6 follows one for size 5, which the store no longer holds: a checkpoint was removed"
        ),
        (
            "an index of the log pointed at an empty one, so that it misses every row",
            """
            CREATE TABLE spare (x UNIQUE); PRAGMA writable_schema = ON;
            UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema WHERE name = 'sqlite_autoindex_spare_1')
            WHERE name = 'sqlite_autoindex_ledger_entries_1';
            PRAGMA writable_schema = OFF;
            """,
            "the storage engine's own check finds the stored log damaged: "
        ),
        (
            "a time moved",
            "UPDATE ledger_entries SET recorded_at = recorded_at + 1 WHERE position = 5",
            "position 5: the entry's index columns"
        ),
        (
            "a commit filed before the log's first position",
            """
            INSERT INTO ledger_commits SELECT '\(String(repeating: "ab", count: 32))', -4, -4, organisation, key_id, recorded_at, signed,
            signature, signed_is_header FROM ledger_commits WHERE first_position = 5
            """,
            "ledger_commits holds a row with first_position -4, before the log's first position: it was added outside the ledger"
        ),
        (
            "an entry filed before the log's first position",
            "INSERT INTO ledger_entries SELECT -1, stream, 9, type, commit_id, recorded_at, entry, leaf_hash FROM ledger_entries WHERE position = 5",
            "ledger_entries holds a row with position -1, before the log's first position"
        ),
        (
            "a node filed under a negative key",
            "INSERT INTO ledger_nodes SELECT -64, hash FROM ledger_nodes LIMIT 1",
            "ledger_nodes holds a row with node_key -64, before the log's first position"
        ),
        (
            "a checkpoint for a negative size",
            "INSERT INTO ledger_checkpoints SELECT -6, root, note, previous_size FROM ledger_checkpoints WHERE size = 6",
            "ledger_checkpoints holds a row with size -6, before the log's first position"
        ),
        // Values that read back the same but are not what the ledger wrote (tools/tamper-check
        // found both passing verify).
        (
            "a position stored as a fraction",
            "UPDATE ledger_commits SET last_position = last_position + 0.25 WHERE first_position = 5",
            "ledger_commits row 3: last_position is stored as real, not as integer"
        ),
        (
            "a key id stored as a blob",
            "UPDATE ledger_commits SET key_id = CAST(key_id AS BLOB) WHERE first_position = 3",
            "ledger_commits row 2: key_id is stored as blob, not as text"
        ),
    ]

    @Test(arguments: cases.indices)
    func verifyNamesTheFirstWrongPosition(_ index: Int) throws {
        let (name, sql, message) = Self.cases[index]
        let cli = try CLIHarness.founded()
        if sql.contains("ledger_nodes") { try Self.grow(cli) }
        try cli.ok(["verify", "--ledger", "ledger.db"])
        try cli.tamper(Self.dropTriggers + sql)
        let output = try cli.run(["verify", "--ledger", "ledger.db"])
        #expect(output.status == 2, "\(name): exit status \(output.status), \(output.stderr)")
        #expect(output.stderr.contains(message), "\(name): \(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1)
    }

    /// An event changed together with its stored leaf hash: only the commit's signature still
    /// tells, so `verify` names the commit's first position.
    @Test func anEventChangedWithItsLeafHash() throws {
        let cli = try CLIHarness.founded()
        let entry = try DatabaseQueue(path: cli.path("ledger.db")).read { db in
            try [UInt8](Data.fetchOne(db, sql: "SELECT entry FROM ledger_entries WHERE position = 4")!)
        }
        let changed = Array(String(decoding: entry, as: UTF8.self).replacingOccurrences(of: "sociaal", with: "Sociaal").utf8)
        #expect(changed != entry)
        try cli.tamper(
            Self.dropTriggers + """
                UPDATE ledger_entries SET entry = X'\(Self.hex(changed))', leaf_hash = X'\(Self.hex(TreeHash.leaf(changed).bytes))'
                WHERE position = 4
                """)
        let output = try cli.run(["verify", "--ledger", "ledger.db"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("position 3: the bytes of commit"), "\(output.stderr)")
        #expect(output.stderr.contains("put back together from its header and its entries 3…4"), "\(output.stderr)")
    }

    /// A ledger from before commits kept only their header (schema v1: every commit's whole
    /// document in `signed`) still reads and verifies; commits appended after the upgrade keep
    /// their header alone, and a changed event in an old commit is named as before.
    @Test func aLedgerThatKeepsWholeDocumentsStillReadsAndVerifies() throws {
        let cli = try CLIHarness.founded()
        let commits = try cli.ok(["commits", "--ledger", "ledger.db", "--json"]).stdout
        var downgrade = Self.dropTriggers
        for line in try cli.ok(["commits", "--ledger", "ledger.db", "--json"]).jsonLines {
            let signed = Data(base64Encoded: line["signed"] as? String ?? "") ?? Data()
            let id = line["id"] as? String ?? ""
            #expect(!signed.isEmpty && !id.isEmpty)
            downgrade += "UPDATE ledger_commits SET signed = X'\(Self.hex(signed))' WHERE id = '\(id)';\n"
        }
        downgrade += """
            ALTER TABLE ledger_commits DROP COLUMN signed_is_header;
            DELETE FROM grdb_migrations WHERE identifier = 'ledger-v2-commit-headers';
            """
        for table in ["ledger_entries", "ledger_commits", "ledger_nodes", "ledger_checkpoints"] {
            for operation in ["UPDATE", "DELETE"] {
                downgrade += """
                    CREATE TRIGGER \(table)_refuse_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'append-only'); END;

                    """
            }
        }
        try cli.tamper(downgrade)
        try cli.ok(["verify", "--ledger", "ledger.db"])
        #expect(try cli.ok(["commits", "--ledger", "ledger.db", "--json"]).stdout == commits)
        try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: CLIHarness.member("officer-new"))
        try cli.ok(["verify", "--ledger", "ledger.db"])
        let kept = try DatabaseQueue(path: cli.path("ledger.db")).read { db in
            try Bool.fetchAll(db, sql: "SELECT signed_is_header FROM ledger_commits ORDER BY first_position")
        }
        #expect(kept == [false, false, false, true])
        try cli.tamper(Self.dropTriggers + Self.cases[0].sql)
        let output = try cli.run(["verify", "--ledger", "ledger.db"])
        #expect(output.status == 2)
        #expect(output.stderr.contains(Self.cases[0].message), "\(output.stderr)")
    }

    /// A stored checkpoint note whose signature is spelled another way in base64 (the same bytes):
    /// `verify` refuses it, so the ledger never holds two byte-different notes that both check.
    @Test func aCheckpointSignatureSpelledAnotherWay() throws {
        let cli = try CLIHarness.founded()
        let note = try DatabaseQueue(path: cli.path("ledger.db")).read { db in
            try String.fetchOne(db, sql: "SELECT note FROM ledger_checkpoints WHERE size = 5")!
        }
        let signature = String(note.split(separator: " ").last!.dropLast())
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var twin = Array(signature)
        let last = twin.lastIndex { $0 != "=" }!
        twin[last] = alphabet[alphabet.firstIndex(of: twin[last])! ^ 1]
        let changed = note.replacingOccurrences(of: signature, with: String(twin))
        #expect(changed != note && Data(base64Encoded: String(twin)) == Data(base64Encoded: signature))
        try cli.tamper(Self.dropTriggers + "UPDATE ledger_checkpoints SET note = '\(changed)' WHERE size = 5")
        let output = try cli.run(["verify", "--ledger", "ledger.db"])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stderr.contains("position 4: the checkpoint for size 5 is not validly signed by the ledger's key"), "\(output.stderr)")
    }

    /// Checkpoints stored before they recorded the one before them still verify; those stored
    /// after continue the chain from the last of them, and one that stops recording is refused.
    @Test func checkpointsFromBeforeTheChainStillVerify() throws {
        let cli = try CLIHarness.founded()
        try cli.tamper(Self.dropTriggers + "UPDATE ledger_checkpoints SET previous_size = NULL")
        try cli.ok(["verify", "--ledger", "ledger.db"])
        try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: CLIHarness.member("officer-new"))
        try cli.ok(["verify", "--ledger", "ledger.db"])
        try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: CLIHarness.member("officer-newer"))
        try cli.tamper("UPDATE ledger_checkpoints SET previous_size = NULL WHERE size = 8")
        let output = try cli.run(["verify", "--ledger", "ledger.db"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("position 7: the checkpoint for size 8 does not record the checkpoint before it"), "\(output.stderr)")
    }

    /// A node row stored ahead of the log: every later append meets it. The append says the file
    /// was altered and writes nothing; verify names the row.
    @Test func anAppendThatMeetsATamperedStoreSaysSo() throws {
        let cli = try CLIHarness.founded()
        try Self.grow(cli)
        try cli.tamper("INSERT INTO ledger_nodes VALUES (\(31 << 6 | 4), randomblob(32))")
        let before = try cli.ledgerBytes("ledger.db")
        let lines = (0..<8).map { CLIHarness.member("officer-late-\($0)") }
        let output = try cli.run(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: lines.joined(separator: "\n"))
        #expect(output.status != 0)
        #expect(output.stderr.contains("the ledger file holds a row beyond the log's end"), "\(output.stderr)")
        #expect(output.stderr.contains("it was altered outside the ledger"), "\(output.stderr)")
        #expect(try cli.ledgerBytes("ledger.db") == before, "nothing was appended")
    }

    /// The ledger file cut short (tools/tamper-check found verify refusing these with status 1, as
    /// if nothing had been there): with its checkpoint key beside it, an emptied file is an
    /// integrity failure, and so is a file cut to its first page.
    @Test(arguments: [0, 4096])
    func aLedgerFileCutShort(_ length: UInt64) throws {
        let cli = try CLIHarness.founded()
        _ = try cli.ledgerBytes("ledger.db") // checkpoints the write-ahead log into the file
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(at: cli.folder.appendingPathComponent("ledger.db" + suffix)) }
        let file = try FileHandle(forUpdating: cli.folder.appendingPathComponent("ledger.db"))
        try file.truncate(atOffset: length)
        try file.close()
        let output = try cli.run(["verify", "--ledger", "ledger.db"])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stderr.hasPrefix("chainledger: verification failed: "), "\(output.stderr)")
    }

    /// A page of a log table that the storage engine cannot read (the commits table's root page,
    /// its page-type byte zeroed): `verify` reports the file as damaged, with status 2, rather than
    /// failing on the engine's error.
    @Test func aPageTheStorageEngineCannotRead() throws {
        let cli = try CLIHarness.founded()
        _ = try cli.ledgerBytes("ledger.db")
        let (page, pageSize) = try DatabaseQueue(path: cli.path("ledger.db")).read { db in
            (
                try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_schema WHERE name = 'ledger_commits'") ?? 0,
                try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            )
        }
        #expect(page > 1 && pageSize > 0)
        let file = try FileHandle(forUpdating: cli.folder.appendingPathComponent("ledger.db"))
        try file.seek(toOffset: UInt64((page - 1) * pageSize))
        try file.write(contentsOf: Data([0]))
        try file.close()
        let output = try cli.run(["verify", "--ledger", "ledger.db"])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(
            output.stderr.contains("the storage engine cannot read the ledger file (database disk image is malformed): it was damaged"),
            "\(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Adds 20 events (positions 6–25), so that the tree has stored interior nodes.
    static func grow(_ cli: CLIHarness) throws {
        let lines = (0..<20).map { CLIHarness.member("officer-\($0)") }
        try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: lines.joined(separator: "\n"))
    }

    @Test func theDatabaseRefusesUpdatesAndDeletes() throws {
        let cli = try CLIHarness.founded()
        try Self.grow(cli)
        for sql in [
            "UPDATE ledger_entries SET type = 'X' WHERE position = 3", "DELETE FROM ledger_entries WHERE position = 5",
            "UPDATE ledger_commits SET organisation = 'x'", "DELETE FROM ledger_checkpoints", "DELETE FROM ledger_nodes",
            "UPDATE ledger_nodes SET hash = zeroblob(32)",
        ] {
            #expect(throws: (any Error).self, "\(sql)") { try cli.tamper(sql) }
        }
        do {
            try cli.tamper("DELETE FROM ledger_entries WHERE position = 5")
        } catch {
            #expect("\(error)".contains("append-only"))
        }
        try cli.ok(["verify", "--ledger", "ledger.db"])
    }
}
