import ArgumentParser
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import ChainDomain

/// The domain whose rules the command-line ledger enforces.
typealias CLIDomain = ChainRules

/// `--ledger DB` or `--postgres URL`, shared by every command that opens a ledger.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (SQLite).", valueName: "DB"))
    var ledger: String?

    @Option(name: .long, help: ArgumentHelp(
        "A ledger in PostgreSQL instead: postgres://USER@HOST:PORT/DATABASE. The password comes from PGPASSWORD; "
            + "or put the whole URL in the CHAINLEDGER_POSTGRES environment variable and leave out both options.", valueName: "URL"))
    var postgres: String?

    /// The ledger these options name.
    var source: LedgerSource { LedgerSource(ledger: ledger, postgres: postgres) }

    func location() throws -> LedgerSource.Location { try source.location() }
    var name: String { source.name }
    func sidecar() throws -> String { try source.sidecar() }
    func file(for command: String) throws -> String { try source.file(for: command) }
    func openStore() async throws -> any LedgerStore { try await source.openStore() }
    func openLedger() async throws -> Ledger<CLIDomain> { try await source.openLedger() }
}

/// A ledger: a SQLite file or a PostgreSQL database.
struct LedgerSource {
    var ledger: String?
    var postgres: String?

    init(ledger: String?, postgres: String?) {
        self.ledger = ledger
        self.postgres = postgres
    }

    init(file: String) {
        self.init(ledger: file, postgres: nil)
    }

    /// A ledger named by a file path or a postgres:// URL.
    init(named name: String) {
        let isURL = name.hasPrefix("postgres://") || name.hasPrefix("postgresql://")
        self.init(ledger: isURL ? nil : name, postgres: isURL ? name : nil)
    }

    /// Where the ledger is.
    enum Location {
        case file(String)
        case postgres(PostgresLocation)
    }

    func location() throws -> Location {
        switch (ledger, postgres) {
        case let (path?, nil): return .file(path)
        case let (nil, url?): return .postgres(try postgresLocation(url, passwordAllowed: false))
        case (nil, nil):
            if let url = ProcessInfo.processInfo.environment["CHAINLEDGER_POSTGRES"], !url.isEmpty {
                return .postgres(try postgresLocation(url, passwordAllowed: true))
            }
            throw CLIError("name the ledger: --ledger DB (a SQLite file) or --postgres URL (or CHAINLEDGER_POSTGRES)")
        case (_?, _?): throw CLIError("give either --ledger DB or --postgres URL, not both")
        }
    }

    private func postgresLocation(_ url: String, passwordAllowed: Bool) throws -> PostgresLocation {
        do {
            return try PostgresLocation(url: url, passwordAllowed: passwordAllowed)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The ledger as named in messages.
    var name: String { (try? location()).map { if case let .postgres(location) = $0 { "\(location)" } else { ledger ?? "" } } ?? "" }

    /// Files kept beside the ledger (projections, tokens, checkpoint key) start with this: the
    /// ledger file's path, or the PostgreSQL database's name in the current folder.
    func sidecar() throws -> String {
        switch try location() {
        case let .file(path): path
        case let .postgres(location): location.database
        }
    }

    /// The ledger file, for the commands that only write SQLite files.
    func file(for command: String) throws -> String {
        guard case let .file(path) = try location() else {
            throw CLIError("`\(command)` writes a new SQLite ledger; move it into PostgreSQL afterwards with `chainledger copy`")
        }
        return path
    }

    /// Opens an existing ledger; never creates one.
    func openStore() async throws -> any LedgerStore {
        switch try location() {
        case let .file(path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("there is no ledger at \(path): create one with `chainledger init`, or check the path")
            }
            do {
                return try SQLiteLedgerStore(path: path)
            } catch {
                throw CLIError("\(path) cannot be opened as a ledger: \(error)")
            }
        case let .postgres(location):
            do {
                return try await PostgresLedgerStore(location)
            } catch {
                throw CLIError("\(error)")
            }
        }
    }

    /// Opens the ledger for reading (no checkpoint key).
    func openLedger() async throws -> Ledger<CLIDomain> {
        let store = try await openStore()
        let ledger = try await Ledger(store: store, domain: CLIDomain())
        guard await ledger.registry.isFounded else {
            throw CLIError.emptyLedger(name)
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
        try await openLedger(options.source)
    }

    /// Opens an existing ledger for writing, with its checkpoint key.
    func openLedger(_ options: LedgerSource) async throws -> Ledger<CLIDomain> {
        try await openLedger(options, store: try await options.openStore())
    }

    /// Opens the ledger in `store`, already open, for writing, with its checkpoint key.
    func openLedger(_ options: LedgerSource, store: any LedgerStore) async throws -> Ledger<CLIDomain> {
        let path = checkpointKeyPath(for: try options.sidecar())
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("the ledger's checkpoint key \(path) is missing: pass the file `init` wrote with --ledger-key")
        }
        let checkpointKey = try KeyFile.readPrivate(path)
        let ledger = try await Ledger(store: store, domain: CLIDomain(), checkpointKey: checkpointKey)
        guard await ledger.registry.isFounded else {
            throw CLIError.emptyLedger(options.name)
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
