import ChainDomain
import ChainProjections
import Foundation
import LedgerCore
import Logging
import Metrics
import NIOCore

/// What the server runs on: the ledger (for writes), its store, the projections (kept up to date
/// in the background) and a notifier that wakes live followers when the log grows.
public final class LedgerService: Sendable {
    public let ledger: Ledger<ChainRules>
    public let store: any LedgerStore
    public let projector: Projector
    public let tokens: AccessTokens
    let growth = LogGrowth()
    /// Read-model answers by the moment they answer for.
    let responses = ResponseCache()
    /// KPI trees by revision, so that a commit recomputes only the trees it changed.
    package let trees = KpiTreeCache()
    let freshness = Freshness()
    private let catchingUp = SingleFlight<UInt64>()
    /// Answers being computed, shared by the requests that ask for them meanwhile.
    let answering = SingleFlight<ByteBuffer>()
    let logger: Logger
    private let appendedCommits = Counter(label: "chainledger_commits_appended_total")
    private let appendedEvents = Counter(label: "chainledger_events_appended_total")
    private let logSize = Gauge(label: "chainledger_log_size")

    public init(ledger: Ledger<ChainRules>, projector: Projector, tokens: AccessTokens, logger: Logger = Logger(label: "chainledger")) {
        self.ledger = ledger
        store = ledger.store
        self.projector = projector
        self.tokens = tokens
        self.logger = logger
    }

    public var readModels: ReadModels { projector.readModels }

    /// A chain's KPI tree: computed once per revision of what it shows, and stamped with the
    /// moment asked about.
    func kpiTree(chain: String, asOf: AsOf, in models: ReadModels) async throws -> KpiTree {
        guard case let .moment(moment) = asOf,
              let revision = try await models.kpiTreeRevision(chain: chain, moment: moment) else {
            return try await models.kpiTree(chain: chain, asOf: asOf)
        }
        let key = KpiTreeKey(chain: chain, revision: revision)
        if let tree = trees[key] { return tree.at(moment) }
        let tree = try await models.kpiTree(chain: chain, asOf: asOf)
        trees[key] = tree
        return tree
    }

    /// Appends a commit (grouped with concurrent ones); the next read catches the projections up.
    func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        let receipt = try await ledger.append(commit)
        if !receipt.duplicate {
            appendedCommits.increment()
            appendedEvents.increment(by: Int(receipt.last - receipt.first + 1))
            logSize.record(Double(receipt.size))
            freshness.logGrew(to: receipt.size)
            growth.announce(receipt.size)
        }
        return receipt
    }

    /// Read models up to date with every commit this server appended, and with commits appended
    /// by other processes (the CLI on the same file) at most `Freshness.recheck` seconds ago.
    func currentReadModels() async throws -> ReadModels {
        let now = Date()
        var size = freshness.logSize
        if now.timeIntervalSince(freshness.logCheckedAt) >= Freshness.recheck {
            size = try await store.size()
            freshness.logObserved(size, at: now)
        }
        if freshness.projected < size {
            // Concurrent readers wait for one catch-up instead of each running their own.
            let position = try await catchingUp.run("log") { [projector] in
                try await projector.catchUp()
                return try await projector.position()
            }
            freshness.projected(position)
        }
        return readModels
    }

    /// The moment `asOf` names; "now" without a query when the projections have not moved.
    func resolve(_ asOf: AsOf, in models: ReadModels) async throws -> Moment {
        if asOf == .now, let now = freshness.now, now.size == freshness.projected, now.day == .today {
            return now
        }
        let moment = try await models.resolve(asOf)
        if asOf == .now { freshness.now = moment }
        return moment
    }
}

/// What the service knows of the log and the projections without asking SQLite.
final class Freshness: @unchecked Sendable {
    /// How often the log's size is read, to notice commits appended by other processes.
    static let recheck: TimeInterval = 1
    private let lock = NSLock()
    private var _logSize: UInt64 = 0
    private var _logCheckedAt = Date.distantPast
    private var _projected: UInt64 = 0
    private var _now: Moment?

    var logSize: UInt64 { lock.withLock { _logSize } }
    var logCheckedAt: Date { lock.withLock { _logCheckedAt } }
    var projected: UInt64 { lock.withLock { _projected } }
    var now: Moment? {
        get { lock.withLock { _now } }
        set { lock.withLock { _now = newValue } }
    }

    func logGrew(to size: UInt64) { lock.withLock { _logSize = max(_logSize, size) } }

    func logObserved(_ size: UInt64, at time: Date) {
        lock.withLock {
            _logSize = max(_logSize, size)
            _logCheckedAt = time
        }
    }

    func projected(_ position: UInt64) { lock.withLock { _projected = max(_projected, position) } }
}

/// Runs one piece of work per key at a time: callers that arrive while it runs share its result.
final class SingleFlight<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var running: [String: Task<Value, any Error>] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task: Task<Value, any Error> = lock.withLock {
            if let task = running[key] { return task }
            // The task removes itself when done; it cannot get there before it is recorded,
            // since that needs the lock held here.
            let task = Task {
                defer { self.lock.withLock { self.running[key] = nil } }
                return try await work()
            }
            running[key] = task
            return task
        }
        return try await task.value
    }
}

/// Wakes waiting followers of the log when it grows.
final class LogGrowth: @unchecked Sendable {
    private let lock = NSLock()
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    func announce(_ size: UInt64) {
        let woken = lock.withLock {
            let woken = waiters
            waiters = [:]
            return woken
        }
        for continuation in woken.values { continuation.resume() }
    }

    /// Returns when the log grows, or after `timeout` (so followers can send keep-alives).
    func wait(timeout: Duration) async {
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    self.lock.withLock { self.waiters[id] = continuation }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                let continuation = self.lock.withLock { self.waiters.removeValue(forKey: id) }
                continuation?.resume()
            }
            // The first to finish wins; the sleep is cancelled when the log grew first.
            await group.next()
            group.cancelAll()
        }
    }
}
