/// What an evidence file shows, checked offline.
public struct EvidenceFinding: Sendable, Equatable {
    /// Whether the evidence shows by itself what its kind says (an `unproven` file does not).
    public let proves: Bool
    /// What it shows, in plain words.
    public let statement: String
}

/// Why an evidence file does not hold up: it was altered, or it never showed what it claims.
public struct EvidenceCheckError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}

extension MisbehaviourEvidence {
    /// Checks the evidence with nothing but the ledger's verifier key: the signatures on its
    /// checkpoints, its proofs and its entries. Throws when any of them does not hold, so a
    /// doctored copy is refused; otherwise says what the evidence proves.
    public func verify(with key: VerifierKey) throws(EvidenceCheckError) -> EvidenceFinding {
        switch kind {
        case .fork:
            let (held, shown) = (try checkpoint(\.held, "held", key), try checkpoint(\.shown, "shown", key))
            guard held.size == shown.size else { throw EvidenceCheckError("the two checkpoints are not of the same size") }
            guard held.root != shown.root else { throw EvidenceCheckError("the two checkpoints have the same root") }
            return EvidenceFinding(
                proves: true,
                statement: """
                    The ledger's key signed two different trees of \(held.size) entries (roots \(held.root) and \(shown.root)): \
                    the log was forked.
                    """)
        case .inconsistent:
            let (held, shown) = (try checkpoint(\.held, "held", key), try checkpoint(\.shown, "shown", key))
            let prefix = try prefixRootDiffering(from: held.root)
            try consistent(old: held.size, prefix, new: shown.size, shown.root)
            return EvidenceFinding(
                proves: true,
                statement: """
                    The ledger's key signed a tree of \(held.size) entries with root \(held.root), and a tree of \(shown.size) \
                    entries whose first \(held.size) entries have root \(prefix): two histories, so the log was forked.
                    """)
        case .rollbackFork:
            let (held, shown) = (try checkpoint(\.held, "held", key), try checkpoint(\.shown, "shown", key))
            guard shown.size < held.size else { throw EvidenceCheckError("the shown checkpoint is not smaller than the held one") }
            let prefix = try prefixRootDiffering(from: shown.root)
            try consistent(old: shown.size, prefix, new: held.size, held.root)
            return EvidenceFinding(
                proves: true,
                statement: """
                    The ledger's key signed a tree of \(held.size) entries whose first \(shown.size) have root \(prefix), and a tree \
                    of \(shown.size) entries with root \(shown.root): after a rollback, the log went on with another history.
                    """)
        case .rollback:
            let (held, shown) = (try checkpoint(\.held, "held", key), try checkpoint(\.shown, "shown", key))
            guard shown.size < held.size else { throw EvidenceCheckError("the shown checkpoint is not smaller than the held one") }
            guard consistency != nil else {
                return EvidenceFinding(
                    proves: true,
                    statement: """
                        The ledger's key signed a tree of \(held.size) entries, but the latest tree shown (by \(source), at \(detected)) \
                        holds \(shown.size): at least \(held.size - shown.size) entries the ledger had signed are missing there. These two \
                        checkpoints alone do not tell whether the larger tree extends the smaller one.
                        """)
            }
            try consistent(old: shown.size, shown.root, new: held.size, held.root)
            return EvidenceFinding(
                proves: true,
                statement: """
                    The ledger's key signed a tree of \(held.size) entries that extends the tree of \(shown.size) entries the server \
                    presented as its latest (from \(source), at \(detected)): the server has lost \(held.size - shown.size) entries \
                    it had signed, as after a restore from an older backup. A replica holding them can give them back.
                    """)
        case .unproven:
            let (held, shown) = (try checkpoint(\.held, "held", key), try checkpoint(\.shown, "shown", key))
            guard let consistency else { throw EvidenceCheckError("the evidence holds no consistency proof") }
            let verifies =
                (try? ProofVerifier.verifyConsistency(
                    oldSize: held.size, newSize: shown.size, proof: consistency.hashes.map(\.bytes), oldRoot: held.root.bytes,
                    newRoot: shown.root.bytes)) != nil
            guard !verifies else { throw EvidenceCheckError("the consistency proof verifies: the two checkpoints agree") }
            return EvidenceFinding(
                proves: false,
                statement: """
                    The server could not prove that its tree of \(shown.size) entries extends the tree of \(held.size) the ledger \
                    signed: the proof it gave does not verify. By itself this does not show two histories; ask the server again.
                    """)
        case .rewrittenEntry:
            let held = try checkpoint(\.held, "held", key)
            let inclusion = try included(in: held)
            guard let served = entries.first, entries.count == 1, served.position == inclusion.index else {
                throw EvidenceCheckError("the evidence does not hold the one served entry at position \(inclusion.index)")
            }
            let leaf = TreeHash.leaf(served.bytes)
            guard leaf != inclusion.leaf else { throw EvidenceCheckError("the served entry is the one the ledger signed") }
            return EvidenceFinding(
                proves: true,
                statement: """
                    The ledger's key signed a tree of \(held.size) entries in which position \(inclusion.index) holds the entry with \
                    leaf hash \(inclusion.leaf); the server served another entry there (leaf hash \(leaf)): its stored log was rewritten. \
                    The served entry is as the replica recorded it: the server does not sign what it serves.
                    """)
        case .entriesMismatch:
            let (held, shown) = (try checkpoint(\.held, "held", key), try checkpoint(\.shown, "shown", key))
            guard let frontier, frontier.count == held.size.nonzeroBitCount, TreeMath.fold(frontier) == held.root else {
                throw EvidenceCheckError("the frontier does not give the held checkpoint's root")
            }
            guard shown.size > held.size, UInt64(entries.count) == shown.size - held.size, entries.first?.position == held.size else {
                throw EvidenceCheckError("the evidence does not hold the served entries from \(held.size) to \(shown.size)")
            }
            var tree = CompactRange(size: held.size, hashes: frontier)
            for entry in entries { tree.append(.leaf(entry.bytes)) }
            guard tree.root != shown.root else { throw EvidenceCheckError("the served entries give the shown checkpoint's root") }
            return EvidenceFinding(
                proves: true,
                statement: """
                    The entries the server served for positions \(held.size)…\(shown.size - 1), appended to the tree of \(held.size) \
                    the ledger signed, give root \(tree.root), not the root \(shown.root) of the checkpoint it signed for \(shown.size). \
                    The served entries are as the replica recorded them: the server does not sign what it serves.
                    """)
        case .forgedCheckpoint:
            guard let shown else { throw EvidenceCheckError("the evidence holds no shown checkpoint") }
            if (try? Checkpoint.open(shown, verifier: key)) != nil {
                throw EvidenceCheckError("the shown checkpoint is validly signed by the ledger's key")
            }
            return EvidenceFinding(
                proves: true,
                statement: """
                    The checkpoint served by \(source) is not signed by the ledger's key \(key.name): it was forged by the server or on \
                    the way. It says nothing against the ledger's own checkpoints.
                    """)
        case .invalidCommit:
            let shown = try checkpoint(\.shown, "shown", key)
            let inclusion = try included(in: shown)
            guard let served = entries.first, entries.count == 1, served.position == inclusion.index,
                TreeHash.leaf(served.bytes) == inclusion.leaf, let commit,
                let entry = try? LogEntry(parsing: served.bytes), entry.commit == CommitID(of: commit.signed)
            else { throw EvidenceCheckError("the entry and the commit do not belong to the signed tree together") }
            return EvidenceFinding(
                proves: true,
                statement: """
                    The ledger's key signed a tree of \(shown.size) entries that holds commit \(entry.commit) at position \
                    \(inclusion.index). The replica refused that commit: \(conclusion) The refusal itself can be re-checked only \
                    against the whole log, with a replica of this ledger.
                    """)
        }
    }

