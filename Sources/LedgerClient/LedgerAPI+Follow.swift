import AsyncHTTPClient
import LedgerCore
import NIOCore
import NIOHTTP1

extension LedgerAPI {
    /// Follows the server's log live over `/api/follow` (server-sent events, one per entry, its
    /// position as the event id), from `position` on, until the calling task is cancelled.
    ///
    /// `onEntries` is called with the last position of every batch of events that arrives, after
    /// the events before it; while it runs, further events wait in the connection. A broken or
    /// refused connection is opened again with `Last-Event-ID` naming the last position seen,
    /// after a pause that doubles from `retry` up to `maximumRetry`; `onReconnect` hears why.
    public func follow(
        from position: UInt64, retry: Duration = .milliseconds(100), maximumRetry: Duration = .seconds(5),
        onReconnect: @Sendable (any Error) -> Void = { _ in },
        onEntries: @Sendable (UInt64) async throws -> Void
    ) async throws {
        var last: UInt64? = position == 0 ? nil : position - 1
        var pause = retry
        while !Task.isCancelled {
            do {
                var request = request(last.map { "/api/follow?from=\($0 + 1)" } ?? "/api/follow?from=0", accept: "text/event-stream")
                if let last { request.headers.replaceOrAdd(name: "Last-Event-ID", value: "\(last)") }
                let response = try await client.execute(request, timeout: .hours(24 * 365))
                guard response.status == .ok else {
                    throw LedgerClientError.refused(status: response.status.code, body: try await response.body.collect(upTo: 1 << 16))
                }
                var events = ServerSentEvents()
                for try await chunk in response.body {
                    pause = retry
                    if let newest = events.feed(chunk) {
                        last = newest
                        try await onEntries(newest)
                    }
                }
                throw LedgerClientError.unreachable(url: base + "/api/follow", reason: "the server closed the stream")
            } catch let error as CancellationError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                onReconnect(error)
                try await Task.sleep(for: pause)
                pause = min(pause * 2, maximumRetry)
            }
        }
        throw CancellationError()
    }
}

/// Reads a `text/event-stream` body as it arrives: events end at a blank line; the one field read
/// is `id`, the entry's position.
struct ServerSentEvents {
    private var pending: [UInt8] = []

    /// Adds the bytes of a chunk and returns the id of the last complete event in it, if any.
    mutating func feed(_ chunk: ByteBuffer) -> UInt64? {
        pending += chunk.readableBytesView
        var newest: UInt64?
        var start = 0
        while let end = Self.blankLine(in: pending, from: start) {
            for line in pending[start..<end].split(separator: UInt8(ascii: "\n")) where line.starts(with: Self.idField) {
                if let position = UInt64(String(decoding: line.dropFirst(Self.idField.count), as: UTF8.self)) { newest = position }
            }
            start = end + 2
        }
        pending.removeFirst(start)
        return newest
    }

    private static let idField = Array("id: ".utf8)

    private static func blankLine(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A, bytes[index + 1] == 0x0A { return index }
            index += 1
        }
        return nil
    }
}
