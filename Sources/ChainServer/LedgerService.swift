public import ChainDomain
public import ChainProjections
import Foundation
public import LedgerCore
public import LedgerWitness
public import Logging
import Metrics
import NIOCore
public import ServiceLifecycle

/// What the server runs on: the ledger (for writes), its store, the projections (kept up to date
/// in the background) and a notifier that wakes live followers when the log grows.
///
/// The service is a `Service`: its `run()` publishes new moments of the projections in the
/// background. `buildApplication` hands it to the application, which runs it in the same
/// `ServiceGroup` as the HTTP server and shuts it down gracefully after the server.
public final class LedgerService: Service, Sendable {
    public let ledger: Ledger<ChainRules>
    public let store: any LedgerStore
    public let projector: Projector
    public let tokens: AccessTokens
    /// Set when the service serves a partner's replica: reads only, and the evidence it holds.
    public let replica: ReplicaServing?
    /// Collects witnesses' cosignatures of the ledger's checkpoints, when the server runs one.
    public let collector: CosignatureCollector?
    /// A validating witness served beside a replica, at `/witness`.
    public let witness: Witness?
    let growth = LogGrowth()
    /// Read-model answers by the moment they answer for.
    let responses = ResponseCache()
    /// KPI trees by revision, so that a commit recomputes only the trees it changed.
    package let trees = KpiTreeCache()
    let freshness = Freshness()
    /// The run that catches the projections up and publishes the new "now".
    private let publishing = SingleFlight<UInt64>()
    /// Chains whose KPI tree was asked for: computed ahead for every new moment.
    let hotChains = RecentSet(limit: 256)
    /// The log size after the last commit submitted with each token.
    let written = WrittenSizes()
    /// Answers being computed, shared by the requests that ask for them meanwhile.
    let answering = SingleFlight<ByteBuffer>()
    let logger: Logger
    /// Background work that failed: logged and counted.
    let failures: BackgroundFailures
    /// Requests to publish in the background, merged while one waits (`run()` serves them).
    private let publishRequests = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    private let appendedCommits: Counter
    private let appendedEvents: Counter
    private let logSize: Gauge

    public init(
        ledger: Ledger<ChainRules>, projector: Projector, tokens: AccessTokens, replica: ReplicaServing? = nil,
        collector: CosignatureCollector? = nil, witness: Witness? = nil, logger: Logger = Logger(label: "chainledger")
    ) {
        self.witness = witness
        self.ledger = ledger
        self.replica = replica
        self.collector = collector
        store = ledger.store
        self.projector = projector
        self.tokens = tokens
        self.logger = logger
        failures = BackgroundFailures(logger: logger)
        // The registry behind /metrics first: a metric made before it would count nowhere.
        _ = MetricsRegistry.shared
        appendedCommits = Counter(label: "chainledger_commits_appended_total")
        appendedEvents = Counter(label: "chainledger_events_appended_total")
        logSize = Gauge(label: "chainledger_log_size")
    }

    public var readModels: ReadModels { projector.readModels }

    /// A chain's KPI tree as `/api/status?chain=` answers it: computed and encoded once per
    /// revision of what it shows, and stamped with the moment asked about.
    func kpiTreeBody(chain: String, asOf: AsOf, in models: ReadModels) async throws -> ByteBuffer {
        guard case .moment(let moment) = asOf,
            let revision = try await models.kpiTreeRevision(chain: chain, moment: moment)
        else {
            return try JSON.bytes([try await models.kpiTree(chain: chain, asOf: asOf)])
        }
        return try await kpiTreeBody(chain: chain, revision: revision, moment: moment, in: models)
    }

    private func kpiTreeBody(chain: String, revision: UInt64, moment: Moment, in models: ReadModels) async throws -> ByteBuffer {
        let key = KpiTreeKey(chain: chain, revision: revision)
        if let tree = trees[key] { return try tree.body(at: moment) }
        let tree = try EncodedTree(try await models.kpiTree(chain: chain, asOf: .moment(moment)))
        trees[key] = tree
        return try tree.body(at: moment)
    }

    /// Appends a commit (grouped with concurrent ones) and, while readers are active, starts
    /// publishing the new "now". Reads with the same token will include it (`written`).
    package func append(_ commit: SignedCommit, token: String? = nil) async throws -> AppendReceipt {
        let receipt = try await ledger.append(commit)
        if let token { written.record(receipt.last + 1, for: token) }
        if !receipt.duplicate {
            appendedCommits.increment()
            appendedEvents.increment(by: Int(receipt.last - receipt.first + 1))
            logSize.record(Double(receipt.size))
            freshness.logGrew(to: receipt.size)
            growth.announce(receipt.size)
            if freshness.readersActive(at: Date()) { advanceInBackground() }
        }
        return receipt
    }

