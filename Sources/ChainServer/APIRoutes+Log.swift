import Foundation
import Hummingbird
import LedgerCore
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// The log: entries by position and by stream, and live following; commits and checkpoints as
/// stored, for replicas.
extension APIRoutes {
    func log(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        let from = try Query.unsigned(request, "from") ?? 0
        let limit = min(try Query.unsigned(request, "limit") ?? 100, 1000)
        let entries = try await service.store.entries(from: from, limit: Int(limit))
        return JSON.response(
            bytes: EntryJSON.page(
                entries, next: (entries.last?.position).map { $0 + 1 } ?? from, size: try await service.store.size()))
    }

    func entry(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let position = context.parameters.get("position", as: UInt64.self), position <= UInt64(Int64.max) else {
            throw APIError(.badRequest, "bad-parameter", "the position must be a whole number from 0 to \(Int64.max)")
        }
        guard let stored = try await service.store.entries(from: position, limit: 1).first, stored.position == position else {
            throw APIError(.notFound, "no-entry", "there is no entry at position \(position)")
        }
        return JSON.response(bytes: EntryJSON.bytes(stored))
    }

    func stream(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let id = request.uri.queryParameters.get("id"), !id.isEmpty else {
            throw APIError(.badRequest, "missing-parameter", "name the stream: ?id=chain/street-to-home")
        }
        let from = try Query.unsigned(request, "from_version") ?? 1
        let limit = min(try Query.unsigned(request, "limit") ?? 100, 1000)
        let entries = try await service.store.entries(stream: id, fromVersion: from, limit: Int(limit))
        return JSON.response(
            bytes: EntryJSON.page(
                entries, next: (entries.last?.version).map { $0 + 1 } ?? from, size: try await service.store.size(),
                version: try await service.store.version(of: id)))
    }

    /// Server-sent events: every entry from `from` (or from after `Last-Event-ID`) on, then new
    /// ones as they are appended. Each event's id is its position. `max` closes the stream after
    /// that many events (for clients that poll in batches, and for tests).
    func follow(request: Request, context: LedgerRequestContext) async throws -> Response {
        let identity = try context.requireReader()
        var start = try Query.unsigned(request, "from") ?? 0
        if let last = request.headers.first(where: { $0.name.canonicalName == "last-event-id" })?.value {
            guard let position = UInt64(last) else { throw APIError(.badRequest, "bad-last-event-id", "Last-Event-ID must be a position") }
            start = position + 1
        }
        let store = service.store
        let growth = service.growth
        let from = start
        let maximum = try Query.unsigned(request, "max") ?? UInt64.max
        let followers = followers
        let key = identity.token
        guard followers.open(key) else {
            throw APIError(
                .tooManyRequests, "too-many-followers",
                "this token already follows the log \(followers.limit ?? 0) times at once; close a stream or use another token")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: .init { writer in
                defer { followers.close(key) }
                // A follower's stream ends when the server shuts down gracefully, so that a
                // restart does not wait for every follower to hang up.
                let stopping = NIOLockedValueBox(false)
                try await withGracefulShutdownHandler {
                    var next = from
                    var idle = 0
                    var sent: UInt64 = 0
                    while !Task.isCancelled, !stopping.withLockedValue({ $0 }), sent < maximum {
                        let entries = try await store.entries(from: next, limit: Int(min(500, maximum - sent)))
                        if entries.isEmpty {
                            idle += 1
                            // A keep-alive every 5 s also finds a follower that hung up, whose
                            // place under the token's limit it then gives back.
                            if idle % 5 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                            await growth.wait(timeout: .seconds(1))
                            continue
                        }
                        var text = ByteBuffer()
                        for stored in entries {
                            text.writeString("id: \(stored.position)\nevent: entry\ndata: ")
                            EntryJSON.write(stored, into: &text)
                            text.writeString("\n\n")
                        }
                        try await writer.write(text)
                        next = entries.last!.position + 1
                        sent += UInt64(entries.count)
                    }
                } onGracefulShutdown: {
                    stopping.withLockedValue { $0 = true }
                    growth.wakeAll()
                }
                try await writer.finish(nil)
            })
    }

    /// The most signed bytes one page of commits carries (a page holds at least one commit).
    static let commitPageBytes = 16 << 20
    /// Commits read from the store at a time while a page fills: whole commits are reassembled
    /// from their entries, so a page reads no more of them than it can carry.
    static let commitsPerRead = 8

    /// Commits whose first event is at or after `from` (and before `to`, when given), in
    /// position order, each whole, as signed; at most `limit` of them and about 16 MiB of signed
    /// bytes, but always one.
    func commits(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        let from = try Query.unsigned(request, "from") ?? 0
        let to = try Query.unsigned(request, "to") ?? .max
        let limit = Int(min(try Query.unsigned(request, "limit") ?? 100, 1000))
        var page: [StoredCommit] = []
        var bytes = 0
        var next = from
        reading: while page.count < limit, next < to {
            let asked = min(Self.commitsPerRead, limit - page.count)
            let read = try await service.store.commits(from: next, limit: asked)
            for commit in read {
                guard commit.first < to, page.isEmpty || bytes + commit.bytes.count <= Self.commitPageBytes else { break reading }
                bytes += commit.bytes.count
                page.append(commit)
                next = commit.last + 1
            }
            if read.count < asked { break }
        }
        return JSON.response(bytes: CommitJSON.page(page, next: page.last.map { $0.last + 1 } ?? from, size: try await service.store.size()))
    }

    struct CheckpointView: Encodable {
        let size: UInt64
        let root: String
        let note: String
    }

    struct CheckpointPage: Encodable {
        let checkpoints: [CheckpointView]
        /// The size to ask for next.
        let next: UInt64
    }

    /// Every checkpoint the ledger signed, from size `from` on, by size: one per write.
    func checkpoints(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        let from = try Query.unsigned(request, "from") ?? 0
        let limit = min(try Query.unsigned(request, "limit") ?? 100, 1000)
        let stored = try await service.store.checkpoints(fromSize: from, limit: Int(limit))
        return try JSON.response(
            CheckpointPage(
                checkpoints: stored.map { CheckpointView(size: $0.size, root: $0.root.base64, note: $0.note) },
                next: stored.last.map { $0.size + 1 } ?? from))
    }
}
