import Foundation

/// Receipts a partner can keep for its commit: a C2SP tlog-proof per entry (or for the first and
/// the last), against a witnessed checkpoint that covers the commit, each carrying the entry's
/// bytes. Anyone can check them offline with the witness policy (`TlogProof.verify(policy:)`).
public struct ReceiptBuilder: Sendable {
    public let store: any LedgerStore

    public init(store: any LedgerStore) {
        self.store = store
    }

    /// Why there is no receipt yet.
    public enum Refusal: Sendable, Equatable, PhrasedError {
        case unknownCommit(String)
        /// No witnessed checkpoint covers the commit yet (`witnessed` is its size, 0 when none).
        case notYetWitnessed(last: UInt64, witnessed: UInt64)

        public var phrase: Phrase {
            switch self {
            case .unknownCommit(let id): "the ledger holds no commit \(id)"
            case .notYetWitnessed(let last, let witnessed):
                witnessed == 0
                    ? "no checkpoint has been witnessed yet; a receipt follows once the witnesses cosigned one that holds position \(last)"
                    : "the latest witnessed checkpoint holds \(witnessed) entries, not yet position \(last); try again shortly"
            }
        }
    }

    /// The proofs for `commit` against `witnessed` (a cosigned checkpoint note): for every entry,
    /// or for its first and last.
    public func receipt(for commit: CommitID, witnessed: String?, everyEntry: Bool = false) async throws -> [TlogProof] {
        guard let stored = try await store.commit(commit) else { throw Refusal.unknownCommit(commit.hex) }
        guard let witnessed, let size = try? Checkpoint(text: SignedNote(parsing: witnessed).text).size, size > stored.last else {
            let size = witnessed.flatMap { try? Checkpoint(text: SignedNote(parsing: $0).text).size } ?? 0
            throw Refusal.notYetWitnessed(last: stored.last, witnessed: size)
        }
        let positions = everyEntry ? Array(stored.first...stored.last) : Array(Set([stored.first, stored.last])).sorted()
        let builder = ProofBuilder(store: store)
        var proofs: [TlogProof] = []
        for position in positions {
            guard let entry = try await store.entries(from: position, limit: 1).first, entry.position == position else {
                throw LedgerError.corrupted(position: position, reason: "commit \(commit.hex) names an entry the ledger does not hold")
            }
            let inclusion = try await builder.inclusion(index: position, size: size)
            proofs.append(TlogProof(extra: Data(entry.bytes), index: position, hashes: inclusion.hashes, checkpoint: witnessed))
        }
        return proofs
    }
}
