public import AsyncHTTPClient
import Foundation
public import LedgerCore
public import NIOCore
import NIOHTTP1

/// A client of a witness (C2SP tlog-witness): what a log sends to `add-checkpoint`.
public struct WitnessClient: Sendable {
    /// The witness's submission prefix, without a trailing slash.
    public let prefix: String
    public let timeout: TimeAmount
    let client: HTTPClient

    public init(prefix: String, timeout: TimeAmount = .seconds(5), client: HTTPClient = .shared) {
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.timeout = timeout
        self.client = client
    }

    /// What a witness answered.
    public enum Answer: Sendable, Equatable {
        /// 200: its signature lines, each ending in a newline.
        case cosigned(String)
        /// 409: the size of the latest checkpoint it cosigned for the log.
        case conflict(size: UInt64)
        /// Any other status, with the witness's reason.
        case refused(status: UInt, reason: String)
    }

    /// Submits `note` (a serialized checkpoint) with the consistency proof from `old`, the size
    /// the log believes the witness holds.
    public func addCheckpoint(old: UInt64, proof: [TreeHash], note: String) async throws -> Answer {
        var request = HTTPClientRequest(url: prefix + "/add-checkpoint")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        let body = (["old \(old)"] + proof.map(\.base64)).joined(separator: "\n") + "\n\n" + note
        request.body = .bytes(ByteBuffer(string: body))
        let response: HTTPClientResponse
        let text: String
        do {
            response = try await client.execute(request, timeout: timeout)
            text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            throw LedgerClientError.unreachable(url: prefix + "/add-checkpoint", reason: "\(error)")
        }
        switch response.status.code {
        case 200:
            return .cosigned(text)
        case 409:
            let type = response.headers.first(name: "Content-Type") ?? ""
            guard type.hasPrefix("text/x.tlog.size"), text.hasSuffix("\n"), let size = UInt64(text.dropLast()) else {
                throw LedgerClientError.malformed(what: "a 409 from the witness", detail: "not a text/x.tlog.size body: \(text.prefix(80))")
            }
            return .conflict(size: size)
        default:
            return .refused(status: response.status.code, reason: text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
