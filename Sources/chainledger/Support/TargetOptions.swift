import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore

/// Where a commit goes: a ledger file (`--ledger`), a ledger in PostgreSQL (`--postgres` or
/// `CHAINLEDGER_POSTGRES`) or a server (`--server`, with a bearer token).
struct DestinationOptions: ParsableArguments {
    @OptionGroup var location: LedgerLocationOptions

    @Option(help: ArgumentHelp("A ChainLedger server to submit to instead, e.g. http://127.0.0.1:8080.", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("The access token for --server (default: the CHAINLEDGER_TOKEN environment variable).", valueName: "TOKEN"))
    var token: String?

    @Option(
        name: .customLong("ledger-key"),
        help: ArgumentHelp(
            "With --ledger or --postgres: the ledger's checkpoint key file "
                + "(default: the ledger file's path, or the database's name, followed by .ledger-key).", valueName: "KEYFILE"))
    var ledgerKey: String?

    func validate() throws {
        let named = [location.ledger != nil, location.postgres != nil, server != nil].filter { $0 }.count
        guard named == 1 || (named == 0 && LedgerSource.environmentURL != nil) else {
            throw ValidationError("give one of --ledger DB, --postgres URL or --server URL")
        }
        _ = try remote()
    }

    /// Where commits go.
    func open() async throws -> any CommitTarget {
        if let remote = try remote() { return remote }
        return LocalLedger(ledger: try await location.source.openLedger(checkpointKey: ledgerKey))
    }

    /// The server `--server` names, with the token to present to it.
    private func remote() throws -> RemoteLedger? {
        guard let server else { return nil }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
            throw CLIError("--server \(server) is not an http(s) URL")
        }
        guard let token = token ?? ProcessInfo.processInfo.environment["CHAINLEDGER_TOKEN"], !token.isEmpty else {
            throw CLIError("--server needs an access token: --token or CHAINLEDGER_TOKEN (a coordinator issues one with `chainledger token issue`)")
        }
        return RemoteLedger(base: url, token: token)
    }
}

/// Options of the commands that sign and submit a commit: where it goes, and who signs it. The
/// commit is signed here, with the organisation's key; the private key never leaves this machine.
struct TargetOptions: ParsableArguments {
    @OptionGroup var destination: DestinationOptions

    @Option(help: ArgumentHelp("The organisation that signs the commit.", valueName: "ORG"))
    var org: String

    @Option(help: ArgumentHelp("The organisation's private key file (from `keygen`).", valueName: "KEYFILE"))
    var key: String

    var location: LedgerLocationOptions { destination.location }

    func signingKey() throws -> SigningKey {
        try KeyFile.readPrivate(key)
    }

    /// Where commits go.
    func open() async throws -> any CommitTarget { try await destination.open() }
}

/// A ledger that commits can be submitted to.
protocol CommitTarget: Sendable {
    func ledgerID() async throws -> CommitID?
    /// The stream's current version and the position of its latest entry.
    func head(of stream: String) async throws -> (version: UInt64, position: UInt64?)
    func append(_ commit: SignedCommit) async throws -> AppendReceipt
    /// The chain state, when it is at hand (a local ledger).
    func chainState() async -> ChainState?
    /// The latest version of an agreement.
    func agreementVersion(_ agreement: String) async throws -> Int?
    /// The log's size.
    func size() async throws -> UInt64
}

struct LocalLedger: CommitTarget {
    let ledger: Ledger<ChainRules>

    func ledgerID() async throws -> CommitID? { try await ledger.ledgerID() }

    func head(of stream: String) async throws -> (version: UInt64, position: UInt64?) {
        let version = try await ledger.store.version(of: stream)
        guard version > 0 else { return (0, nil) }
        return (version, try await ledger.store.entries(stream: stream, fromVersion: version, limit: 1).first?.position)
    }

    func append(_ commit: SignedCommit) async throws -> AppendReceipt { try await ledger.append(commit) }

    func chainState() async -> ChainState? { await ledger.domainState }

    func agreementVersion(_ agreement: String) async throws -> Int? { await ledger.domainState.agreements[agreement]?.latestVersion }

    func size() async throws -> UInt64 { try await ledger.store.size() }
}
