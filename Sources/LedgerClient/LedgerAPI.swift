public import AsyncHTTPClient
import Foundation
public import LedgerCore
public import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A client of a ledger server's API (`chainledger serve`): what partners' replicas, witnesses
/// and command-line writers ask of it. Every answer that matters is checked by the caller against
/// the ledger's keys and proofs; this type only speaks HTTP and reads the JSON strictly enough to
/// hand over bytes.
public struct LedgerAPI: Sendable {
    /// The server's address, without a trailing slash (`https://ledger.example/heuvelstad`).
    public let base: String
    /// A bearer token (`clt_…`), for every route but `/health`.
    public let token: String?
    /// How long one request may take.
    public let timeout: TimeAmount
    let client: HTTPClient

    public init(base: String, token: String?, timeout: TimeAmount = .seconds(60), client: HTTPClient = .shared) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token
        self.timeout = timeout
        self.client = client
    }

    // MARK: - Reading

    /// The server's latest signed checkpoint, as served (a C2SP note).
    public func checkpoint() async throws -> String {
        String(buffer: try await get("/api/checkpoint", accept: "text/plain"))
    }

    /// Up to `limit` of the server's stored checkpoints from size `size` on, by size.
    public func checkpoints(fromSize size: UInt64, limit: Int) async throws -> [ServedCheckpoint] {
        try decode(CheckpointPage.self, try await get("/api/checkpoints?from=\(size)&limit=\(limit)")).checkpoints
    }

    /// Up to `limit` commits whose first event is at or after `position` (and before `end`, when
    /// given), in position order, each with its whole signed document and signature.
    public func commits(from position: UInt64, before end: UInt64? = nil, limit: Int) async throws -> [ServedCommitRow] {
        let bound = end.map { "&to=\($0)" } ?? ""
        return try decode(CommitPage.self, try await get("/api/commits?from=\(position)\(bound)&limit=\(limit)")).commits
    }

    /// Up to `limit` entries from `position` on, with their stored bytes.
    public func entries(from position: UInt64, limit: Int) async throws -> [ServedEntryRow] {
        try decode(EntryPage.self, try await get("/api/log?from=\(position)&limit=\(limit)")).entries
    }

    /// The server's consistency proof from `old` to `new` entries.
    public func consistency(old: UInt64, new: UInt64) async throws -> ConsistencyProof {
        let view = try decode(ConsistencyView.self, try await get("/api/proofs/consistency?old=\(old)&new=\(new)"))
        guard let oldRoot = TreeHash(base64: view.oldRoot), let newRoot = TreeHash(base64: view.newRoot) else {
            throw LedgerClientError.malformed(what: "consistency proof", detail: "a root is not a base64 SHA-256 hash")
        }
        return ConsistencyProof(
            oldSize: view.old, newSize: view.new, oldRoot: oldRoot, newRoot: newRoot, hashes: try Self.hashes(view.proof, "consistency proof"))
    }

    /// The server's inclusion proof for the entry at `position` in the tree of `size` entries.
    public func inclusion(position: UInt64, size: UInt64) async throws -> InclusionProof {
        let view = try decode(InclusionView.self, try await get("/api/proofs/inclusion?position=\(position)&size=\(size)"))
        guard let leaf = TreeHash(base64: view.leafHash), let root = TreeHash(base64: view.root) else {
            throw LedgerClientError.malformed(what: "inclusion proof", detail: "a hash is not a base64 SHA-256 hash")
        }
        return InclusionProof(index: view.index, size: view.size, leafHash: leaf, root: root, hashes: try Self.hashes(view.proof, "inclusion proof"))
    }

    /// The receipt of a commit: tlog-proofs for its first and last entries (or every entry), as served.
    public func receipt(commit: CommitID, everyEntry: Bool) async throws -> [String] {
        struct View: Decodable {
            struct Proof: Decodable { let proof: String }
            let proofs: [Proof]
        }
        return try decode(View.self, try await get("/api/receipts/\(commit.hex)?every=\(everyEntry)")).proofs.map(\.proof)
    }

    static func hashes(_ texts: [String], _ what: String) throws -> [TreeHash] {
        var hashes: [TreeHash] = []
        for text in texts {
            guard let hash = TreeHash(base64: text) else {
                throw LedgerClientError.malformed(what: what, detail: "\"\(text)\" is not a base64 SHA-256 hash")
            }
            hashes.append(hash)
        }
        return hashes
    }

    // MARK: - HTTP

    func request(_ path: String, method: HTTPMethod = .GET, accept: String = "application/json") -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    func get(_ path: String, accept: String = "application/json") async throws -> ByteBuffer {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request(path, accept: accept), timeout: timeout)
        } catch {
            throw LedgerClientError.unreachable(url: base + path, reason: "\(error)")
        }
        let body = try await response.body.collect(upTo: Self.maximumAnswer)
        guard response.status == .ok else { throw LedgerClientError.refused(status: response.status.code, body: body) }
        return body
    }

    /// The largest answer read: a page of commits holds up to a few of 64 MiB each.
    static let maximumAnswer = 256 << 20

    func decode<Value: Decodable>(_ type: Value.Type, _ buffer: ByteBuffer) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: buffer)
        } catch {
            throw LedgerClientError.malformed(what: "\(type)", detail: "\(error)")
        }
    }
}

