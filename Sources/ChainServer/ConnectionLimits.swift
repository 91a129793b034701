import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// How long a connection may take and how many may be open at once, so that clients without a
/// token cannot exhaust the server by opening connections and sending nothing, or a byte at a
/// time (slowloris).
public struct ConnectionLimits: Sendable, Equatable {
    /// A connection with no request under way is closed after this long.
    public var idleTimeout: Duration
    /// A connection's first request must have sent its whole head (request line and headers)
    /// within this long of the connection opening; later requests on it within `idleTimeout`.
    public var headerTimeout: Duration
    /// A request must have sent its whole body within this long of its head.
    public var bodyTimeout: Duration
    /// Connections open at once. A connection over the limit has its first request answered
    /// 503 (`too-many-connections`) and is closed, and is closed after two seconds without one.
    public var maxConnections: Int

    public init(
        idleTimeout: Duration = .seconds(30), headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(60), maxConnections: Int = 512
    ) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }
}

extension ConnectionLimits {
    /// The HTTP/1.1 server with these limits.
    func server(logger: Logger) -> HTTPServerBuilder {
        let counter = OpenConnections()
        let limits = self
        return .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [ConnectionGuard(limits: limits, open: counter, logger: logger)],
                idleTimeout: TimeAmount(idleTimeout)))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// The number of connections open now, shared by every connection's guard.
final class OpenConnections: Sendable {
    private let count = NIOLockedValueBox(0)
    private let gauge = Gauge(label: "chainledger_connections_open")

    /// Counts a new connection; returns how many are open with it.
    func opened() -> Int {
        let now = count.withLockedValue { count in
            count += 1
            return count
        }
        gauge.record(now)
        return now
    }

    func closed() {
        gauge.record(
            count.withLockedValue { count in
                count -= 1
                return count
            })
    }
}

/// Guards one connection: the header and body deadlines, and the connection limit.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limits: ConnectionLimits
    let open: OpenConnections
    let logger: Logger
    private var counted = false
    private var refused = false
    private var answered = false
    private var deadline: Scheduled<Void>?
    private static let refusals = Counter(label: "chainledger_connections_refused_total")
    private static let timeouts = Counter(label: "chainledger_connection_timeouts_total")

    init(limits: ConnectionLimits, open: OpenConnections, logger: Logger) {
        self.limits = limits
        self.open = open
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        refused = open.opened() > limits.maxConnections
        if refused {
            Self.refusals.increment()
            logger.warning("connection refused: \(limits.maxConnections) connections are open (--max-connections)")
        }
        arm(context, after: refused ? .seconds(2) : limits.headerTimeout, "its request head")
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    private func finish() {
        deadline?.cancel()
        deadline = nil
        if counted {
            counted = false
            open.closed()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if refused {
            // Nothing of a refused connection's requests is handled: its first is answered 503.
            if case .head = part, !answered { refuse(context) }
            return
        }
        switch part {
        case .head:
            arm(context, after: limits.bodyTimeout, "its request body")
        case .end:
            disarm()
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    /// Closes the connection unless `disarm()` comes first.
    private func arm(_ context: ChannelHandlerContext, after timeout: Duration, _ what: String) {
        disarm()
        let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
        let limit = timeout
        let logger = logger
        deadline = loop.scheduleTask(in: TimeAmount(timeout)) {
            Self.timeouts.increment()
            logger.info("connection closed: it did not send \(what) within \(limit)")
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    private func refuse(_ context: ChannelHandlerContext) {
        answered = true
        disarm()
        let body = APIError(
            .serviceUnavailable, "too-many-connections",
            "the server has \(limits.maxConnections) connections open, its limit (--max-connections); try again shortly"
        ).body
        var response = HTTPResponse(status: .serviceUnavailable)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        response.headerFields[.contentLength] = "\(body.readableBytes)"
        response.headerFields[.connection] = "close"
        response.headerFields[.retryAfter] = "1"
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