    private func checkpoint(_ part: KeyPath<MisbehaviourEvidence, String?>, _ name: String, _ key: VerifierKey) throws(EvidenceCheckError)
        -> Checkpoint
    {
        guard let note = self[keyPath: part] else { throw EvidenceCheckError("the evidence holds no \(name) checkpoint") }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(note, verifier: key)
        } catch {
            throw EvidenceCheckError("the \(name) checkpoint is not signed by the ledger's key: \(error)")
        }
        guard checkpoint.origin == origin else { throw EvidenceCheckError("the \(name) checkpoint is for \(checkpoint.origin), not \(origin)") }
        return checkpoint
    }

    private func prefixRootDiffering(from root: TreeHash) throws(EvidenceCheckError) -> TreeHash {
        guard let prefixRoot else { throw EvidenceCheckError("the evidence holds no prefix root") }
        guard prefixRoot != root else { throw EvidenceCheckError("the prefix root is the signed root: the trees agree") }
        return prefixRoot
    }

    private func consistent(old: UInt64, _ oldRoot: TreeHash, new: UInt64, _ newRoot: TreeHash) throws(EvidenceCheckError) {
        guard let consistency, consistency.old == old, consistency.new == new else {
            throw EvidenceCheckError("the evidence holds no consistency proof from \(old) to \(new) entries")
        }
        do {
            try ProofVerifier.verifyConsistency(
                oldSize: old, newSize: new, proof: consistency.hashes.map(\.bytes), oldRoot: oldRoot.bytes, newRoot: newRoot.bytes)
        } catch {
            throw EvidenceCheckError("the consistency proof from \(old) to \(new) entries does not verify: \(error)")
        }
    }

    private func included(in checkpoint: Checkpoint) throws(EvidenceCheckError) -> Inclusion {
        guard let inclusion, inclusion.size == checkpoint.size else {
            throw EvidenceCheckError("the evidence holds no inclusion proof in the tree of \(checkpoint.size) entries")
        }
        do {
            try ProofVerifier.verifyInclusion(
                index: inclusion.index, size: inclusion.size, leafHash: inclusion.leaf.bytes, proof: inclusion.hashes.map(\.bytes),
                root: checkpoint.root.bytes)
        } catch {
            throw EvidenceCheckError("the inclusion proof for position \(inclusion.index) does not verify: \(error)")
        }
        return inclusion
    }
}
