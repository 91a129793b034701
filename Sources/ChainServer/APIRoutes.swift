import ChainDomain
import ChainProjections
import Foundation
import Hummingbird
import HummingbirdAuth
import LedgerCore
import NIOCore

/// The JSON API for partners: submit signed commits, read and follow the log, checkpoints and
/// proofs, and every read model with `as_of`.
struct APIRoutes {
    let service: LedgerService
    /// The largest request body accepted (a commit of 100,000 events fits comfortably).
    static let maximumBody = 64 << 20
    /// The KPI trees' path, under which the service also caches trees it computed ahead.
    static let statusPath = "/api/status"

    func register(on router: Router<LedgerRequestContext>) {
        let api = router.group("api")
        api.post("commits", use: submit)
        api.get("log", use: log)
        api.get("log/{position}", use: entry)
        api.get("stream", use: stream)
        api.get("follow", use: follow)
        api.get("checkpoint", use: checkpoint)
        api.get("proofs/inclusion", use: inclusion)
        api.get("proofs/consistency", use: consistency)
        api.get("status", use: status)
        api.get("kpis/{kpi}/measurements", use: measurements)
        api.get("responsibilities", use: responsibilities)
        api.get("agreements", use: agreements)
        api.get("decisions", use: decisions)
        api.get("audit/{decision}", use: audit)
        api.get("method-health", use: health)
        api.get("tokens", use: tokens)
    }

    // MARK: - Writing

    struct Submission: Decodable {
        let signed: String
        let signature: String
    }

