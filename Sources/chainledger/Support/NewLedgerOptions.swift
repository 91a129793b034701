import ArgumentParser
import Foundation
import LedgerCore

/// Options of the commands that write a new SQLite ledger (`init`, `sample`): the file, and where
/// its checkpoint key goes.
struct NewLedgerOptions: ParsableArguments {
    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(
        name: .customLong("ledger-key"),
        help: ArgumentHelp(
            "Where to write the ledger's checkpoint key (default: DB.ledger-key).", valueName: "KEYFILE"))
    var ledgerKey: String?

    /// The new ledger's files; refuses names that exist already. `purpose` says what `command`
    /// does, for the refusal.
    func files(for command: String, purpose: String) throws -> NewLedgerFiles {
        let path = try ledgerOptions.file(for: command)
        let files = NewLedgerFiles(ledger: path, checkpointKey: ledgerKey ?? LedgerSource.checkpointKeyPath(beside: path))
        for existing in [files.ledger, files.checkpointKey] where FileManager.default.fileExists(atPath: existing) {
            throw CLIError("\(existing) already exists; `\(command)` \(purpose) and never touches an existing one")
        }
        return files
    }
}

/// The files of a new ledger: the SQLite file and its checkpoint key.
struct NewLedgerFiles {
    let ledger: String
    let checkpointKey: String

    /// Runs `body`; when it fails, removes what it wrote, which holds nothing worth keeping.
    func removing<T>(onFailureOf body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Self.remove(ledger: ledger)
            try? FileManager.default.removeItem(atPath: checkpointKey)
            throw error
        }
    }

    /// Removes a SQLite ledger file and its write-ahead log.
    static func remove(ledger path: String) {
        for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
    }
}
