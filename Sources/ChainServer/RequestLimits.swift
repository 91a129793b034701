import Foundation
import Hummingbird
import Metrics
import NIOConcurrencyHelpers
import NIOCore

/// How many requests a client may make: per address (before its token is looked up, so that a
/// flood without a valid token costs little) and per token. Each is a token bucket: `perSecond`
/// sustained, up to `burst` at once. Over it, a request is answered 429 with `Retry-After`.
public struct RequestLimits: Sendable, Equatable {
    public struct Rate: Sendable, Equatable {
        public var perSecond: Double
        public var burst: Int

        public init(perSecond: Double, burst: Int? = nil) {
            self.perSecond = perSecond
            self.burst = burst ?? max(1, Int(perSecond * 2))
        }
    }

    /// Requests from one remote address; `nil`: no limit.
    public var perAddress: Rate?
    /// Requests with one access token; `nil`: no limit.
    public var perToken: Rate?
    /// Live followers (`/api/follow` streams) open at once with one access token; one more is
    /// answered 429. `nil`: no limit.
    public var followersPerToken: Int?

    public init(perAddress: Rate? = Rate(perSecond: 200), perToken: Rate? = Rate(perSecond: 100), followersPerToken: Int? = 8) {
        self.perAddress = perAddress
        self.perToken = perToken
        self.followersPerToken = followersPerToken
    }

    /// No limits (a benchmark whose clients share one address).
    public static let none = RequestLimits(perAddress: nil, perToken: nil, followersPerToken: nil)
}

/// Counts what each key holds open (a token's live followers), up to a limit.
final class OpenCounts: Sendable {
    let limit: Int?
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int?) {
        self.limit = limit
    }

    /// Takes one for `key`; `false` when `key` already holds `limit`.
    func open(_ key: String) -> Bool {
        counts.withLockedValue { counts in
            let held = counts[key, default: 0]
            if let limit, held >= limit { return false }
            counts[key] = held + 1
            return true
        }
    }

    /// Gives one back.
    func close(_ key: String) {
        counts.withLockedValue { counts in
            let held = counts[key, default: 0] - 1
            counts[key] = held > 0 ? held : nil
        }
    }

    /// How many `key` holds.
    subscript(key: String) -> Int { counts.withLockedValue { $0[key, default: 0] } }
}

/// Token buckets by key (an address or a token), forgotten once full again.
final class RateBuckets: Sendable {
    struct Bucket {
        var tokens: Double
        var at: ContinuousClock.Instant
    }

    let rate: RequestLimits.Rate
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])

    init(_ rate: RequestLimits.Rate) {
        self.rate = rate
    }

    /// Takes one request from `key`'s bucket; returns the seconds to wait when it is empty.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Double? {
        let rate = rate
        return buckets.withLockedValue { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(rate.burst), at: now)
            bucket.tokens = min(Double(rate.burst), bucket.tokens + (now - bucket.at).seconds * rate.perSecond)
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return (1 - bucket.tokens) / rate.perSecond
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            if buckets.count > 10_000 {
                // Keys whose bucket would be full again hold nothing worth keeping.
                let full = Double(rate.burst) / rate.perSecond
                buckets = buckets.filter { _, bucket in (now - bucket.at).seconds < full }
            }
            return nil
        }
    }
}

/// Answers 429 to a client over its limit: by remote address, or by access token.
struct RequestLimitMiddleware: RouterMiddleware {
    typealias Context = LedgerRequestContext
    enum Key { case address, token }

    let key: Key
    let buckets: RateBuckets
    private static let refused = Counter(label: "chainledger_requests_limited_total")

    init(_ key: Key, _ rate: RequestLimits.Rate) {
        self.key = key
        buckets = RateBuckets(rate)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let name: String
        switch key {
        case .address:
            name = context.remoteAddress?.ipAddress ?? "unknown"
        case .token:
            guard let identity = context.identity else { return try await next(request, context) }
            name = identity.token
        }
        guard let wait = buckets.take(name) else { return try await next(request, context) }
        Self.refused.increment()
        let what = key == .address ? "from this address" : "with this token"
        let limit = key == .address ? "--requests-per-address" : "--requests-per-token"
        let seconds = max(1, Int(wait.rounded(.up)))
        return APIError(
            .tooManyRequests, "too-many-requests",
            "more than \(Int(buckets.rate.perSecond)) requests a second \(what) (\(limit)); try again in \(seconds) s"
        ).response(headers: [.retryAfter: "\(seconds)"])
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
