import Hummingbird
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Opens the ledger once the services before it in the group run (a PostgreSQL store's
/// connection pool), then does the opened service's background work until shutdown.
final class LedgerOpening: Service, Sendable {
    private let open: @Sendable () async throws -> LedgerService
    private let router = NIOLockedValueBox<RouterResponder<LedgerRequestContext>?>(nil)
    /// The opened service, once; or what opening threw.
    private let outcome = AsyncThrowingStream.makeStream(of: LedgerService.self)

    private let limits: RequestLimits

    init(open: @escaping @Sendable () async throws -> LedgerService, limits: RequestLimits) {
        self.open = open
        self.limits = limits
    }

    /// Answers with the opened service's router.
    var responder: OpenedResponder { OpenedResponder(router: router) }

    func run() async throws {
        let service: LedgerService
        do {
            // A shutdown while the ledger opens (a long catch-up of the projections) stops it.
            service = try await cancelWhenGracefulShutdown { try await self.open() }
        } catch {
            outcome.continuation.finish(throwing: error)
            if error is CancellationError { return }
            throw error
        }
        router.withLockedValue { $0 = buildRouter(service: service, limits: limits).buildResponder() }
        outcome.continuation.yield(service)
        outcome.continuation.finish()
        try await service.run()
    }

    /// The opened service, once `run()` has opened it; throws what opening threw.
    func opened() async throws -> LedgerService {
        for try await service in outcome.stream { return service }
        throw CancellationError()
    }
}

/// Passes requests to the router of the opened service. The server listens only once the
/// service is open, so the router is always there; were it not, the answer is 503.
struct OpenedResponder: HTTPResponder {
    typealias Context = LedgerRequestContext
    let router: NIOLockedValueBox<RouterResponder<LedgerRequestContext>?>

    func respond(to request: Request, context: LedgerRequestContext) async throws -> Response {
        guard let router = router.withLockedValue({ $0 }) else {
            return try APIError(.serviceUnavailable, "opening", "the ledger is still being opened; try again in a moment")
                .response(from: request, context: context)
        }
        return try await router.respond(to: request, context: context)
    }
}
