import Foundation
import Testing

/// Long work shows its progress on standard error, in the locale's language, and `--quiet`
/// silences it; standard output stays the result alone.
@Suite(.serialized)
struct ProgressTests {
    @Test func verifyCopyAndRebuildShowProgressInTheLocalesLanguage() throws {
        let cli = try DomainCommandTests.sample()
        let dutch = ["LANG": "nl_NL.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""]
        let verified = try cli.run(["verify", "--ledger", "hf.db"], environment: dutch)
        #expect(verified.status == 0)
        let size = try #require(verified.stdout.split(separator: " ").dropFirst().first.map(String.init))
        #expect(verified.stderr.contains("controleren: \(size) van \(size) posities (100 %)"), "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("ok: ") && !verified.stdout.contains("controleren"))

        let english = try cli.run(["verify", "--ledger", "hf.db"], environment: ["LANG": "C", "LC_ALL": "", "LC_MESSAGES": ""])
        #expect(english.stderr.contains("verifying: \(size) of \(size) entries (100 %)"), "\(english.stderr)")

        let quiet = try cli.run(["verify", "--ledger", "hf.db", "--quiet"], environment: dutch)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")

        let copied = try cli.run(["copy", "--from", "hf.db", "--to", "copy.db"], environment: dutch)
        #expect(copied.status == 0 && copied.stderr.contains("kopiëren: \(size) van \(size) posities (100 %)"), "\(copied.stderr)")

        let rebuilt = try cli.run(["rebuild", "--ledger", "hf.db"], environment: dutch)
        #expect(rebuilt.status == 0 && rebuilt.stderr.contains("herbouwen: \(size) van \(size) posities (100 %)"), "\(rebuilt.stderr)")
        let quietRebuild = try cli.run(["rebuild", "--ledger", "hf.db", "--quiet"], environment: dutch)
        #expect(!quietRebuild.stderr.contains("herbouwen"), "\(quietRebuild.stderr)")
    }
}
