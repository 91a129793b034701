import Foundation
import NIOConcurrencyHelpers

/// Wakes waiting followers of the log when it grows.
final class LogGrowth: Sendable {
    private let waiters = NIOLockedValueBox<[UUID: CheckedContinuation<Void, Never>]>([:])

    func announce(_ size: UInt64) {
        wakeAll()
    }

    /// Wakes every waiting follower (the log grew, or the server is shutting down).
    func wakeAll() {
        let woken = waiters.withLockedValue { waiters in
            defer { waiters = [:] }
            return waiters
        }
        for continuation in woken.values { continuation.resume() }
    }

    /// Returns when the log grows, or after `timeout` (so followers can send keep-alives).
    func wait(timeout: Duration) async {
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    self.waiters.withLockedValue { $0[id] = continuation }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                let continuation = self.waiters.withLockedValue { $0.removeValue(forKey: id) }
                continuation?.resume()
            }
            // The first to finish wins; the sleep is cancelled when the log grew first.
            await group.next()
            group.cancelAll()
        }
    }
}
