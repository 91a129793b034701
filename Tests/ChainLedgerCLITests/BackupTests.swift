import Foundation
import Testing

/// `backup` copies a ledger while it is written to, verified; `restore` writes a new file from a
/// backup; both refuse to overwrite a file and say why.
struct BackupTests {
    @Test func aBackupTakenWhileWritingVerifiesAndRestores() async throws {
        let cli = try CLIHarness()
        try cli.ok(["sample", "housing-first", "--ledger", "hf.db", "--keys", "keys"])
        let shelter = ["--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--key", "keys/stichting-opvang-heuvelstad.key"]
        // A writer appends while the backups are taken.
        let writer = Task.detached {
            for month in 1...9 {
                _ = try cli.run(["record"] + shelter + ["--kpi", "intake-14d", "--period", "2023-0\(month)", "--value", "90"])
            }
        }
        var sizes: [Int] = []
        for index in 0..<3 {
            let backup = try cli.ok(["backup", "--ledger", "hf.db", "--out", "backup-\(index).db", "--json"]).json
            sizes.append(try #require(backup["size"] as? Int))
        }
        try await writer.value
        #expect(sizes == sizes.sorted() && sizes[0] > 0, "\(sizes)")
        let verified = try cli.ok(["verify", "--ledger", "backup-2.db"])
        #expect(verified.status == 0)

        let restored = try cli.ok(["restore", "--from", "backup-2.db", "--ledger", "restored.db", "--json"]).json
        #expect(restored["size"] as? Int == sizes[2])
        let again = try cli.run(["restore", "--from", "backup-2.db", "--ledger", "restored.db"])
        #expect(again.status == 1 && again.stderr.contains("exists already"), "\(again.stderr)")
        let missing = try cli.run(["backup", "--ledger", "nowhere.db", "--out", "x.db"])
        #expect(missing.status == 1 && missing.stderr.contains("there is no ledger at nowhere.db"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("x.db")))
    }
}
