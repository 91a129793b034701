import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite

struct CopyCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole ledger between SQLite and PostgreSQL, row for row, and verify the copy.",
        discussion: """
            FROM and TO are SQLite files or postgres://USER@HOST:PORT/DATABASE URLs (the password comes from \
            PGPASSWORD, never from the command line). The target must be empty or hold a prefix of the same \
            log (an interrupted copy resumes). Afterwards the whole copy is verified: same size, and the root \
            recomputed from its stored bytes equals the source's signed checkpoint. Exit status 2 when it does not.
            """)

    @Option(help: ArgumentHelp("The ledger to copy: a SQLite file or a postgres:// URL.", valueName: "DB|URL")) var from: LedgerSource
    @Option(help: ArgumentHelp("Where to copy it: a new SQLite file or an empty PostgreSQL database.", valueName: "DB|URL")) var to: LedgerSource
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(help: "No progress on standard error.") var quiet = false
    @OptionGroup var languageOption: LanguageOption

    func validate() throws {
        _ = try from.location()
        _ = try to.location()
    }

    func run() async throws {
        let source = try await from.openStore()
        guard let signed = try await source.latestCheckpoint() else {
            throw CLIError("\(from.name) has no signed checkpoint: there is nothing verifiable to copy")
        }
        let newFile: String? = if case .file(let path) = try to.location(), !FileManager.default.fileExists(atPath: path) { path } else { nil }
        let target = try await Self.openTarget(to)
        let copied: UInt64
        let total = try await source.size()
        let text = languageOption.text
        let progress = ProgressDisplay("progress_copy", quiet: quiet, language: text.language)
        defer { progress.finish() }
        do {
            copied = try await LedgerCopy(from: source, to: target).run { progress.update($0, of: total) }
            progress.finish()
        } catch {
            // A file this command created holds nothing worth keeping.
            if let newFile { NewLedgerFiles.remove(ledger: newFile) }
            throw CLIError("the copy stopped: \(error)")
        }
        let report: VerificationReport
        do {
            report = try await LedgerVerifier(store: target, domain: CLIDomain()).run()
        } catch let error as LedgerError {
            throw IntegrityFailure("the copy does not verify: \(error)")
        }
        let sourceSize = try await source.size()
        guard report.size == sourceSize, signed.size == sourceSize, report.root == signed.root else {
            throw IntegrityFailure(
                description: "the copy differs: \(report.size) entries with root \(report.root.base64), "
                    + "the source \(sourceSize) entries with signed root \(signed.root.base64)")
        }
        if json {
            var line = JSONLine()
            line.number("copied", copied)
            line.number("size", report.size)
            line.string("root", report.root.base64)
            Terminal.print(line.text)
        } else {
            Terminal.print(text("cli_copied", ["copied": "\(copied)", "size": "\(report.size)", "root": report.root.base64]))
        }
    }

    /// A target: a PostgreSQL database (created tables if needed) or a new SQLite file.
    static func openTarget(_ target: LedgerSource) async throws -> any LedgerStore {
        if case .file(let path) = try target.location() {
            do {
                return try SQLiteLedgerStore(path: path)
            } catch {
                throw CLIError("cannot create the ledger file \(path): \(error)")
            }
        }
        return try await target.openStore()
    }
}
