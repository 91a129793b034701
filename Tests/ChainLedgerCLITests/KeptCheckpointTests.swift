import Foundation
import Testing

/// `verify --against`: a checkpoint a partner kept proves that the ledger still holds its tree.
/// A ledger restored from an older backup, or one that went on with another history, fails with
/// the evidence written beside it, and `evidence verify` checks that evidence offline.
@Suite(.serialized)
struct KeptCheckpointTests {
    static let append = ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"]

    /// Copies the ledger file (after folding in its write-ahead log) to `name`.
    static func copy(_ cli: CLIHarness, to name: String) throws {
        try cli.ledgerBytes().write(to: cli.folder.appendingPathComponent(name))
    }

    static func evidenceFiles(_ cli: CLIHarness) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).filter { $0.contains(".evidence-") }.sorted()
    }

    @Test func aLedgerThatGrewStillHoldsAKeptCheckpoint() throws {
        let cli = try CLIHarness.founded()
        try cli.write("kept.note", try cli.ok(["checkpoint", "--ledger", "ledger.db"]).stdout)
        try cli.ok(Self.append, input: CLIHarness.member("officer-1"))
        let output = try cli.ok(["verify", "--ledger", "ledger.db", "--against", "kept.note", "--json"])
        #expect(output.json["against"] as? Int == 1)
        #expect(try Self.evidenceFiles(cli).isEmpty)
    }

    @Test func aLedgerRestoredFromAnOlderBackupFails() throws {
        let cli = try CLIHarness.founded()
        try Self.copy(cli, to: "backup.db")
        try cli.ok(Self.append, input: CLIHarness.member("officer-1"))
        try cli.write("kept.note", try cli.ok(["checkpoint", "--ledger", "ledger.db"]).stdout)
        let key = try cli.ok(["checkpoint", "--ledger", "ledger.db", "--verifier-key"]).stdout.trimmingCharacters(in: .newlines)
        try FileManager.default.removeItem(at: cli.folder.appendingPathComponent("ledger.db"))
        try FileManager.default.moveItem(at: cli.folder.appendingPathComponent("backup.db"), to: cli.folder.appendingPathComponent("ledger.db"))
        try cli.ok(["verify", "--ledger", "ledger.db"])
        let output = try cli.run(["verify", "--ledger", "ledger.db", "--against", "kept.note"])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stderr.contains("does not hold the tree of kept.note (rollback)"), "\(output.stderr)")
        let files = try Self.evidenceFiles(cli)
        #expect(files.count == 1 && files[0].hasPrefix("ledger.db.evidence-") && files[0].hasSuffix("-rollback.txt"))
        #expect(output.stderr.contains(files[0]))
        let checked = try cli.ok(["evidence", "verify", files[0], "--verifier-key", key])
        #expect(checked.stdout.hasPrefix("proves (rollback): The ledger's key signed a tree of 7 entries"), "\(checked.stdout)")
    }

    @Test func aLedgerThatWentOnWithAnotherHistoryFails() throws {
        let cli = try CLIHarness.founded()
        try Self.copy(cli, to: "other.db")
        try FileManager.default.copyItem(
            at: cli.folder.appendingPathComponent("ledger.db.ledger-key"), to: cli.folder.appendingPathComponent("other.db.ledger-key"))
        // The partner's copy goes on one way, the ledger another, from the same size and key.
        try cli.ok(
            ["append", "--ledger", "other.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: CLIHarness.member("officer-there") + "\n" + CLIHarness.member("officer-there-too"))
        try cli.write("kept.note", try cli.ok(["checkpoint", "--ledger", "other.db"]).stdout)
        try cli.ok(Self.append, input: CLIHarness.member("officer-here"))
        try cli.ok(Self.append, input: CLIHarness.member("officer-here-too"))
        let key = try cli.ok(["checkpoint", "--ledger", "ledger.db", "--verifier-key"]).stdout.trimmingCharacters(in: .newlines)
        let output = try cli.run(["verify", "--ledger", "ledger.db", "--against", "kept.note"])
        #expect(output.status == 2, "\(output.stderr)")
        let files = try Self.evidenceFiles(cli)
        #expect(files.count == 1, "\(files)")
        let checked = try cli.ok(["evidence", "verify", files[0], "--verifier-key", key, "--json"])
        #expect(checked.json["proves"] as? Bool == true, "\(checked.stdout)")
        #expect(["fork", "inconsistent"].contains(checked.json["kind"] as? String ?? ""), "\(checked.stdout)")

        // A doctored copy of the evidence (one hash of its proof, or its kept note's root) is refused.
        let text = try String(contentsOf: cli.folder.appendingPathComponent(files[0]), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let target = lines.lastIndex { $0.hasPrefix("\t") }!
        lines[target] = "\t" + String(repeating: "A", count: 43) + "="
        try cli.write("doctored.txt", lines.joined(separator: "\n"))
        let refused = try cli.run(["evidence", "verify", "doctored.txt", "--verifier-key", key])
        #expect(refused.status == 1, "\(refused.stdout) \(refused.stderr)")
        #expect(refused.stderr.contains("does not hold up"), "\(refused.stderr)")
    }

    @Test func aCheckpointOfAnotherLedgerIsRefused() throws {
        let cli = try CLIHarness.founded()
        let other = try CLIHarness.founded()
        try cli.write("kept.note", try other.ok(["checkpoint", "--ledger", "ledger.db"]).stdout)
        let output = try cli.run(["verify", "--ledger", "ledger.db", "--against", "kept.note"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("kept.note is not a checkpoint signed by this ledger's key"), "\(output.stderr)")
    }
}
