import ArgumentParser
import Foundation
import LedgerCore
import LedgerSQLite
import ChainDomain

/// The domain whose rules the command-line ledger enforces.
typealias CLIDomain = ChainRules

/// `--ledger DB`, shared by every command that opens a ledger.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (SQLite).", valueName: "DB"))
    var ledger: String

    init() {}

    init(ledger: String) {
        self.ledger = ledger
    }

    /// Opens an existing ledger file; never creates one.
    func openStore() throws -> SQLiteLedgerStore {
        guard FileManager.default.fileExists(atPath: ledger) else {
            throw CLIError("there is no ledger at \(ledger): create one with `chainledger init`, or check the path")
        }
        do {
            return try SQLiteLedgerStore(path: ledger)
        } catch {
            throw CLIError("\(ledger) cannot be opened as a ledger: \(error)")
        }
    }

    /// Opens the ledger for reading (no checkpoint key).
    func openLedger() async throws -> Ledger<CLIDomain> {
        let store = try openStore()
        let ledger = try await Ledger(store: store, domain: CLIDomain())
        guard await ledger.registry.isFounded else {
            throw CLIError("the ledger at \(self.ledger) is empty: create it with `chainledger init`")
        }
        return ledger
    }
}

/// Opening a ledger file for writing, with its checkpoint key.
struct WriteOptions {
    var ledgerKey: String?

    func checkpointKeyPath(for ledger: String) -> String {
        ledgerKey ?? ledger + ".ledger-key"
    }

    /// Opens an existing ledger for writing, with its checkpoint key.
    func openLedger(_ options: LedgerOptions) async throws -> Ledger<CLIDomain> {
        let store = try options.openStore()
        let path = checkpointKeyPath(for: options.ledger)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("the ledger's checkpoint key \(path) is missing: pass the file `init` wrote with --ledger-key")
        }
        let checkpointKey = try KeyFile.readPrivate(path)
        let ledger = try await Ledger(store: store, domain: CLIDomain(), checkpointKey: checkpointKey)
        guard await ledger.registry.isFounded else {
            throw CLIError("the ledger at \(options.ledger) is empty: create it with `chainledger init`")
        }
        return ledger
    }
}

/// Private key files in the signed-note `PRIVATE+KEY+…` format.
enum KeyFile {
    static func readPrivate(_ path: String) throws -> SigningKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("cannot read the key file \(path)")
        }
        do {
            return try SigningKey(parsing: text)
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }

    /// Writes a private key readable by its owner only; refuses to replace an existing file.
    static func write(_ key: SigningKey, to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(path) already exists; a key file is never overwritten: choose another path")
        }
        let created = FileManager.default.createFile(
            atPath: path, contents: Data(key.fileText.utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw CLIError("cannot write the key file \(path)") }
    }
}
