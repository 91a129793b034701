import Foundation
import Hummingbird
import LedgerCore
import NIOCore

/// The log: entries by position and by stream, and live following.
extension APIRoutes {
    /// An entry as the API shows it (the same fields as `chainledger log --json`).
    struct EntryView: Encodable {
        let position: UInt64
        let stream: String
        let version: UInt64
        let type: String
        let schema: UInt64
        let data: RawJSON
        let commit: String
        let recordedAt: String
        let leaf: String

        init(_ stored: StoredEntry) throws {
            let event = try stored.eventLine()
            position = stored.position
            stream = stored.stream
            version = stored.version
            type = stored.type
            schema = event.schema
            data = RawJSON(bytes: Array(event.data))
            commit = stored.commit.hex
            recordedAt = "\(stored.recordedAt)"
            leaf = Data(stored.bytes).base64EncodedString()
        }
    }

    struct Page: Encodable {
        let entries: [EntryView]
        /// The position (or, for a stream, the version) to ask for next.
        let next: UInt64
        let size: UInt64
        /// For a stream: its current version.
        var version: UInt64? = nil
    }

    func log(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        let from = try Query.unsigned(request, "from") ?? 0
        let limit = min(try Query.unsigned(request, "limit") ?? 100, 1000)
        let entries = try await service.store.entries(from: from, limit: Int(limit))
        return try JSON.response(Page(entries: try entries.map(EntryView.init), next: (entries.last?.position).map { $0 + 1 } ?? from,
                                      size: try await service.store.size()))
    }

    func entry(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let position = context.parameters.get("position", as: UInt64.self) else {
            throw APIError(.badRequest, "bad-parameter", "the position must be a whole number")
        }
        guard let stored = try await service.store.entries(from: position, limit: 1).first, stored.position == position else {
            throw APIError(.notFound, "no-entry", "there is no entry at position \(position)")
        }
        return try JSON.response(try EntryView(stored))
    }

    func stream(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let id = request.uri.queryParameters.get("id"), !id.isEmpty else {
            throw APIError(.badRequest, "missing-parameter", "name the stream: ?id=chain/street-to-home")
        }
        let from = try Query.unsigned(request, "from_version") ?? 1
        let limit = min(try Query.unsigned(request, "limit") ?? 100, 1000)
        let entries = try await service.store.entries(stream: id, fromVersion: from, limit: Int(limit))
        return try JSON.response(Page(entries: try entries.map(EntryView.init), next: (entries.last?.version).map { $0 + 1 } ?? from,
                                      size: try await service.store.size(), version: try await service.store.version(of: id)))
    }

    /// Server-sent events: every entry from `from` (or from after `Last-Event-ID`) on, then new
    /// ones as they are appended. Each event's id is its position. `max` closes the stream after
    /// that many events (for clients that poll in batches, and for tests).
    func follow(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        var start = try Query.unsigned(request, "from") ?? 0
        if let last = request.headers.first(where: { $0.name.canonicalName == "last-event-id" })?.value {
            guard let position = UInt64(last) else { throw APIError(.badRequest, "bad-last-event-id", "Last-Event-ID must be a position") }
            start = position + 1
        }
        let store = service.store
        let growth = service.growth
        let from = start
        let maximum = try Query.unsigned(request, "max") ?? UInt64.max
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: .init { writer in
            var next = from
            var idle = 0
            var sent: UInt64 = 0
            while !Task.isCancelled, sent < maximum {
                let entries = try await store.entries(from: next, limit: Int(min(500, maximum - sent)))
                if entries.isEmpty {
                    idle += 1
                    if idle % 15 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                    await growth.wait(timeout: .seconds(1))
                    continue
                }
                var text = ""
                for stored in entries {
                    let data = String(decoding: try JSON.encoder.encode(try EntryView(stored)), as: UTF8.self)
                    text += "id: \(stored.position)\nevent: entry\ndata: \(data)\n\n"
                }
                try await writer.write(ByteBuffer(string: text))
                next = entries.last!.position + 1
                sent += UInt64(entries.count)
            }
            try await writer.finish(nil)
        })
    }
}
