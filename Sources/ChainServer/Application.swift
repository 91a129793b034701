import Foundation
public import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import LedgerCore
public import Logging
import Metrics
import NIOCore
import Prometheus
public import ServiceLifecycle

/// Where the server listens, and the limits it keeps clients to.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var connections: ConnectionLimits
    public var requests: RequestLimits
    /// HTTPS with this certificate and key; plain HTTP when nil.
    public var tls: ServerTLS?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, connections: ConnectionLimits = .init(), requests: RequestLimits = .init(),
        tls: ServerTLS? = nil
    ) {
        self.host = host
        self.port = port
        self.connections = connections
        self.requests = requests
        self.tls = tls
    }
}

/// The process-wide Prometheus registry behind swift-metrics (bootstrapped once).
enum MetricsRegistry {
    static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// The router: the health check, the API, the dashboard, the OpenAPI document and `/metrics`.
public func buildRouter(service: LedgerService, limits: RequestLimits = .init()) -> Router<LedgerRequestContext> {
    _ = MetricsRegistry.shared
    let router = Router(context: LedgerRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: MetricsMiddleware())
    router.add(
        middleware: MethodNotAllowedMiddleware(
            methodsByPath: OpenAPIDocument.methodsByPath.filter { service.witness != nil || !$0.key.hasPrefix("/witness/") }))
    if let rate = limits.perAddress { router.add(middleware: RequestLimitMiddleware(.address, rate)) }
    router.add(middleware: TokenAuthenticator(tokens: service.tokens))
    if let rate = limits.perToken { router.add(middleware: RequestLimitMiddleware(.token, rate)) }
    if let replica = service.replica { router.add(middleware: HeldEvidenceMiddleware(replica: replica)) }
    router.get("health") { _, _ -> Response in
        let size = try await service.store.size()
        return try JSON.response(["status": "ok", "size": "\(size)"])
    }
    router.get("openapi.json") { _, context -> Response in
        _ = try context.requireReader()
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: service.witness == nil ? OpenAPIDocument.json : OpenAPIDocument.jsonWithWitness)))
    }
    router.get("metrics") { _, context -> Response in
        _ = try context.requireReader()
        await RebuildMetrics.update(from: service.projector)
        var buffer: [UInt8] = []
        MetricsRegistry.shared.emit(into: &buffer)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
    APIRoutes(service: service, followers: OpenCounts(limit: limits.followersPerToken)).register(on: router)
    TileRoutes<LedgerRequestContext>(store: service.store, authorize: { _ = try $0.requireReader() }).register(on: router)
    if let witness = service.witness { WitnessRoutes(witness: witness).register(on: router, prefix: "witness") }
    DashboardRoutes(service: service).register(on: router)
    return router
}

/// The application over an open service, ready to run (`try await app.runService()`) or to test.
///
/// The application runs `services` (a PostgreSQL store's connection pool, say), then the
/// service's own background work, in one `ServiceGroup` with the HTTP server; on graceful
/// shutdown the server stops first, then the service, then `services`, last to first.
///
/// `onServerRunning` is told the port the server listens on (the one asked for, or the one the
/// system chose for port 0).
public func buildApplication(
    service: LedgerService, settings: ServerSettings, logger: Logger,
    services: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, limits: settings.requests), server: settings.server(logger: logger),
        configuration: settings.configuration, services: services + [service],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) }, logger: logger)
}

/// The application over a ledger that can only be opened once `services` run: a ledger in
/// PostgreSQL, whose store's connection pool is one of them. The application starts `services`,
/// calls `open` and serves the service it returns; it listens only once `open` returned. A
/// failure to open stops the application with that error.
public func buildApplication(
    settings: ServerSettings, logger: Logger, services: [any Service],
    opening open: @escaping @Sendable () async throws -> LedgerService
) -> some ApplicationProtocol {
    let opening = LedgerOpening(open: open, limits: settings.requests)
    var app = Application(
        responder: opening.responder, server: settings.server(logger: logger), configuration: settings.configuration,
        services: services + [opening], logger: logger)
    app.beforeServerStarts { _ = try await opening.opened() }
    return app
}

extension ServerSettings {
    /// HTTP/1.1 with the connection limits, inside TLS when it is set.
    func server(logger: Logger) -> HTTPServerBuilder {
        let base = connections.server(logger: logger)
        return tls?.wrap(base) ?? base
    }

    var configuration: ApplicationConfiguration {
        .init(address: .hostname(host, port: port), serverName: "chainledger")
    }
}
