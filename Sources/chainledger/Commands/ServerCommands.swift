import ArgumentParser
import ChainDomain
import ChainProjections
import ChainSamples
import ChainServer
import Foundation
import Hummingbird
import LedgerCore
import LedgerPostgres
import LedgerReplica
import LedgerSQLite
import LedgerWitness
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP: the API for partners, live replay and the dashboard.",
        discussion:
            "Every route but /health needs a bearer token (`chainledger token issue`). Projections are kept in DB.projections, tokens in DB.access.")

    @OptionGroup var ledgerOptions: LedgerOptions
    @Option(name: .customLong("ledger-key"), help: ArgumentHelp("The ledger's checkpoint key (default: DB.ledger-key).", valueName: "KEYFILE"))
    var ledgerKey: String?
    @OptionGroup var listen: ListenOptions
    @OptionGroup var admission: AdmissionOptions
    @Option(help: ArgumentHelp("The projections file (default: DB.projections).", valueName: "FILE")) var projections: String?
    @Option(help: ArgumentHelp("The access-token file (default: DB.access).", valueName: "FILE")) var access: String?
    @Flag(
        help: ArgumentHelp(
            "Serve a partner's replica (`chainledger pull`) read-only: the dashboard and the read API from the verified copy; "
                + "writes are refused with the coalition's server named, and held evidence is shown on every page."))
    var replica = false
    @Option(
        name: .customLong("witness-key"),
        help: ArgumentHelp(
            "With --replica: also serve a validating witness at /witness with this cosigner key (`witness keygen`): it cosigns "
                + "the coalition's checkpoints only once this replica pulled and verified them.", valueName: "KEYFILE"))
    var witnessKey: String?
    @Option(
        name: .customLong("witness-cadence"),
        help: ArgumentHelp(
            "How often, at most, the latest checkpoint goes to the registered witnesses while the log grows (seconds).", valueName: "SECONDS"))
    var witnessCadence: Double = 1

    func validate() throws {
        guard witnessCadence >= 0.1, witnessCadence <= 3600 else { throw ValidationError("--witness-cadence takes 0.1 to 3600 seconds") }
        if witnessKey != nil, !replica { throw ValidationError("--witness-key serves a validating witness beside a replica: add --replica") }
    }

    func run() async throws {
        let source = ledgerOptions.source
        if replica {
            let path = try ledgerOptions.file(for: "serve --replica")
            guard let origin = try Replica<CLIDomain>.source(of: path) else {
                throw CLIError("\(path) is not a replica: make one with `chainledger pull --from URL --ledger \(path)`")
            }
            let store = try await source.openStore()
            let ledger = try await source.openLedger()
            let projector = try Projector(path: projections ?? path + ".projections", store: store)
            try await projector.catchUp()
            var witness: Witness?
            if let witnessKey {
                let registry = await ledger.registry
                guard let logKey = registry.checkpointKey else { throw CLIError("the replica \(path) holds no ledger yet: pull first") }
                witness = Witness(
                    key: try KeyFile.readCosigner(witnessKey), logs: [(registry.origin, logKey)], state: try WitnessState(path: path + ".witness"),
                    evidenceBeside: path + ".witness", validate: Witness.replicaValidation(store))
            }
            let service = LedgerService(
                ledger: ledger, projector: projector, tokens: try TokenCommand.tokens(access, beside: source),
                replica: ReplicaServing(source: origin, evidenceFiles: { Replica<CLIDomain>.evidenceFiles(beside: path) }), witness: witness,
                logger: Self.logger)
            try await Self.serve(service, settings: try listen.settings)
            return
        }
        let (services, openStore) = try Self.servedStore(source)
        let (ledgerKey, projections, access, limits) = (ledgerKey, projections, access, admission.limits)
        let cadence = Duration.milliseconds(Int64(witnessCadence * 1000))
        try await Self.serve(settings: try listen.settings, services: services) {
            try await Self.service(
                source, store: try await openStore(), ledgerKey: ledgerKey, projections: projections, access: access, witnessCadence: cadence,
                limits: limits)
        }
    }

    /// The services a served store needs running, and how to open the store once they run. A
    /// ledger in PostgreSQL has its connection pool run in the server's `ServiceGroup`.
    static func servedStore(_ source: LedgerSource) throws -> ([any Service], @Sendable () async throws -> any LedgerStore) {
        guard case .postgres(let location) = try source.location() else {
            return ([], { try await source.openStore() })
        }
        let store = PostgresLedgerStore(unstarted: location)
        return (
            [store],
            {
                do {
                    try await store.prepare()
                } catch {
                    throw CLIError("\(error)")
                }
                return store
            }
        )
    }

    static func service(
        _ source: LedgerSource, store: any LedgerStore, ledgerKey: String?, projections: String?,
        access: String?, witnessCadence: Duration = .seconds(1), limits: AdmissionLimits = AdmissionLimits()
    ) async throws -> LedgerService {
        let ledger = try await source.openLedger(checkpointKey: ledgerKey, store: store, limits: limits)
        let projector = try Projector(path: projections ?? source.sidecar() + ".projections", store: ledger.store)
        try await projector.catchUp()
        // Cosignatures are collected once a coordinator registered witnesses and set a policy.
        let collector = CosignatureCollector(
            store: ledger.store, registry: { await ledger.registry }, cadence: witnessCadence, keptAt: try source.sidecar() + ".witnessed",
            logger: logger)
        return LedgerService(
            ledger: ledger, projector: projector, tokens: try TokenCommand.tokens(access, beside: source), collector: collector, logger: logger)
    }

    /// Serves the ledger that `open` opens once `services` run, until SIGINT or SIGTERM.
    static func serve(
        settings: ServerSettings, services: [any Service],
        opening open: @escaping @Sendable () async throws -> LedgerService
    ) async throws {
        let app = buildApplication(settings: settings, logger: logger, services: services, opening: open)
        try await app.runService()
    }

    /// Serves an open service until SIGINT or SIGTERM.
    static func serve(_ service: LedgerService, settings: ServerSettings) async throws {
        let app = buildApplication(service: service, settings: settings, logger: logger)
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
    @OptionGroup var listen: ListenOptions
    @OptionGroup var admission: AdmissionOptions

    func validate() throws {
        guard Samples.names.contains(sample) else {
            throw CLIError("there is no sample \"\(sample)\"; choose one of \(Samples.names.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let path = "\(folder)/\(sample).ledger"
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let checkpointKey = try SigningKey.generate(name: "ledger.example/\(sample)")
            try KeyFile.write(checkpointKey, to: path + ".ledger-key")
            let keys = try await Samples.write(sample, into: try SQLiteLedgerStore(path: path), checkpointKey: checkpointKey)
            try FileManager.default.createDirectory(atPath: "\(folder)/keys", withIntermediateDirectories: true)
            for (organisation, key) in keys where !FileManager.default.fileExists(atPath: "\(folder)/keys/\(organisation).key") {
                try KeyFile.write(key, to: "\(folder)/keys/\(organisation).key")
            }
        }
        let source = LedgerSource(file: path)
        let service = try await ServeCommand.service(
            source, store: try await source.openStore(), ledgerKey: nil, projections: nil, access: nil, limits: admission.limits)
        let coordinator = await service.ledger.registry.coordinators.sorted().first ?? ""
        let token = try await service.tokens.issue(organisation: coordinator, person: "demo", role: .coordinator, validFor: 30)
        let code = try await service.tokens.loginCode(for: token) ?? ""
        FileHandle.standardError.write(
            Data(
                """
                ChainLedger demo: \(sample) (\(try await service.store.size()) entries) in \(folder)/
                Open http://\(listen.host):\(listen.port)/login?code=\(code) (a one-time link, for five minutes; \
                then sign in with the token)
                API token (coordinator \(coordinator)): \(token)
                Organisations' test keys: \(folder)/keys/ORG.key — stop with Ctrl-C.

                """.utf8))
        try await ServeCommand.serve(service, settings: try listen.settings)
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, list and revoke the server's access tokens (stored hashed in DB.access).",
        subcommands: [Issue.self, List.self, Revoke.self])

    /// The ledger whose tokens a subcommand manages, and the file they are kept in.
    struct AccessOptions: ParsableArguments {
        @OptionGroup var ledgerOptions: LedgerOptions
        @Option(help: ArgumentHelp("The access-token file (default: DB.access).", valueName: "FILE")) var access: String?

        /// The access-token file.
        func file() throws -> String { try access ?? ledgerOptions.sidecar() + ".access" }

        /// The tokens, once the ledger is known to exist.
        func tokens() async throws -> AccessTokens {
            _ = try await ledgerOptions.openStore()
            return try TokenCommand.tokens(file())
        }
    }

    /// The access tokens in `path`.
    static func tokens(_ path: String) throws -> AccessTokens {
        AccessTokens(store: try SQLiteAccessTokenStore(path: path))
    }

    /// The access tokens in `path`, or in DB.access beside the ledger.
    static func tokens(_ path: String?, beside source: LedgerSource) throws -> AccessTokens {
        try tokens(path ?? source.sidecar() + ".access")
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token for a member of an organisation; it is printed once.")
        @OptionGroup var accessOptions: AccessOptions
        @Option(help: ArgumentHelp("The member's organisation.", valueName: "ORG")) var org: String
        @Option(help: ArgumentHelp("The member's person id.", valueName: "PERSON")) var person: String
        @Option(
            help: ArgumentHelp(
                "member (reads; submits for its organisation), coordinator (also lists tokens) or auditor (reads only).", valueName: "ROLE"))
        var role = AccessRole.member
        @Option(help: "Days the token is valid.") var days = 90
        @Option(
            help: ArgumentHelp(
                "Also print a one-time dashboard sign-in link on this server (usable once, for five minutes), e.g. https://ledger.example.",
                valueName: "URL"))
        var loginLink: String?

        func validate() throws {
            guard (1...3650).contains(days) else { throw CLIError("--days runs from 1 to 3650") }
            if let loginLink, !(loginLink.hasPrefix("http://") || loginLink.hasPrefix("https://")) {
                throw ValidationError("--login-link \(loginLink) is not an http(s) URL")
            }
        }

        func run() async throws {
            let ledger = try await accessOptions.ledgerOptions.openLedger()
            let registry = await ledger.registry
            guard registry.organisations[org] != nil else { throw CLIError("\"\(org)\" is not a member of this coalition") }
            if role == .coordinator, !registry.coordinators.contains(org) {
                throw CLIError("\"\(org)\" is not a coordinating organisation; its members get member or auditor tokens")
            }
            let tokens = try TokenCommand.tokens(accessOptions.file())
            let secret = try await tokens.issue(organisation: org, person: person, role: role, validFor: days)
            Terminal.print(secret)
            if let loginLink, let code = try await tokens.loginCode(for: secret) {
                let base = loginLink.hasSuffix("/") ? String(loginLink.dropLast()) : loginLink
                Terminal.print("\(base)/login?code=\(code)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (never their secrets).")
        @OptionGroup var accessOptions: AccessOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let records = try await accessOptions.tokens().list()
            if json { return try Show.json(records) }
            var table = TextTable("id", "organisation", "person", "role", "expires", "revoked")
            for record in records {
                table.add(
                    record.id, record.organisation, record.person, record.role.rawValue, "\(record.expiresAt)", record.revokedAt.map { "\($0)" } ?? ""
                )
            }
            Terminal.print(table.text)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
        @OptionGroup var accessOptions: AccessOptions
        @Option(help: ArgumentHelp("The token's id (the part after clt_, before the next _).", valueName: "ID")) var id: String

        func run() async throws {
            guard try await accessOptions.tokens().revoke(id: id) else {
                throw CLIError("there is no unrevoked token \(id)")
            }
            Terminal.print("revoked \(id)")
        }
    }
}

/// Where a server listens, and the limits it keeps its clients to.
/// What a served ledger admits: `AdmissionLimits` as options.
struct AdmissionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A commit's signing time may differ from the server's clock by this much, either way.", valueName: "HOURS"))
    var clockSkew = 24
    @Option(help: ArgumentHelp("The largest commit document accepted (at most 67108864).", valueName: "BYTES"))
    var maxCommitBytes = 48 << 20
    @Option(help: ArgumentHelp("The most events one commit may carry (at most 100000).", valueName: "N"))
    var maxEventsPerCommit = CommitDocument.maximumEvents

    func validate() throws {
        guard clockSkew >= 1, clockSkew <= 24 * 365 else { throw ValidationError("--clock-skew takes 1 to 8760 hours") }
        guard (1024...CommitDocument.maximumBytes).contains(maxCommitBytes) else {
            throw ValidationError("--max-commit-bytes takes 1024 to \(CommitDocument.maximumBytes)")
        }
        guard (1...CommitDocument.maximumEvents).contains(maxEventsPerCommit) else {
            throw ValidationError("--max-events-per-commit takes 1 to \(CommitDocument.maximumEvents)")
        }
    }

    var limits: AdmissionLimits {
        AdmissionLimits(clockSkew: Int64(clockSkew) * 3_600_000, commitBytes: maxCommitBytes, eventsPerCommit: maxEventsPerCommit)
    }
}

struct ListenOptions: ParsableArguments {
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Option(help: ArgumentHelp("A connection with no request under way is closed after this long.", valueName: "SECONDS"))
    var idleTimeout = 30
    @Option(help: ArgumentHelp("A new connection must send its first request's head within this long.", valueName: "SECONDS"))
    var headerTimeout = 10
    @Option(help: ArgumentHelp("A request must send its whole body within this long of its head.", valueName: "SECONDS"))
    var bodyTimeout = 60
    @Option(help: ArgumentHelp("Connections open at once; one over it is answered 503 and closed.", valueName: "N"))
    var maxConnections = 512
    @Option(help: ArgumentHelp("Requests a second from one address, twice that at once (0: no limit).", valueName: "N"))
    var requestsPerAddress = 200
    @Option(help: ArgumentHelp("Requests a second with one access token, twice that at once (0: no limit).", valueName: "N"))
    var requestsPerToken = 100
    @Option(help: ArgumentHelp("Live followers (/api/follow) open at once with one access token (0: no limit).", valueName: "N"))
    var followersPerToken = 8
    @Option(help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM: the server's certificate first).", valueName: "FILE"))
    var tlsCert: String?
    @Option(help: ArgumentHelp("The private key of --tls-cert (PEM, unencrypted).", valueName: "FILE"))
    var tlsKey: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard idleTimeout > 0, headerTimeout > 0, bodyTimeout > 0 else {
            throw ValidationError("--idle-timeout, --header-timeout and --body-timeout must be at least 1 second")
        }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1") }
        guard requestsPerAddress >= 0, requestsPerToken >= 0, followersPerToken >= 0 else {
            throw ValidationError("--requests-per-address, --requests-per-token and --followers-per-token must be 0 (no limit) or more")
        }
    }

    var settings: ServerSettings {
        get throws {
            try ServerSettings(
                host: host, port: port,
                connections: ConnectionLimits(
                    idleTimeout: .seconds(idleTimeout), headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout),
                    maxConnections: maxConnections),
                requests: RequestLimits(
                    perAddress: requestsPerAddress > 0 ? .init(perSecond: Double(requestsPerAddress)) : nil,
                    perToken: requestsPerToken > 0 ? .init(perSecond: Double(requestsPerToken)) : nil,
                    followersPerToken: followersPerToken > 0 ? followersPerToken : nil),
                tls: tls)
        }
    }

    private var tls: ServerTLS? {
        get throws {
            guard let tlsCert, let tlsKey else { return nil }
            do {
                return try ServerTLS(certificateFile: tlsCert, keyFile: tlsKey)
            } catch {
                throw CLIError(Phrase(describing: error))
            }
        }
    }
}
