import ArgumentParser
import ChainDomain
import ChainProjections
import ChainSamples
import ChainServer
import Foundation
import Hummingbird
import LedgerCore
import LedgerPostgres
import LedgerSQLite
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP: the API for partners, live replay and the dashboard.",
        discussion: "Every route but /health needs a bearer token (`chainledger token issue`). Projections are kept in DB.projections, tokens in DB.access.")

    @OptionGroup var ledgerOptions: LedgerOptions
    @Option(name: .customLong("ledger-key"), help: ArgumentHelp("The ledger's checkpoint key (default: DB.ledger-key).", valueName: "KEYFILE"))
    var ledgerKey: String?
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Option(help: ArgumentHelp("The projections file (default: DB.projections).", valueName: "FILE")) var projections: String?
    @Option(help: ArgumentHelp("The access-token file (default: DB.access).", valueName: "FILE")) var access: String?

    func run() async throws {
        try await Terminal.run {
            let source = ledgerOptions.source
            let (services, openStore) = try Self.servedStore(source)
            let (ledgerKey, projections, access) = (ledgerKey, projections, access)
            try await Self.serve(host: host, port: port, services: services) {
                try await Self.service(source, store: try await openStore(), ledgerKey: ledgerKey, projections: projections, access: access)
            }
        }
    }

    /// The services a served store needs running, and how to open the store once they run. A
    /// ledger in PostgreSQL has its connection pool run in the server's `ServiceGroup`.
    static func servedStore(_ source: LedgerSource) throws -> ([any Service], @Sendable () async throws -> any LedgerStore) {
        guard case let .postgres(location) = try source.location() else {
            return ([], { try await source.openStore() })
        }
        let store = PostgresLedgerStore(unstarted: location)
        return ([store], {
            do {
                try await store.prepare()
            } catch {
                throw CLIError("\(error)")
            }
            return store
        })
    }

    static func service(_ source: LedgerSource, store: any LedgerStore, ledgerKey: String?, projections: String?,
                        access: String?) async throws -> LedgerService {
        let ledger = try await WriteOptions(ledgerKey: ledgerKey).openLedger(source, store: store)
        let projector = try Projector(path: projections ?? source.sidecar() + ".projections", store: ledger.store)
        try await projector.catchUp()
        return LedgerService(ledger: ledger, projector: projector, tokens: try TokenCommand.tokens(access, beside: source), logger: logger)
    }

    /// Serves the ledger that `open` opens once `services` run, until SIGINT or SIGTERM.
    static func serve(host: String, port: Int, services: [any Service],
                      opening open: @escaping @Sendable () async throws -> LedgerService) async throws {
        let app = buildApplication(settings: ServerSettings(host: host, port: port), logger: logger, services: services, opening: open)
        try await app.runService()
    }

    /// Serves an open service until SIGINT or SIGTERM.
    static func serve(_ service: LedgerService, host: String, port: Int) async throws {
        let app = buildApplication(service: service, settings: ServerSettings(host: host, port: port), logger: logger)
        try await app.runService()
    }

    /// The server's log, on standard error from `info` on (the logging system is set up once,
    /// when it is first used).
    static let logger: Logger = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        return Logger(label: "chainledger")
    }()
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load a sample coalition into a fresh ledger and serve it: the dashboard in a browser within two commands.",
        discussion: "Writes to FOLDER (default: chainledger-demo); prints the address to open, with a coordinator's token.")

    @Option(help: ArgumentHelp("Where to write the demo ledger, keys and tokens.", valueName: "FOLDER")) var folder = "chainledger-demo"
    @Option(help: ArgumentHelp("The sample coalition: \(Samples.names.joined(separator: ", ")).", valueName: "NAME")) var sample = "housing-first"
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080

    func run() async throws {
        try await Terminal.run {
            guard Samples.names.contains(sample) else { throw CLIError("there is no sample \"\(sample)\"; choose one of \(Samples.names.joined(separator: ", "))") }
            let path = "\(folder)/\(sample).ledger"
            if !FileManager.default.fileExists(atPath: path) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let checkpointKey = try SigningKey.generate(name: "ledger.example/\(sample)")
                try KeyFile.write(checkpointKey, to: path + ".ledger-key")
                let ledger = try await Ledger(store: try SQLiteLedgerStore(path: path), domain: ChainRules(), checkpointKey: checkpointKey)
                let keys = try await Samples.write(sample, into: ledger, checkpointKey: checkpointKey.verifier)
                try FileManager.default.createDirectory(atPath: "\(folder)/keys", withIntermediateDirectories: true)
                for (organisation, key) in keys where !FileManager.default.fileExists(atPath: "\(folder)/keys/\(organisation).key") {
                    try KeyFile.write(key, to: "\(folder)/keys/\(organisation).key")
                }
            }
            let source = LedgerSource(file: path)
            let service = try await ServeCommand.service(source, store: try await source.openStore(), ledgerKey: nil, projections: nil,
                                                         access: nil)
            let coordinator = await service.ledger.registry.coordinators.sorted().first ?? ""
            let token = try await service.tokens.issue(organisation: coordinator, person: "demo", role: .coordinator, validFor: 30)
            FileHandle.standardError.write(Data("""
                ChainLedger demo: \(sample) (\(try await service.store.size()) entries) in \(folder)/
                Open http://\(host):\(port)/login?token=\(token)
                API token (coordinator \(coordinator)): \(token)
                Organisations' test keys: \(folder)/keys/ORG.key — stop with Ctrl-C.

                """.utf8))
            try await ServeCommand.serve(service, host: host, port: port)
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, list and revoke the server's access tokens (stored hashed in DB.access).",
        subcommands: [Issue.self, List.self, Revoke.self])

    /// The access tokens in `path`, or in DB.access beside the ledger.
    static func tokens(_ path: String?, beside source: LedgerSource) throws -> AccessTokens {
        AccessTokens(store: try SQLiteAccessTokenStore(path: path ?? source.sidecar() + ".access"))
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token for a member of an organisation; it is printed once.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Option(help: ArgumentHelp("The member's organisation.", valueName: "ORG")) var org: String
        @Option(help: ArgumentHelp("The member's person id.", valueName: "PERSON")) var person: String
        @Option(help: ArgumentHelp("member (reads; submits for its organisation), coordinator (also lists tokens) or auditor (reads only).", valueName: "ROLE"))
        var role = "member"
        @Option(help: "Days the token is valid.") var days = 90
        @Option(help: ArgumentHelp("The access-token file (default: DB.access).", valueName: "FILE")) var access: String?

        func run() async throws {
            try await Terminal.run {
                guard let role = AccessRole(rawValue: role) else { throw CLIError("--role must be member, coordinator or auditor") }
                guard (1...3650).contains(days) else { throw CLIError("--days runs from 1 to 3650") }
                let ledger = try await ledgerOptions.openLedger()
                let registry = await ledger.registry
                guard registry.organisations[org] != nil else { throw CLIError("\"\(org)\" is not a member of this coalition") }
                if role == .coordinator, !registry.coordinators.contains(org) {
                    throw CLIError("\"\(org)\" is not a coordinating organisation; its members get member or auditor tokens")
                }
                let tokens = try TokenCommand.tokens(access, beside: ledgerOptions.source)
                Terminal.print(try await tokens.issue(organisation: org, person: person, role: role, validFor: days))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (never their secrets).")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Option(help: ArgumentHelp("The access-token file (default: DB.access).", valueName: "FILE")) var access: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await Terminal.run {
                _ = try await ledgerOptions.openStore()
                let records = try await TokenCommand.tokens(access, beside: ledgerOptions.source).list()
                if json { return try Show.json(records) }
                var table = TextTable("id", "organisation", "person", "role", "expires", "revoked")
                for record in records {
                    table.add(record.id, record.organisation, record.person, record.role.rawValue, "\(record.expiresAt)", record.revokedAt.map { "\($0)" } ?? "")
                }
                Terminal.print(table.text)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
        @OptionGroup var ledgerOptions: LedgerOptions
        @Option(help: ArgumentHelp("The token's id (the part after clt_, before the next _).", valueName: "ID")) var id: String
        @Option(help: ArgumentHelp("The access-token file (default: DB.access).", valueName: "FILE")) var access: String?

        func run() async throws {
            try await Terminal.run {
                _ = try await ledgerOptions.openStore()
                guard try await TokenCommand.tokens(access, beside: ledgerOptions.source).revoke(id: id) else {
                    throw CLIError("there is no unrevoked token \(id)")
                }
                Terminal.print("revoked \(id)")
            }
        }
    }
}
