import LedgerClient
import LedgerCore
import LedgerSQLite

extension Replica {
    /// Pulls, then stays current: follows the server's log over `/api/follow` and pulls whenever
    /// new entries arrive, until the calling task is cancelled or the server misbehaves. A broken
    /// connection is opened again with `Last-Event-ID`; `onPull` hears each pull that added
    /// entries, `onReconnect` why the stream was opened again.
    public func follow(
        onPull: @escaping @Sendable (PullReport) -> Void = { _ in }, onReconnect: @escaping @Sendable (any Error) -> Void = { _ in }
    ) async throws {
        let first = try await pull()
        if first.size > first.before { onPull(first) }
        try await api.follow(from: first.size, onReconnect: onReconnect) { newest in
            guard newest >= (try await self.store.size()) else { return }
            let report = try await self.pull()
            if report.size > report.before { onPull(report) }
        }
    }
}
