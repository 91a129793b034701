import ChainDomain
import Foundation
import LedgerCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A ChainLedger server, through its HTTP API.
struct RemoteLedger: CommitTarget {
    let base: URL
    let token: String

    private func get(_ path: String, query: [URLQueryItem] = []) async throws -> Data {
        var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return try await send(request).0
    }

    /// No answer came back: the request may or may not have reached the server.
    struct NoAnswer: Error, CustomStringConvertible {
        let base: URL
        let reason: String
        var description: String { "cannot reach \(base): \(reason)" }
    }

    private func send(_ request: URLRequest) async throws -> (Data, Int) {
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw NoAnswer(base: base, reason: error.localizedDescription)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            struct Failure: Decodable {
                struct Body: Decodable {
                    let message: String
                    let phrase: Phrase?
                }
                let error: Body
            }
            let failure = (try? JSONDecoder().decode(Failure.self, from: data))?.error
            let message = failure?.message ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw RemoteError(status: status, message: message, reason: failure?.phrase ?? Phrase(verbatim: message))
        }
        return (data, status)
    }

    /// A server's refusal: its message in English, and the same as a phrase where the server sent
    /// one, said in the command's language.
    struct RemoteError: PhrasedError {
        let status: Int
        let message: String
        let reason: Phrase
        var phrase: Phrase { "the server refused (\(status)): \(reason)" }
    }

    private struct Page: Decodable {
        struct Entry: Decodable {
            let position: UInt64
            let version: UInt64
            let commit: String
        }
        let entries: [Entry]
        let version: UInt64?
    }

    func ledgerID() async throws -> CommitID? {
        let page = try JSONDecoder().decode(
            Page.self, from: try await get("api/log", query: [.init(name: "from", value: "0"), .init(name: "limit", value: "1")]))
        return page.entries.first.flatMap { CommitID(hex: $0.commit) }
    }

    func head(of stream: String) async throws -> (version: UInt64, position: UInt64?) {
        let probe = try JSONDecoder().decode(
            Page.self, from: try await get("api/stream", query: [.init(name: "id", value: stream), .init(name: "limit", value: "1")]))
        let version = probe.version ?? 0
        guard version > 0 else { return (0, nil) }
        let last = try JSONDecoder().decode(
            Page.self,
            from: try await get(
                "api/stream",
                query: [
                    .init(name: "id", value: stream), .init(name: "from_version", value: "\(version)"), .init(name: "limit", value: "1"),
                ]))
        return (version, last.entries.first?.position)
    }

    /// Pauses before sending a commit again whose answer was lost.
    static let resendPauses: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2)]

    /// Submits the signed commit. When no answer comes back, the server may have recorded it
    /// all the same, so the same signed bytes are sent again (a commit the ledger holds is
    /// answered as a duplicate, never appended twice), and what happened is said on standard
    /// error. When no attempt gets an answer, the outcome is unknown: the signed commit is kept
    /// in a file that `chainledger submit` sends again unchanged.
    func append(_ commit: SignedCommit) async throws -> AppendReceipt {
        var request = URLRequest(url: base.appendingPathComponent("api/commits"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = SignedCommitFile.body(commit)
        let id = CommitID(of: commit.bytes).hex
        var lost: NoAnswer?
        for pause in [Duration.zero] + Self.resendPauses {
            if let lost {
                Terminal.printError("no answer to commit \(id) (\(lost.reason)); sending the same signed commit again")
                try await Task.sleep(for: pause)
            }
            let data: Data
            do {
                data = try await send(request).0
            } catch let error as NoAnswer {
                lost = error
                continue
            }
            let receipt = try Self.receipt(data)
            if lost != nil {
                Terminal.printError(
                    receipt.duplicate
                        ? "the ledger already held commit \(id): an earlier attempt was recorded and its answer lost"
                        : "commit \(id) is recorded now; the earlier attempts were not")
            }
            return receipt
        }
        let kept = try SignedCommitFile.keep(commit)
        throw UnknownOutcome(
            """
            the outcome is unknown: commit \(id) was sent \(Self.resendPauses.count + 1) times and no answer came back \
            (\(lost?.reason ?? "")), so it may or may not be in the ledger. Its signed bytes are kept in \(kept): \
            `chainledger submit \(kept) --server \(base) --token …` sends them again unchanged and says which it was. \
            Do not run the command again: that signs a new commit.
            """)
    }

    static func receipt(_ data: Data) throws -> AppendReceipt {
        struct Receipt: Decodable {
            let commit: String
            let first: UInt64
            let last: UInt64
            let size: UInt64
            let root: String
            let duplicate: Bool
        }
        let receipt = try JSONDecoder().decode(Receipt.self, from: data)
        guard let id = CommitID(hex: receipt.commit), let root = TreeHash(base64: receipt.root) else {
            throw CLIError("the server sent an unreadable receipt")
        }
        return AppendReceipt(commit: id, first: receipt.first, last: receipt.last, size: receipt.size, root: root, duplicate: receipt.duplicate)
    }

    func chainState() async -> ChainState? { nil }

    func size() async throws -> UInt64 {
        struct Health: Decodable { let size: String }
        return UInt64(try JSONDecoder().decode(Health.self, from: try await get("health")).size) ?? 0
    }

    func agreementVersion(_ agreement: String) async throws -> Int? {
        struct Report: Decodable {
            struct Item: Decodable {
                let agreement: String
                let latestVersion: Int
            }
            let agreements: [Item]
        }
        let report = try JSONDecoder().decode(Report.self, from: try await get("api/agreements"))
        return report.agreements.first { $0.agreement == agreement }?.latestVersion
    }
}