/// A stored checkpoint as the server serves it.
public struct ServedCheckpoint: Sendable, Decodable, Equatable {
    public let size: UInt64
    public let note: String
}

/// A commit as the server serves it: its whole signed document and signature, and where and
/// when the server recorded it.
public struct ServedCommitRow: Sendable, Decodable, Equatable {
    public let id: String
    public let first: UInt64
    public let last: UInt64
    public let recordedAt: String
    public let signed: String
    public let signature: String

    /// The commit as a mirror admits it; the base64 must be canonical and the time RFC 3339.
    public func mirrored() throws -> MirroredCommit {
        guard let signed = Data(canonicalBase64: signed), let signature = Data(canonicalBase64: signature),
            let recordedAt = Timestamp(rfc3339: recordedAt)
        else { throw LedgerClientError.malformed(what: "commit \(id)", detail: "its bytes, signature or time cannot be read") }
        return MirroredCommit(signed: [UInt8](signed), signature: [UInt8](signature), first: first, recordedAt: recordedAt)
    }
}

/// An entry as the server serves it: its position and stored bytes (`leaf`, base64).
public struct ServedEntryRow: Sendable, Decodable, Equatable {
    public let position: UInt64
    public let leaf: String

    /// The stored bytes.
    public func bytes() throws -> [UInt8] {
        guard let data = Data(canonicalBase64: leaf) else {
            throw LedgerClientError.malformed(what: "entry \(position)", detail: "its bytes are not canonical base64")
        }
        return [UInt8](data)
    }
}

struct CheckpointPage: Decodable {
    let checkpoints: [ServedCheckpoint]
}

struct CommitPage: Decodable {
    let commits: [ServedCommitRow]
}

struct EntryPage: Decodable {
    let entries: [ServedEntryRow]
}

struct InclusionView: Decodable {
    let index: UInt64, size: UInt64, leafHash: String, root: String, proof: [String]
}

struct ConsistencyView: Decodable {
    let old: UInt64, new: UInt64, oldRoot: String, newRoot: String, proof: [String]
}

/// What went wrong talking to a ledger server.
public enum LedgerClientError: Sendable, PhrasedError {
    /// No answer: the server could not be reached, or the connection broke.
    case unreachable(url: String, reason: String)
    /// The server answered with an error status; `body` is its answer (`{"error": …}` as a rule).
    case refused(status: UInt, body: ByteBuffer)
    /// An answer that cannot be read as what was asked for.
    case malformed(what: String, detail: String)

    /// The server's own message, when it gave one.
    public var serverMessage: String? {
        guard case .refused(_, let body) = self,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["message"] as? String
    }

    public var phrase: Phrase {
        switch self {
        case .unreachable(let url, let reason): "cannot reach \(url): \(reason)"
        case .refused(let status, let body): "the server refused (\(status)): \(serverMessage ?? String(buffer: body))"
        case .malformed(let what, let detail): "the server sent an unreadable \(what): \(detail)"
        }
    }
}
