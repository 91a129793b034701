import Foundation
public import Hummingbird
import LedgerCore
import HummingbirdAuth
public import Logging
import Metrics
import NIOCore
import Prometheus

/// Where the server listens.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
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
public func buildRouter(service: LedgerService) -> Router<LedgerRequestContext> {
    _ = MetricsRegistry.shared
    let router = Router(context: LedgerRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: TokenAuthenticator(tokens: service.tokens))
    router.get("health") { _, _ -> Response in
        let size = try await service.store.size()
        return try JSON.response(["status": "ok", "size": "\(size)"])
    }
    router.get("openapi.json") { _, context -> Response in
        _ = try context.requireReader()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
    }
    router.get("metrics") { _, context -> Response in
        _ = try context.requireReader()
        var buffer: [UInt8] = []
        MetricsRegistry.shared.emit(into: &buffer)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
    APIRoutes(service: service).register(on: router)
    DashboardRoutes(service: service).register(on: router)
    return router
}

/// The application, ready to run (`try await app.runService()`) or to test.
public func buildApplication(service: LedgerService, settings: ServerSettings, logger: Logger) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "chainledger"),
        logger: logger)
}
