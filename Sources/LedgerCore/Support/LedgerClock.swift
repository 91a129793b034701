import Synchronization

/// Where the ledger reads the time it records commits at.
///
/// The system clock by default. Tests and sample builders drive their own (``manual(_:)``), so a
/// sample recorded over two years of its story carries those times. Whatever the clock says, a
/// recorded time never goes backwards: a commit is recorded no earlier than the one before it.
public struct LedgerClock: Sendable {
    private let read: @Sendable () -> Timestamp

    /// A clock that answers `read()` when asked.
    public init(_ read: @escaping @Sendable () -> Timestamp) {
        self.read = read
    }

    /// The current time.
    public func now() -> Timestamp { read() }

    /// The system clock, in milliseconds.
    public static let system = LedgerClock { Timestamp.now() }

    /// A clock that someone else moves: `time.set(…)`, `time.advance(…)`.
    public static func manual(_ time: ManualTime) -> LedgerClock {
        LedgerClock { time.current }
    }
}

/// The time of a ``LedgerClock/manual(_:)`` clock, moved by hand.
public final class ManualTime: Sendable {
    private let milliseconds: Mutex<Int64>

    /// Starts at `time`.
    public init(_ time: Timestamp) {
        milliseconds = Mutex(time.milliseconds)
    }

    /// The time the clock shows.
    public var current: Timestamp { Timestamp(milliseconds: milliseconds.withLock { $0 }) }

    /// Sets the clock to `time`.
    public func set(_ time: Timestamp) { milliseconds.withLock { $0 = time.milliseconds } }

    /// Moves the clock on by `delta` milliseconds.
    public func advance(milliseconds delta: Int64) { milliseconds.withLock { $0 += delta } }
}
