import ChainProjections
import Foundation

/// What the service knows of the log and the projections without asking SQLite.
final class Freshness: @unchecked Sendable {
    /// How often the log's size is read, to notice commits appended by other processes.
    static let recheck: TimeInterval = 1
    /// Readers count as active this long after a read: while they are, every commit is
    /// published at once; when they are not, the next read catches up and waits for it.
    static let activeReaders: TimeInterval = 10
    private let lock = NSLock()
    private var _lastRead = Date.distantPast
    private var _logSize: UInt64 = 0
    private var _logCheckedAt = Date.distantPast
    private var _now: Moment?

    var logSize: UInt64 { lock.withLock { _logSize } }
    var logCheckedAt: Date { lock.withLock { _logCheckedAt } }
    /// The size of the published "now" (0 before anything is published).
    var projected: UInt64 { lock.withLock { _now?.size ?? 0 } }
    /// The published "now".
    var now: Moment? { lock.withLock { _now } }

    /// Records a read at `time`; returns whether readers were active before it.
    func noteRead(at time: Date) -> Bool {
        lock.withLock {
            defer { _lastRead = time }
            return time.timeIntervalSince(_lastRead) < Self.activeReaders
        }
    }

    /// Whether someone read within `activeReaders` seconds of `time`.
    func readersActive(at time: Date) -> Bool {
        lock.withLock { time.timeIntervalSince(_lastRead) < Self.activeReaders }
    }

    func logGrew(to size: UInt64) { lock.withLock { _logSize = max(_logSize, size) } }

    func logObserved(_ size: UInt64, at time: Date) {
        lock.withLock {
            _logSize = max(_logSize, size)
            _logCheckedAt = time
        }
    }

    /// Makes `moment` "now".
    func publish(_ moment: Moment) {
        lock.withLock {
            if moment.size >= _now?.size ?? 0 { _now = moment }
        }
    }
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

/// The most recent distinct members, at most `limit` (the oldest is dropped first).
final class RecentSet: @unchecked Sendable {
    private let lock = NSLock()
    private var order: [String] = []
    private var set: Set<String> = []
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func insert(_ member: String) {
        lock.withLock {
            guard set.insert(member).inserted else { return }
            order.append(member)
            if order.count > limit { set.remove(order.removeFirst()) }
        }
    }

    var members: [String] { lock.withLock { order } }
}

/// The log size after the last commit submitted with each token, so that its holder reads its
/// own writes. Forgets everything beyond `limit` tokens (their holders then see "now" as
/// published, a few milliseconds behind at most).
final class WrittenSizes: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [String: UInt64] = [:]
    let limit: Int

    init(limit: Int = 100_000) { self.limit = limit }

    func record(_ size: UInt64, for token: String) {
        lock.withLock {
            if sizes.count >= limit, sizes[token] == nil { sizes.removeAll(keepingCapacity: true) }
            sizes[token] = max(sizes[token] ?? 0, size)
        }
    }

    subscript(token: String) -> UInt64 { lock.withLock { sizes[token] ?? 0 } }
}
