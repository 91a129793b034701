import Foundation
import Hummingbird
import HummingbirdAuth
import LedgerCore
import NIOCore

/// Writing: signed commits submitted by members.
extension APIRoutes {
    /// 201 with the positions for a new commit, 200 for a re-sent one; 400/403/409/422 with a reason.
    func submit(request: Request, context: LedgerRequestContext) async throws -> Response {
        let identity = try context.requireReader()
        if let replica = service.replica { throw APIError(.methodNotAllowed, "read-only-replica", replica.readOnlyMessage) }
        var request = request
        let body: ByteBuffer
        let limits = service.ledger.limits
        do {
            body = try await request.collectBody(upTo: Self.maximumBody(for: limits))
        } catch {
            throw APIError(.contentTooLarge, "too-large", "a commit may hold at most \(limits.commitBytes) bytes")
        }
        let submission: SubmissionBody
        do {
            submission = try SubmissionBody(parsing: Array(body.readableBytesView))
        } catch {
            switch error {
            case .malformedJSON: throw APIError(.badRequest, "malformed-json", error.description)
            case .malformedBase64: throw APIError(.badRequest, "malformed-base64", error.description)
            }
        }
        let signed = submission.signed
        let signature = submission.signature
        let document = try await APIError.mapping { try CommitDocument(parsing: signed) }
        guard identity.maySubmit(for: document.organisation) else {
            throw APIError(
                .forbidden, "token-scope",
                identity.role == .auditor
                    ? "an auditor's token reads; it does not submit commits"
                    : "this token belongs to \(identity.organisation); it cannot submit a commit of \(document.organisation)")
        }
        let receipt = try await APIError.mapping {
            try await service.append(SignedCommit(bytes: signed, signature: signature), token: identity.token)
        }
        return try JSON.response(Receipt(receipt), status: receipt.duplicate ? .ok : .created)
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
}
