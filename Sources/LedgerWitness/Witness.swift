import Crypto
public import Foundation
public import LedgerCore

/// A transparency-log witness (C2SP tlog-witness): it cosigns a log's checkpoint only when the
/// checkpoint is signed by a key it trusts for that log and is consistent with the latest one it
/// cosigned, which it keeps. Two requests can never roll that record back: the check and the
/// update are one transaction in `WitnessState`.
///
/// Cosignatures are `cosignature/v1` (Ed25519, signature type 0x04). A checkpoint that is signed
/// but inconsistent with what the witness cosigned is refused, and kept as evidence.
public actor Witness {
    /// The witness's own key.
    public nonisolated let key: CosignerKey
    /// The logs the witness serves: their verifier keys by origin.
    public nonisolated let logs: [String: [VerifierKey]]
    let state: WitnessState
    let now: @Sendable () -> UInt64
    /// Where evidence of a log's misbehaviour is written (a path prefix), if anywhere.
    let evidencePrefix: String?
    /// A validating witness's own check of a checkpoint before it cosigns: a refusal, or nil.
    let validate: (@Sendable (Checkpoint) async -> WitnessAnswer?)?

    /// A witness with its key, the logs it witnesses (each log's origin line and a verifier key
    /// it signs checkpoints with), and its record at `state`. `now` gives the cosignatures' time
    /// in seconds since the Epoch.
    public init(
        key: CosignerKey, logs: [(origin: String, key: VerifierKey)], state: WitnessState, evidenceBeside evidencePrefix: String? = nil,
        validate: (@Sendable (Checkpoint) async -> WitnessAnswer?)? = nil,
        now: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) }
    ) {
        self.validate = validate
        self.key = key
        self.logs = Dictionary(grouping: logs, by: \.origin).mapValues { $0.map(\.key) }
        self.state = state
        self.evidencePrefix = evidencePrefix
        self.now = now
    }

    /// The latest checkpoint the witness cosigned for the log whose origin hashes (SHA-256, lower
    /// case hex) to `originHash`, with the log's signatures and the witness's cosignature; nil when
    /// it never cosigned one.
    public func latest(originHash: String) async throws -> String? {
        for origin in logs.keys where Self.originHash(origin) == originHash {
            return try await state.latest(origin: origin)?.note
        }
        return nil
    }

    /// The lower-case hex SHA-256 of an origin, as the monitoring path names it.
    public static func originHash(_ origin: String) -> String {
        SHA256.hash(data: Data(origin.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// What the witness answers to `add-checkpoint`: an HTTP status, a content type and a body.
public struct WitnessAnswer: Sendable, Equatable {
    public let status: Int
    public let contentType: String
    public let body: String

    public init(status: Int, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    static func refusal(_ status: Int, _ reason: String) -> WitnessAnswer {
        WitnessAnswer(status: status, contentType: "text/plain; charset=utf-8", body: reason + "\n")
    }
}

extension Witness {
    /// The check of a validating witness that is also a partner's replica: it cosigns a
    /// checkpoint only when its own replica, pulled and verified under the coalition's rules,
    /// holds that tree. A size the replica has not reached yet is answered 503 (try again once
    /// it pulled); another root at a size it holds is answered 422, as an inconsistent tree.
    public static func replicaValidation(_ store: any LedgerStore) -> @Sendable (Checkpoint) async -> WitnessAnswer? {
        { checkpoint in
            do {
                let held = try await store.size()
                guard checkpoint.size <= held else {
                    return .refusal(
                        503, "this validating witness's replica holds \(held) entries; it cosigns \(checkpoint.size) once it pulled and verified them"
                    )
                }
                let root = try await ProofBuilder(store: store).root(size: checkpoint.size)
                guard root == checkpoint.root else {
                    return .refusal(422, "the tree of \(checkpoint.size) entries this witness verified has another root")
                }
                return nil
            } catch {
                return .refusal(503, "this validating witness cannot read its replica: \(error)")
            }
        }
    }
}
