import ArgumentParser
import ChainDomain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LedgerCore

/// Options of the commands that sign and submit a commit: to a ledger file (`--ledger`), a ledger
/// in PostgreSQL (`--postgres`) or a server (`--server`, with a bearer token). Either way the commit is signed here, with the
/// organisation's key; the private key never leaves this machine.
struct TargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The ledger file (SQLite).", valueName: "DB"))
    var ledger: String?

    @Option(help: ArgumentHelp(
        "A ledger in PostgreSQL instead: postgres://USER@HOST:PORT/DATABASE (the password comes from PGPASSWORD).", valueName: "URL"))
    var postgres: String?

    @Option(help: ArgumentHelp("A ChainLedger server to submit to instead, e.g. http://127.0.0.1:8080.", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("The access token for --server (default: the CHAINLEDGER_TOKEN environment variable).", valueName: "TOKEN"))
    var token: String?

    @Option(name: .customLong("ledger-key"), help: ArgumentHelp(
        "With --ledger or --postgres: the ledger's checkpoint key file (default: the ledger file's path, or the database's name, followed by .ledger-key).", valueName: "KEYFILE"))
    var ledgerKey: String?

    @Option(help: ArgumentHelp("The organisation that signs the commit.", valueName: "ORG"))
    var org: String

    @Option(help: ArgumentHelp("The organisation's private key file (from `keygen`).", valueName: "KEYFILE"))
    var key: String

    func validate() throws {
        guard [ledger, postgres, server].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give one of --ledger DB, --postgres URL or --server URL")
        }
    }

    func signingKey() throws -> SigningKey {
        try KeyFile.readPrivate(key)
    }

    /// Where commits go.
    func open() async throws -> any CommitTarget {
        if let server {
            guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https" else {
                throw CLIError("--server \(server) is not an http(s) URL")
            }
            guard let token = token ?? ProcessInfo.processInfo.environment["CHAINLEDGER_TOKEN"], !token.isEmpty else {
                throw CLIError("--server needs an access token: --token or CHAINLEDGER_TOKEN (a coordinator issues one with `chainledger token issue`)")
            }
            return RemoteLedger(base: url, token: token)
        }
        let options = WriteOptions(ledgerKey: ledgerKey)
        return LocalLedger(ledger: try await options.openLedger(LedgerSource(ledger: ledger, postgres: postgres)))
    }
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

/// A ChainLedger server, through its HTTP API.
struct RemoteLedger: CommitTarget {
    let base: URL
    let token: String

    private func get(_ path: String, query: [URLQueryItem] = []) async throws -> Data {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return try await send(request).0
    }

    private func send(_ request: URLRequest) async throws -> (Data, Int) {
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLIError("cannot reach \(base): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            struct Failure: Decodable { struct Body: Decodable { let message: String }; let error: Body }
            let message = (try? JSONDecoder().decode(Failure.self, from: data))?.error.message ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw RemoteError(status: status, message: message)
        }
        return (data, status)
    }

    struct RemoteError: Error, CustomStringConvertible {
        let status: Int
        let message: String
        var description: String { "the server refused (\(status)): \(message)" }
    }

    private struct Page: Decodable {
        struct Entry: Decodable { let position: UInt64; let version: UInt64; let commit: String }
        let entries: [Entry]
        let version: UInt64?
    }

    func ledgerID() async throws -> CommitID? {
        let page = try JSONDecoder().decode(Page.self, from: try await get("api/log", query: [.init(name: "from", value: "0"), .init(name: "limit", value: "1")]))
        return page.entries.first.flatMap { CommitID(hex: $0.commit) }
    }

    func head(of stream: String) async throws -> (version: UInt64, position: UInt64?) {
        let probe = try JSONDecoder().decode(Page.self, from: try await get("api/stream", query: [.init(name: "id", value: stream), .init(name: "limit", value: "1")]))
        let version = probe.version ?? 0
        guard version > 0 else { return (0, nil) }
        let last = try JSONDecoder().decode(Page.self, from: try await get("api/stream", query: [
            .init(name: "id", value: stream), .init(name: "from_version", value: "\(version)"), .init(name: "limit", value: "1")]))
        return (version, last.entries.first?.position)
    }

    func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        var request = URLRequest(url: base.appendingPathComponent("api/commits"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "signed": Data(commit.bytes).base64EncodedString(), "signature": Data(commit.signature).base64EncodedString(),
        ])
        let (data, _) = try await send(request)
        struct Receipt: Decodable { let commit: String; let first: UInt64; let last: UInt64; let size: UInt64; let root: String; let duplicate: Bool }
        let receipt = try JSONDecoder().decode(Receipt.self, from: data)
        guard let id = CommitID(hex: receipt.commit), let root = TreeHash(base64: receipt.root) else { throw CLIError("the server sent an unreadable receipt") }
        return AppendReceipt(commit: id, first: receipt.first, last: receipt.last, size: receipt.size, root: root, duplicate: receipt.duplicate)
    }

    func chainState() async -> ChainState? { nil }

    func size() async throws -> UInt64 {
        struct Health: Decodable { let size: String }
        return UInt64(try JSONDecoder().decode(Health.self, from: try await get("health")).size) ?? 0
    }

    func agreementVersion(_ agreement: String) async throws -> Int? {
        struct Report: Decodable { struct Item: Decodable { let agreement: String; let latestVersion: Int }; let agreements: [Item] }
        let report = try JSONDecoder().decode(Report.self, from: try await get("api/agreements"))
        return report.agreements.first { $0.agreement == agreement }?.latestVersion
    }
}
