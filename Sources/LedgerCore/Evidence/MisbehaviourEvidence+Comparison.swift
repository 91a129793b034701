extension MisbehaviourEvidence {
    /// Which side of a comparison the store is on.
    public enum StoreRole: Sendable {
        /// The store is what the caller holds (a replica); the note was shown by someone else.
        case held
        /// The note is what the caller kept (a partner's checkpoint); the store was shown to it.
        case shown
    }

    /// Compares a signed checkpoint `note` with the tree that `store` holds (a store whose stored
    /// nodes verify has checked), for a note no larger than the store's log: `nil` when the store's
    /// tree of that size has the note's root, otherwise the evidence that the two contradict, made
    /// from the store's own checkpoints and nodes. A note larger than the log is the caller's to
    /// judge: only its source can prove how it continues.
    public static func contradiction(
        between note: String, and store: any LedgerStore, role: StoreRole, key: VerifierKey, source: String, detected: Timestamp
    ) async throws -> MisbehaviourEvidence? {
        let checkpoint = try Checkpoint.open(note, verifier: key)
        let size = try await store.size()
        guard checkpoint.size <= size else {
            throw LedgerError.outOfRange(
                "the checkpoint signs \(checkpoint.size) entries and the log holds \(size): only its source can show how it continues")
        }
        let builder = ProofBuilder(store: store)
        let root = try await builder.root(size: checkpoint.size)
        guard root != checkpoint.root else { return nil }
        func evidence(_ kind: Kind, _ conclusion: String, storeNote: String) -> MisbehaviourEvidence {
            let (held, shown) = role == .held ? (storeNote, note) : (note, storeNote)
            return MisbehaviourEvidence(
                kind: kind, origin: checkpoint.origin, detected: detected, source: source, conclusion: conclusion, held: held, shown: shown)
        }
        if let same = try await store.checkpoint(size: checkpoint.size) {
            return evidence(.fork, "The ledger's key signed two different trees of \(checkpoint.size) entries.", storeNote: same.note)
        }
        guard let latest = try await store.latestCheckpoint() else {
            throw LedgerError.corrupted(position: nil, reason: "the log holds entries but no signed checkpoint")
        }
        let proof = try await builder.consistency(old: checkpoint.size, new: latest.size)
        var found =
            role == .held
            ? evidence(
                .rollbackFork, "The tree of \(checkpoint.size) entries shown is not the one this log signed at that size.", storeNote: latest.note)
            : evidence(
                .inconsistent, "This log's tree at \(checkpoint.size) entries is not the one its key signed for that size.", storeNote: latest.note)
        found.prefixRoot = root
        found.consistency = Consistency(old: checkpoint.size, new: latest.size, hashes: proof.hashes)
        return found
    }
}