    /// 201 with the positions for a new commit, 200 for a re-sent one; 400/403/409/422 with a reason.
    func submit(request: Request, context: LedgerRequestContext) async throws -> Response {
        let identity = try context.requireReader()
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumBody)
        } catch {
            throw APIError(.contentTooLarge, "too-large", "a commit may hold at most \(Self.maximumBody) bytes")
        }
        let submission: Submission
        do {
            submission = try JSONDecoder().decode(Submission.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(.badRequest, "malformed-json", "send {\"signed\": base64 of the commit document, \"signature\": base64 of its Ed25519 signature}")
        }
        guard let signed = Data(base64Encoded: submission.signed), let signature = Data(base64Encoded: submission.signature) else {
            throw APIError(.badRequest, "malformed-base64", "signed and signature must be standard base64")
        }
        let document: CommitDocument
        do {
            document = try CommitDocument(parsing: [UInt8](signed))
        } catch {
            throw APIError(error)
        }
        guard identity.maySubmit(for: document.organisation) else {
            throw APIError(.forbidden, "token-scope",
                           identity.role == .auditor ? "an auditor's token reads; it does not submit commits"
                               : "this token belongs to \(identity.organisation); it cannot submit a commit of \(document.organisation)")
        }
        do {
            let receipt = try await service.append(SignedCommit(bytes: [UInt8](signed), signature: [UInt8](signature)), token: identity.token)
            return try JSON.response(Receipt(receipt), status: receipt.duplicate ? .ok : .created)
        } catch let error as LedgerError {
            throw APIError(error)
        }
    }

    struct Receipt: Encodable {
        let commit: String
        let first: UInt64
        let last: UInt64
        let size: UInt64
        let root: String
        let duplicate: Bool

        init(_ receipt: AppendReceipt) {
            commit = receipt.commit.hex
            first = receipt.first
            last = receipt.last
            size = receipt.size
            root = receipt.root.base64
            duplicate = receipt.duplicate
        }
    }

    // MARK: - The log

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

    // MARK: - Integrity

    func checkpoint(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let checkpoint = try await service.store.latestCheckpoint() else {
            throw APIError(.notFound, "no-checkpoint", "the ledger has no checkpoint yet")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: checkpoint.note)))
    }

    struct InclusionView: Encodable {
        let index: UInt64, size: UInt64, leafHash: String, root: String, proof: [String]
    }

    struct ConsistencyView: Encodable {
        let old: UInt64, new: UInt64, oldRoot: String, newRoot: String, proof: [String]
    }

    // Proofs here read asynchronously: a read on the calling thread would hold one of the
    // server's few threads for as long as a group commit keeps SQLite busy.
    func inclusion(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let position = try Query.unsigned(request, "position") else {
            throw APIError(.badRequest, "missing-parameter", "name the entry: ?position=P (and optionally &size=N)")
        }
        do {
            let proof = try await ProofBuilder(store: service.store, readsOnCallingThread: false).inclusion(index: position, size: try Query.unsigned(request, "size"))
            return try JSON.response(InclusionView(index: proof.index, size: proof.size, leafHash: proof.leafHash.base64, root: proof.root.base64,
                                                   proof: proof.hashes.map(\.base64)))
        } catch let error as LedgerError {
            throw APIError(error)
        }
    }

    func consistency(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let old = try Query.unsigned(request, "old") else {
            throw APIError(.badRequest, "missing-parameter", "name the older tree size: ?old=M (and optionally &new=N)")
        }
        do {
            let proof = try await ProofBuilder(store: service.store, readsOnCallingThread: false).consistency(old: old, new: try Query.unsigned(request, "new"))
            return try JSON.response(ConsistencyView(old: proof.oldSize, new: proof.newSize, oldRoot: proof.oldRoot.base64,
                                                     newRoot: proof.newRoot.base64, proof: proof.hashes.map(\.base64)))
        } catch let error as LedgerError {
            throw APIError(error)
        }
    }

    // MARK: - Read models

    func status(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            if let chain {
                let body = try await service.kpiTreeBody(chain: chain, asOf: asOf, in: models)
                service.hotChains.insert(chain)
                return body
            }
            return try JSON.bytes(try await models.kpiTrees(asOf: asOf))
        }
    }

    func measurements(request: Request, context: LedgerRequestContext) async throws -> Response {
        let kpi = context.parameters.get("kpi") ?? ""
        return try await readModel(request, context) { models, asOf, _ in
            try JSON.bytes(try await models.measurements(kpi: kpi, asOf: asOf))
        }
    }

    func responsibilities(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.responsibilities(chain: chain, asOf: asOf))
        }
    }

    func agreements(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.agreements(chain: chain, asOf: asOf))
        }
    }

    func decisions(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.dialogues(chain: chain, asOf: asOf))
        }
    }

    func audit(request: Request, context: LedgerRequestContext) async throws -> Response {
        let decision = context.parameters.get("decision") ?? ""
        return try await readModel(request, context) { models, _, _ in
            try JSON.bytes(try await models.audit(decision: decision))
        }
    }

    func health(request: Request, context: LedgerRequestContext) async throws -> Response {
        try await readModel(request, context) { models, asOf, chain in
            try JSON.bytes(try await models.health(chain: chain, asOf: asOf))
        }
    }

    /// One read-model request: any member may read; `as_of` and `chain` come from the query;
    /// an unknown chain or a position beyond the log is a 404. The moment is resolved first and
    /// the answer cached under it: the log only grows, so an answer about a moment never changes.
    private func readModel(_ request: Request, _ context: LedgerRequestContext,
                           _ answer: @escaping @Sendable (ReadModels, AsOf, String?) async throws -> ByteBuffer) async throws -> Response {
        let identity = try context.requireReader()
        let asOf = try Query.asOf(request)
        let models = try await service.currentReadModels(for: identity.token, asOf: asOf)
        let chain = request.uri.queryParameters.get("chain").map { String($0) }
        do {
            let moment = try await service.resolve(asOf, in: models)
            let key = ResponseKey(path: request.uri.path, chain: chain, moment: moment)
            if let cached = service.responses[key] { return JSON.response(bytes: cached) }
            let body = try await service.answering.run(key.description) { [service] in
                let body = try await answer(models, .moment(moment), chain)
                service.responses[key] = body
                return body
            }
            return JSON.response(bytes: body)
        } catch let error as ReadModelError {
            throw APIError(.notFound, "not-found", error.description)
        }
    }

    /// The issued tokens (never their secrets): coordinators only.
    func tokens(request: Request, context: LedgerRequestContext) async throws -> Response {
        let identity = try context.requireReader()
        guard identity.role == .coordinator else {
            throw APIError(.forbidden, "token-scope", "only a coordinator's token lists the access tokens")
        }
        return try JSON.response(try await service.tokens.list())
    }
}

/// JSON responses.
enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        response(bytes: try bytes(value), status: status)
    }

    static func response(bytes: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: bytes))
    }

    static func bytes<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(bytes: try encoder.encode(value))
    }
}

/// JSON already encoded (an event's data as signed), written as is.
struct RawJSON: Encodable {
    let bytes: [UInt8]

    func encode(to encoder: any Encoder) throws {
        // Decoding into a generic value and encoding it again keeps the output valid JSON.
        let value = try JSONDecoder().decode(AnyJSON.self, from: Data(bytes))
        try value.encode(to: encoder)
    }
}

/// Any JSON value.
enum AnyJSON: Codable {
    case null, bool(Bool), number(Double), string(String), array([AnyJSON]), object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([AnyJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: AnyJSON].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}

/// Query parameters, checked.
enum Query {
    static func unsigned(_ request: Request, _ name: String) throws -> UInt64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = UInt64(text) else { throw APIError(.badRequest, "bad-parameter", "\(name) must be a whole number, not \"\(text)\"") }
        return value
    }

    static func asOf(_ request: Request) throws -> AsOf {
        guard let text = request.uri.queryParameters.get("as_of"), !text.isEmpty else { return .now }
        guard let asOf = AsOf(argument: text) else {
            throw APIError(.badRequest, "bad-as-of", "as_of must be a position, a date (YYYY-MM-DD) or an RFC 3339 time, not \"\(text)\"")
        }
        return asOf
    }
}
