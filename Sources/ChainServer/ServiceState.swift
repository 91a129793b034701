import ChainProjections
import Foundation
import NIOConcurrencyHelpers

/// What the service knows of the log and the projections without asking SQLite.
final class Freshness: Sendable {
    /// How often the log's size is read, to notice commits appended by other processes.
    static let recheck: TimeInterval = 1
    /// Readers count as active this long after a read: while they are, every commit is
    /// published at once; when they are not, the next read catches up and waits for it.
    static let activeReaders: TimeInterval = 10

    private struct State {
        var lastRead = Date.distantPast
        var logSize: UInt64 = 0
        var logCheckedAt = Date.distantPast
        var now: Moment?
    }

    private let state = NIOLockedValueBox(State())

    var logSize: UInt64 { state.withLockedValue { $0.logSize } }
    var logCheckedAt: Date { state.withLockedValue { $0.logCheckedAt } }
    /// The size of the published "now" (0 before anything is published).
    var projected: UInt64 { state.withLockedValue { $0.now?.size ?? 0 } }
    /// The published "now".
    var now: Moment? { state.withLockedValue { $0.now } }

    /// Records a read at `time`; returns whether readers were active before it.
    func noteRead(at time: Date) -> Bool {
        state.withLockedValue { state in
            defer { state.lastRead = time }
            return time.timeIntervalSince(state.lastRead) < Self.activeReaders
        }
    }

    /// Whether someone read within `activeReaders` seconds of `time`.
    func readersActive(at time: Date) -> Bool {
        state.withLockedValue { time.timeIntervalSince($0.lastRead) < Self.activeReaders }
    }

    func logGrew(to size: UInt64) { state.withLockedValue { $0.logSize = max($0.logSize, size) } }

    func logObserved(_ size: UInt64, at time: Date) {
        state.withLockedValue { state in
            state.logSize = max(state.logSize, size)
            state.logCheckedAt = time
        }
    }

    /// Makes `moment` "now".
    func publish(_ moment: Moment) {
        state.withLockedValue { state in
            if moment.size >= state.now?.size ?? 0 { state.now = moment }
        }
    }
}

/// Runs one piece of work per key at a time: callers that arrive while it runs share its result.
final class SingleFlight<Value: Sendable>: Sendable {
    private let running = NIOLockedValueBox<[String: Task<Value, any Error>]>([:])

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task: Task<Value, any Error> = running.withLockedValue { running in
            if let task = running[key] { return task }
            // The task removes itself when done; it cannot get there before it is recorded,
            // since that needs the lock held here. Its callers await its value, so an error
            // reaches every one of them.
            let task = Task {
                defer { self.running.withLockedValue { $0[key] = nil } }
                return try await work()
            }
            running[key] = task
            return task
        }
        return try await task.value
    }
}

/// The most recent distinct members, at most `limit` (the oldest is dropped first).
final class RecentSet: Sendable {
    private struct State {
        var order: [String] = []
        var set: Set<String> = []
    }

    private let state = NIOLockedValueBox(State())
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func insert(_ member: String) {
        state.withLockedValue { state in
            guard state.set.insert(member).inserted else { return }
            state.order.append(member)
            if state.order.count > limit { state.set.remove(state.order.removeFirst()) }
        }
    }

    var members: [String] { state.withLockedValue { $0.order } }
}

/// The log size after the last commit submitted with each token, so that its holder reads its
/// own writes. Forgets everything beyond `limit` tokens (their holders then see "now" as
/// published, a few milliseconds behind at most).
final class WrittenSizes: Sendable {
    private let sizes = NIOLockedValueBox<[String: UInt64]>([:])
    let limit: Int

    init(limit: Int = 100_000) { self.limit = limit }

    func record(_ size: UInt64, for token: String) {
        sizes.withLockedValue { sizes in
            if sizes.count >= limit, sizes[token] == nil { sizes.removeAll(keepingCapacity: true) }
            sizes[token] = max(sizes[token] ?? 0, size)
        }
    }

    subscript(token: String) -> UInt64 { sizes.withLockedValue { $0[token] ?? 0 } }
}
