import Hummingbird
import LedgerCore
import NIOCore

/// Integrity: the latest checkpoint, inclusion and consistency proofs.
extension APIRoutes {
    func checkpoint(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let checkpoint = try await service.store.latestCheckpoint() else {
            throw APIError(.notFound, "no-checkpoint", "the ledger has no checkpoint yet")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: checkpoint.note)))
    }

    /// The latest checkpoint that meets the witness policy in force, with the witnesses'
    /// cosignatures after the ledger's signature (a C2SP note).
    func witnessedCheckpoint(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let note = service.collector?.witnessed else {
            throw APIError(
                .notFound, "not-witnessed",
                service.collector == nil
                    ? "this server collects no cosignatures (see `serve --witnesses`)"
                    : "no checkpoint has met the witness policy yet")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: note)))
    }

    struct ReceiptView: Encodable {
        struct Proof: Encodable {
            let position: UInt64
            let proof: String
        }
        let commit: String
        let proofs: [Proof]
    }

    /// Receipts for a commit: C2SP tlog-proofs for its first and last entries (`?every=true`:
    /// each entry) against the latest witnessed checkpoint.
    func receipt(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let id = context.parameters.get("commit").flatMap(CommitID.init(hex:)) else {
            throw APIError(.badRequest, "bad-commit", "name the commit by its 64 lower-case hexadecimal digits")
        }
        let every = request.uri.queryParameters.get("every") == "true"
        do {
            let proofs = try await ReceiptBuilder(store: service.store).receipt(for: id, witnessed: service.collector?.witnessed, everyEntry: every)
            return try JSON.response(ReceiptView(commit: id.hex, proofs: proofs.map { .init(position: $0.index, proof: $0.text) }))
        } catch let refusal as ReceiptBuilder.Refusal {
            switch refusal {
            case .unknownCommit: throw APIError(.notFound, "no-commit", refusal.description)
            case .notYetWitnessed: throw APIError(.conflict, "not-yet-witnessed", refusal.description)
            }
        }
    }

    struct InclusionView: Encodable {
        let index: UInt64, size: UInt64, leafHash: String, root: String, proof: [String]
    }

    struct ConsistencyView: Encodable {
        let old: UInt64, new: UInt64, oldRoot: String, newRoot: String, proof: [String]
    }

    /// Proofs here read asynchronously: a read on the calling thread would hold one of the
    /// server's few threads for as long as a group commit keeps SQLite busy.
    private var proofs: ProofBuilder { ProofBuilder(store: service.store, readsOnCallingThread: false) }

    func inclusion(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let position = try Query.unsigned(request, "position") else {
            throw APIError(.badRequest, "missing-parameter", "name the entry: ?position=P (and optionally &size=N)")
        }
        let size = try Query.unsigned(request, "size")
        let proof = try await APIError.mapping { try await proofs.inclusion(index: position, size: size) }
        return try JSON.response(
            InclusionView(
                index: proof.index, size: proof.size, leafHash: proof.leafHash.base64, root: proof.root.base64,
                proof: proof.hashes.map(\.base64)))
    }

    func consistency(request: Request, context: LedgerRequestContext) async throws -> Response {
        _ = try context.requireReader()
        guard let old = try Query.unsigned(request, "old") else {
            throw APIError(.badRequest, "missing-parameter", "name the older tree size: ?old=M (and optionally &new=N)")
        }
        let new = try Query.unsigned(request, "new")
        let proof = try await APIError.mapping { try await proofs.consistency(old: old, new: new) }
        return try JSON.response(
            ConsistencyView(
                old: proof.oldSize, new: proof.newSize, oldRoot: proof.oldRoot.base64,
                newRoot: proof.newRoot.base64, proof: proof.hashes.map(\.base64)))
    }
}
