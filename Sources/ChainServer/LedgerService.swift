import ChainDomain
import ChainProjections
import Foundation
import LedgerCore
import Logging
import Metrics

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

    /// Appends a commit (grouped with concurrent ones), then brings the projections up to date.
    func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        let receipt = try await ledger.append(commit)
        if !receipt.duplicate {
            appendedCommits.increment()
            appendedEvents.increment(by: Int(receipt.last - receipt.first + 1))
            logSize.record(Double(receipt.size))
            growth.announce(receipt.size)
        }
        return receipt
    }

    /// Read models up to date with the log (catches up first).
    func currentReadModels() async throws -> ReadModels {
        try await projector.catchUp()
        return readModels
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