    /// The read models for a reader holding `token`, asking about `asOf`.
    ///
    /// "Now" is the latest moment the projections have caught up to and whose hot KPI trees are
    /// computed (`publish`). Readers do not wait for the catch-up after a commit: they see the
    /// previous moment until the new one is published, a few milliseconds later, and the moment
    /// is in every answer. Three cases wait: a partner reads its own writes (the log size after
    /// the last commit submitted with its token), a position asked for explicitly is waited for,
    /// and the first read after `Freshness.activeReaders` seconds without reads waits for the
    /// whole log. Commits appended by other processes are noticed within `Freshness.recheck`
    /// seconds.
    func currentReadModels(for token: String?, asOf: AsOf = .now) async throws -> ReadModels {
        let now = Date()
        var size = freshness.logSize
        if now.timeIntervalSince(freshness.logCheckedAt) >= Freshness.recheck {
            size = try await store.size()
            freshness.logObserved(size, at: now)
        }
        var minimum = token.map { written[$0] } ?? 0
        if case .position(let position) = asOf { minimum = max(minimum, min(position, size)) }
        // The first read after a quiet spell finds "now" as it was then: it waits for the log.
        if !freshness.noteRead(at: now) { minimum = size }
        if freshness.now == nil || freshness.projected < minimum {
            try await advance(to: minimum)
        } else if freshness.projected < size {
            advanceInBackground()
        }
        return readModels
    }

    /// The moment `asOf` names; "now" is the published moment.
    func resolve(_ asOf: AsOf, in models: ReadModels) async throws -> Moment {
        guard asOf == .now else { return try await models.resolve(asOf) }
        if let now = freshness.now, now.day == .today { return now }
        try await advance(to: 0)
        if let now = freshness.now { return now }
        return try await models.resolve(.now)
    }

    /// Waits until "now" is published for today and at least `minimum` entries. A run that was
    /// already under way may have started before the entries this caller waits for, so a
    /// second run follows when needed; a minimum beyond the log is not waited for.
    package func advance(to minimum: UInt64) async throws {
        for _ in 0..<2 {
            if let now = freshness.now, now.day == .today, now.size >= minimum { return }
            _ = try await publish()
        }
    }

    /// The moment "now" stands for.
    package var published: Moment? { freshness.now }

    /// Whether an answer to `path` (with `chain`) about `moment` is cached.
    package func isCached(_ path: String, chain: String?, moment: Moment) -> Bool {
        responses[ResponseKey(path: path, chain: chain, moment: moment)] != nil
    }

    /// Asks `run()` to publish without waiting for it. Requests made while one waits are merged
    /// into it; one made while a run is under way leads to another run after it.
    func advanceInBackground() {
        publishRequests.continuation.yield()
    }

    /// Publishes in the background, as commits arrive and readers ask (`advanceInBackground`),
    /// until graceful shutdown: then the run under way finishes and the loop ends. A run that
    /// fails is logged and counted (`BackgroundFailures`); the next request tries again.
    /// Runs once per service.
    public func run() async throws {
        guard let collector else { return await publishUntilShutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await collector.run() }
            group.addTask { await self.publishUntilShutdown() }
            try await group.waitForAll()
        }
    }

    private func publishUntilShutdown() async {
        await withGracefulShutdownHandler {
            for await _ in publishRequests.stream {
                do {
                    _ = try await publish()
                } catch is CancellationError {
                    return
                } catch {
                    failures.record(.publish, error, ["log.size": "\(freshness.logSize)"])
                }
            }
        } onGracefulShutdown: {
            self.publishRequests.continuation.finish()
        }
    }

    /// Brings the projections up to the log, computes the hot KPI trees for the new moment, and
    /// then publishes that moment as "now". Concurrent callers share one run.
    private func publish() async throws -> UInt64 {
        try await publishing.run("now") { [self] in
            try await projector.catchUp()
            let moment = try await readModels.resolve(.now)
            await warm(moment)
            freshness.publish(moment)
            return moment.size
        }
    }

    /// Fills the caches with the KPI trees recently asked for, as of `moment`, so that the first
    /// readers of a new moment find them ready. A tree that cannot be computed is left for its
    /// first reader, who gets the error; the failure is logged and counted.
    private func warm(_ moment: Moment) async {
        let chains = hotChains.members
        guard !chains.isEmpty else { return }
        let revisions: [String: UInt64]
        do {
            revisions = try await readModels.kpiTreeRevisions(chains: chains, moment: moment)
        } catch {
            failures.record(.warm, error, ["moment.size": "\(moment.size)"])
            return
        }
        for chain in chains {
            guard let revision = revisions[chain] else { continue }
            do {
                let body = try await kpiTreeBody(chain: chain, revision: revision, moment: moment, in: readModels)
                responses[ResponseKey(path: APIRoutes.statusPath, chain: chain, moment: moment)] = body
            } catch {
                failures.record(.warm, error, ["chain": "\(chain)", "moment.size": "\(moment.size)"])
            }
        }
    }
}
