public import Foundation
public import LedgerCore
public import PostgresNIO

/// Where a PostgreSQL ledger lives: `postgres://USER@HOST:PORT/DATABASE` (or `postgresql://`),
/// with `?host=/socket/dir` for a Unix socket and `?sslmode=require|prefer|disable`.
///
/// The password never comes from a command line: it is taken from `PGPASSWORD`, or from a URL
/// given in an environment variable (`CHAINLEDGER_POSTGRES`).
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let user: String
    public let database: String
    /// A Unix-socket directory, used instead of TCP when set.
    public let socketDirectory: String?
    let password: String?
    let sslMode: String

    /// Reads a URL. `passwordAllowed` is false for URLs typed on a command line.
    public init(url text: String, passwordAllowed: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw PostgresStoreError.message("\"\(text)\" is not a postgres:// URL")
        }
        if components.password != nil && !passwordAllowed {
            throw PostgresStoreError.message(
                "a password does not belong on the command line: set PGPASSWORD, or put the whole URL in CHAINLEDGER_POSTGRES")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { first, _ in first }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        user = components.user ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        password = components.password ?? environment["PGPASSWORD"]
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw PostgresStoreError.message("sslmode \(sslMode) is not supported: use disable, prefer or require")
        }
    }

    /// The URL without its password.
    public var description: String {
        socketDirectory.map { "postgres://\(user)@/\(database)?host=\($0)" } ?? "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// The postgres-nio client configuration for this location.
    public var configuration: PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}

/// Why PostgreSQL refused or failed, in words (the server's own message where it sent one).
public enum PostgresStoreError: PhrasedError, Sendable {
    case message(String)

    public var phrase: Phrase {
        switch self {
        case .message(let text): Phrase(verbatim: text)
        }
    }

    /// Ledger errors (conflicts, refusals) pass through unchanged; driver errors become a message.
    static func wrap(_ error: any Error, doing: String) -> any Error {
        if let error = error as? PostgresTransactionError, let inner = error.closureError ?? error.commitError ?? error.beginError {
            return wrap(inner, doing: doing)
        }
        guard let error = error as? PSQLError else { return error }
        if let serverMessage = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return PostgresStoreError.message("PostgreSQL refused \(doing): \(serverMessage)\(state)")
        }
        let underlying = error.underlying.map { ": \($0)" } ?? ""
        return PostgresStoreError.message("PostgreSQL failed while \(doing): \(error.code)\(underlying)")
    }
}
