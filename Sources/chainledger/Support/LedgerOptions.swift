import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore
import LedgerPostgres
import LedgerSQLite

/// The domain whose rules the command-line ledger enforces.
typealias CLIDomain = ChainRules

/// `--ledger DB` and `--postgres URL`, declared once. `LedgerOptions` adds that they name one
/// ledger; `TargetOptions` adds `--server` as a third way to name where commits go.
struct LedgerLocationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (SQLite).", valueName: "DB"))
    var ledger: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A ledger in PostgreSQL instead: postgres://USER@HOST:PORT/DATABASE. The password comes from PGPASSWORD; "
                + "or put the whole URL in the CHAINLEDGER_POSTGRES environment variable and leave out both options.", valueName: "URL"))
    var postgres: PostgresURL?

    /// The ledger as given.
    var source: LedgerSource { LedgerSource(ledger: ledger, postgres: postgres?.text) }

    func validate() throws {
        if let postgres { _ = try LedgerSource.postgresLocation(postgres.text, passwordAllowed: false) }
    }
}

/// `--ledger DB` or `--postgres URL` (or `CHAINLEDGER_POSTGRES`), shared by every command that
/// opens a ledger.
struct LedgerOptions: ParsableArguments {
    @OptionGroup var location: LedgerLocationOptions

    func validate() throws {
        _ = try location.source.location()
    }

    /// The ledger these options name.
    var source: LedgerSource { location.source }

    var name: String { source.name }
    func sidecar() throws -> String { try source.sidecar() }
    func file(for command: String) throws -> String { try source.file(for: command) }
    func openStore(damageIsIntegrityFailure: Bool = false) async throws -> any LedgerStore {
        try await source.openStore(damageIsIntegrityFailure: damageIsIntegrityFailure)
    }
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
        let isURL = PostgresURL.names(name)
        self.init(ledger: isURL ? nil : name, postgres: isURL ? name : nil)
    }

    /// Where the ledger is.
    enum Location {
        case file(String)
        case postgres(PostgresLocation)
    }

    func location() throws -> Location {
        switch (ledger, postgres) {
        case (let path?, nil): return .file(path)
        case (nil, let url?): return .postgres(try Self.postgresLocation(url, passwordAllowed: false))
        case (nil, nil):
            if let url = Self.environmentURL {
                return .postgres(try Self.postgresLocation(url, passwordAllowed: true))
            }
            throw CLIError("name the ledger: --ledger DB (a SQLite file) or --postgres URL (or CHAINLEDGER_POSTGRES)")
        case (_?, _?): throw CLIError("give either --ledger DB or --postgres URL, not both")
        }
    }

    /// The ledger named by `CHAINLEDGER_POSTGRES`, where neither option names one.
    static var environmentURL: String? {
        ProcessInfo.processInfo.environment["CHAINLEDGER_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func postgresLocation(_ url: String, passwordAllowed: Bool) throws -> PostgresLocation {
        do {
            return try PostgresLocation(url: url, passwordAllowed: passwordAllowed)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The ledger as named in messages.
    var name: String { (try? location()).map { if case .postgres(let location) = $0 { "\(location)" } else { ledger ?? "" } } ?? "" }

    /// Files kept beside the ledger (projections, tokens, checkpoint key) start with this: the
    /// ledger file's path, or the PostgreSQL database's name in the current folder.
    func sidecar() throws -> String {
        switch try location() {
        case .file(let path): path
        case .postgres(let location): location.database
        }
    }

    /// The ledger file, for the commands that only write SQLite files.
    func file(for command: String) throws -> String {
        guard case .file(let path) = try location() else {
            throw CLIError("`\(command)` writes a new SQLite ledger; move it into PostgreSQL afterwards with `chainledger copy`")
        }
        return path
    }

    /// Opens an existing ledger; never creates one. With `damageIsIntegrityFailure` (verify), a
    /// file the storage engine cannot read as a ledger is an integrity failure (exit 2), not a
    /// refusal.
    func openStore(damageIsIntegrityFailure: Bool = false) async throws -> any LedgerStore {
        switch try location() {
        case .file(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError("there is no ledger at \(path): create one with `chainledger init`, or check the path")
            }
            do {
                return try SQLiteLedgerStore(path: path)
            } catch {
                let message: Phrase = "\(path) cannot be opened as a ledger: \(error)"
                if damageIsIntegrityFailure { throw IntegrityFailure("verification failed: \(message)") }
                throw CLIError(message)
            }
        case .postgres(let location):
            do {
                return try await PostgresLedgerStore(location)
            } catch {
                throw CLIError("\(error)")
            }
        }
    }

    /// Opens the ledger for reading (no checkpoint key).
    func openLedger() async throws -> Ledger<CLIDomain> {
        try await founded(Ledger(store: try await openStore(), domain: CLIDomain()))
    }

    /// Opens the ledger for writing, with its checkpoint key: the file at `checkpointKey`, by
    /// default the one `init` wrote beside the ledger.
    func openLedger(checkpointKey path: String?) async throws -> Ledger<CLIDomain> {
        try await openLedger(checkpointKey: path, store: try await openStore())
    }

    /// Opens the ledger in `store`, already open, for writing, with its checkpoint key; new
    /// appends meet `limits`.
    func openLedger(
        checkpointKey path: String?, store: any LedgerStore, limits: AdmissionLimits = AdmissionLimits()
    ) async throws -> Ledger<CLIDomain> {
        let path = try path ?? Self.checkpointKeyPath(beside: sidecar())
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("the ledger's checkpoint key \(path) is missing: pass the file `init` wrote with --ledger-key")
        }
        let checkpointKey = try KeyFile.readPrivate(path)
        return try await founded(Ledger(store: store, domain: CLIDomain(), checkpointKey: checkpointKey, limits: limits))
    }

    private func founded(_ ledger: Ledger<CLIDomain>) async throws -> Ledger<CLIDomain> {
        guard await ledger.registry.isFounded else { throw CLIError.emptyLedger(name) }
        return ledger
    }

    /// Where `init` and `sample` write the checkpoint key of the ledger at `ledger`, unless told.
    static func checkpointKeyPath(beside ledger: String) -> String {
        ledger + ".ledger-key"
    }
}
