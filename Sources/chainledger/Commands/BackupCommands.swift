import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore
import LedgerSQLite

/// `backup` and `restore`: a SQLite ledger copied through SQLite's online backup API, and
/// verified on both ends.
enum LedgerBackup {
    /// Copies the ledger file `from` into the new file `to`, verifies the copy and returns its
    /// report; a copy that does not verify is removed.
    static func copy(from: String, to: String) async throws -> VerificationReport {
        guard FileManager.default.fileExists(atPath: from) else { throw CLIError("there is no ledger at \(from)") }
        guard !FileManager.default.fileExists(atPath: to) else {
            throw CLIError("\(to) exists already: the copy goes to a new file (move the old one aside first)")
        }
        do {
            try SQLiteLedgerStore(path: from).backup(to: to)
        } catch {
            NewLedgerFiles.remove(ledger: to)
            throw CLIError("the copy of \(from) stopped: \(error)")
        }
        let copy = try SQLiteLedgerStore(path: to)
        do {
            let report = try await LedgerVerifier(store: copy, domain: CLIDomain()).run()
            guard let signed = try await copy.latestCheckpoint(), signed.size == report.size, signed.root == report.root else {
                throw IntegrityFailure(description: "the copy's latest signed checkpoint does not cover its \(report.size) entries")
            }
            return report
        } catch let error as LedgerError {
            NewLedgerFiles.remove(ledger: to)
            throw IntegrityFailure("the copy of \(from) does not verify: \(error)")
        } catch {
            NewLedgerFiles.remove(ledger: to)
            throw error
        }
    }

    static func print(_ report: VerificationReport, file: String, json: Bool, _ text: CommandText) {
        if json {
            var line = JSONLine()
            line.string("file", file)
            line.number("size", report.size)
            line.string("root", report.root.base64)
            Terminal.print(line.text)
        } else {
            Terminal.print(text("cli_backup_verified", ["file": file, "size": "\(report.size)", "root": report.root.base64]))
        }
    }
}

struct BackupCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a SQLite ledger into a new file while a server may write to it, and verify the copy.",
        discussion: """
            SQLite's online backup API copies the ledger as it stood at one moment, without stopping writers. \
            The copy is verified whole (every signature, entry and checkpoint) before the command succeeds; \
            a copy that does not verify is removed (exit status 2). The checkpoint key (DB.ledger-key, a secret), \
            the access tokens (DB.access) and the projections are separate files: keep the key apart from the \
            backup, and rebuild projections after a restore.
            """)

    @Option(help: ArgumentHelp("The ledger file to back up.", valueName: "DB")) var ledger: String
    @Option(help: ArgumentHelp("The backup file to write; it must not exist.", valueName: "FILE")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var languageOption: LanguageOption

    func run() async throws {
        LedgerBackup.print(try await LedgerBackup.copy(from: ledger, to: out), file: out, json: json, languageOption.text)
    }
}

struct RestoreCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a SQLite ledger from a backup into a new file, verified.",
        discussion: """
            Writes a new ledger file only: stop the server and move the damaged file (with its -wal and -shm) \
            aside first. The restored ledger is verified whole. A backup older than what partners already hold \
            is a rollback they will see: their `verify --against` and replicas refuse a ledger that lost entries \
            they hold a signed checkpoint for.
            """)

    @Option(help: ArgumentHelp("The backup file.", valueName: "FILE")) var from: String
    @Option(help: ArgumentHelp("The ledger file to write; it must not exist.", valueName: "DB")) var ledger: String
    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var languageOption: LanguageOption

    func run() async throws {
        LedgerBackup.print(try await LedgerBackup.copy(from: from, to: ledger), file: ledger, json: json, languageOption.text)
    }
}
