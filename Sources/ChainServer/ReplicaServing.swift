import Foundation
import HTTPTypes
import Hummingbird
import LedgerCore

/// What a server of a partner's replica (`serve --replica`) knows besides the ledger: whose log it
/// mirrors, and the evidence of misbehaviour its pulls kept. A replica serves reads only.
public struct ReplicaServing: Sendable {
    /// The coalition's server the replica pulls from, named in every refused write.
    public let source: String
    /// The evidence files kept beside the replica's ledger, oldest first (read on every request,
    /// since a pull in another process may write one at any time).
    public let evidenceFiles: @Sendable () -> [String]

    public init(source: String, evidenceFiles: @escaping @Sendable () -> [String]) {
        self.source = source
        self.evidenceFiles = evidenceFiles
    }

    /// One held evidence file, as far as it can be read.
    struct HeldEvidence: Encodable {
        let file: String
        let kind: String
        let detected: String
        let conclusion: String
    }

    /// The held evidence, each file read as it is now; a file that is no evidence says so.
    func heldEvidence() -> [HeldEvidence] {
        evidenceFiles().map { path in
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard let data = FileManager.default.contents(atPath: path),
                let evidence = try? MisbehaviourEvidence(parsing: String(decoding: data, as: UTF8.self))
            else {
                return HeldEvidence(file: name, kind: "unreadable", detected: "", conclusion: "This file cannot be read as evidence.")
            }
            return HeldEvidence(file: name, kind: evidence.kind.rawValue, detected: "\(evidence.detected)", conclusion: evidence.conclusion)
        }
    }

    /// Why a write is refused here.
    var readOnlyMessage: String {
        "this is a partner's read-only replica of the coalition's ledger; submit commits to the coalition's server, \(source)"
    }
}

/// On a replica that holds evidence, every answer says so in a `ChainLedger-Evidence` header
/// (how many files, and where to read them), so that no client of the replica misses it.
struct HeldEvidenceMiddleware<Context: RequestContext>: RouterMiddleware {
    let replica: ReplicaServing

    static var header: HTTPField.Name { HTTPField.Name("ChainLedger-Evidence")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let held = replica.evidenceFiles().count
        if held > 0 { response.headers[Self.header] = "\(held) evidence file(s) of the server's misbehaviour; see /api/replica" }
        return response
    }
}
