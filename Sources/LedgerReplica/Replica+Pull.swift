import Foundation
import LedgerClient
import LedgerCore
import LedgerSQLite

/// What one pull did.
public struct PullReport: Sendable, Equatable {
    /// The replica's size before and after.
    public let before: UInt64
    public let size: UInt64
    /// The replica's latest checkpoint after the pull (the server's, as it signed it).
    public let checkpoint: String?
    /// Whether the ledger's verifier key was taken from its genesis on this pull (trust on first use).
    public let trustedOnFirstUse: Bool
}

extension Replica {
    /// Pulls once: the server's latest checkpoint, checked against the one the replica holds
    /// (same size: same root; smaller: a rollback; larger: a consistency proof from the held
    /// tree), then the commits up to it, batch by batch, each batch one transaction that ends at
    /// one of the server's checkpoints. An interrupted pull resumes where the last batch ended.
    /// `progress` hears the replica's size and the size it is pulling to.
    public func pull(progress: (@Sendable (UInt64, UInt64) -> Void)? = nil) async throws -> PullReport {
        let before = try await store.size()
        let held = try await store.latestCheckpoint()
        let shownNote = try await api.checkpoint()
        var target: UInt64
        if let key = verifierKey {
            let shown = try open(shownNote, key: key)
            try await checkExtension(held: held, shown: shown, shownNote: shownNote, key: key)
            target = shown.size
        } else {
            // Trust on first use: the key comes with the genesis commit, and the shown checkpoint
            // is checked with it once the genesis is in.
            guard let parsed = try? Checkpoint(text: SignedNote(parsing: shownNote).text) else {
                throw try write(
                    MisbehaviourEvidence(
                        kind: .forgedCheckpoint, origin: "unknown", detected: clock.now(), source: api.base,
                        conclusion: "The server's checkpoint is not a signed checkpoint note.", shown: shownNote))
            }
            target = parsed.size
        }
        var firstUse = false
        var size = before
        if size < target {
            progress?(size, target)
            // While a batch is being verified and written, the next one is fetched.
            var fetched = try await fetchBatch(from: size, to: target)
            while true {
                let (nextStart, end) = (fetched.end, target)
                async let following = nextStart < end ? fetchBatch(from: nextStart, to: end) : nil
                size = try await mirror(fetched, from: size)
                if verifierKey == nil, let founded = await ledger.registry.checkpointKey {
                    verifierKey = founded
                    firstUse = true
                    trustedOnFirstUse = true
                    target = try open(shownNote, key: founded).size
                }
                progress?(size, target)
                guard let next = try await following, size < target else { break }
                fetched = next
            }
        }
        progress?(size, target)
        if keepsSettings, let key = verifierKey, size > 0 {
            try ReplicaSettings(source: api.base, verifierKey: key.description, trustedOnFirstUse: trustedOnFirstUse)
                .write(Self.settingsPath(path))
        }
        return PullReport(before: before, size: size, checkpoint: try await store.latestCheckpoint()?.note, trustedOnFirstUse: firstUse)
    }

    /// The shown checkpoint, opened with the ledger's key; a note the key did not sign is evidence.
    func open(_ note: String, key: VerifierKey) throws -> Checkpoint {
        do {
            return try Checkpoint.open(note, verifier: key)
        } catch {
            throw try write(
                MisbehaviourEvidence(
                    kind: .forgedCheckpoint, origin: key.name, detected: clock.now(), source: api.base,
                    conclusion: "The server's latest checkpoint is not signed by the ledger's key (\(error)).", shown: note))
        }
    }

    /// Checks that the shown checkpoint extends the held one; throws the evidence when not.
    func checkExtension(held stored: StoredCheckpoint?, shown: Checkpoint, shownNote: String, key: VerifierKey) async throws {
        guard let stored else { return }
        let held = try Checkpoint.open(stored.note, verifier: key)
        func evidence(_ kind: MisbehaviourEvidence.Kind, _ conclusion: String) -> MisbehaviourEvidence {
            MisbehaviourEvidence(
                kind: kind, origin: held.origin, detected: clock.now(), source: api.base, conclusion: conclusion, held: stored.note, shown: shownNote)
        }
        if shown.size == held.size {
            guard shown.root != held.root else { return }
            throw try write(evidence(.fork, "The server's latest checkpoint signs another tree of \(held.size) entries than the replica holds."))
        }
        if shown.size < held.size {
            if let found = try await MisbehaviourEvidence.contradiction(
                between: shownNote, and: store, role: .held, key: key, source: api.base, detected: clock.now())
            {
                throw try write(found)
            }
            var found = evidence(
                .rollback,
                """
                The server's latest checkpoint holds \(shown.size) entries; the replica holds \(held.size), signed by the \
                ledger's key: the server lost \(held.size - shown.size) entries, as after a restore from an older backup.
                """)
            let proof = try await ProofBuilder(store: store).consistency(old: shown.size, new: held.size)
            found.consistency = MisbehaviourEvidence.Consistency(old: shown.size, new: held.size, hashes: proof.hashes)
            throw try write(found)
        }
        let proof = try await api.consistency(old: held.size, new: shown.size)
        guard proof.oldSize == held.size, proof.newSize == shown.size, proof.newRoot == shown.root else {
            throw ReplicaError.unusable("the consistency proof served is for other sizes or another root than asked")
        }
        let verifies = (try? proof.verify()) != nil
        if verifies, proof.oldRoot == held.root { return }
        if verifies {
            var found = evidence(
                .inconsistent,
                """
                The server's tree of \(shown.size) entries has, at \(held.size) entries, another root than the tree the \
                replica holds, which the ledger's key signed.
                """)
            found.prefixRoot = proof.oldRoot
            found.consistency = MisbehaviourEvidence.Consistency(old: held.size, new: shown.size, hashes: proof.hashes)
            throw try write(found)
        }
        if let rewritten = try await rewrittenEntry(held: held, heldNote: stored.note, shownNote: shownNote) {
            throw try write(rewritten)
        }
        var found = evidence(.unproven, "The server could not prove that its tree of \(shown.size) entries extends the one the replica holds.")
        found.consistency = MisbehaviourEvidence.Consistency(old: held.size, new: shown.size, hashes: proof.hashes)
        throw try write(found)
    }

    /// The first entry below the held size that the server now serves otherwise than the replica
    /// holds it, as evidence (with the replica's own inclusion proof under the held checkpoint).
    func rewrittenEntry(held: Checkpoint, heldNote: String, shownNote: String) async throws -> MisbehaviourEvidence? {
        var position: UInt64 = 0
        while position < held.size {
            let served = try await api.entries(from: position, limit: 1000)
            let ours = try await store.entries(from: position, limit: served.count)
            guard !served.isEmpty else { break }
            for (theirs, mine) in zip(served, ours) where theirs.position < held.size {
                let bytes = try theirs.bytes()
                guard theirs.position == mine.position, TreeHash.leaf(bytes) == mine.leafHash else {
                    let proof = try await ProofBuilder(store: store).inclusion(index: mine.position, size: held.size)
                    return MisbehaviourEvidence(
                        kind: .rewrittenEntry, origin: held.origin, detected: clock.now(), source: api.base,
                        conclusion: "The server serves another entry at position \(mine.position) than the one the ledger signed.",
                        held: heldNote, shown: nil,
                        inclusion: MisbehaviourEvidence.Inclusion(index: mine.position, size: held.size, leaf: proof.leafHash, hashes: proof.hashes),
                        entries: [MisbehaviourEvidence.ServedEntry(position: mine.position, bytes: bytes)])
                }
            }
            position = served.last!.position + 1
        }
        return nil
    }

    /// Commits fetched and prepared to mirror in one transaction, and the size they reach.
    struct FetchedBatch: Sendable {
        let prepared: PreparedMirrorBatch
        let end: UInt64
    }

    /// Fetches the commits from `size` up to one of the server's checkpoints (no further than
    /// `target`, and about `batchEvents` entries at most), with the checkpoints they reach, and
    /// prepares them for mirroring (`Ledger.prepare(_:)`), while an earlier batch is written.
    nonisolated func fetchBatch(from size: UInt64, to target: UInt64) async throws -> FetchedBatch {
        let served = try await api.checkpoints(fromSize: size + 1, limit: 1000).filter { $0.size <= target }
        guard let first = served.first else {
            throw ReplicaError.unusable("the server names no checkpoint between \(size + 1) and \(target)")
        }
        let chosen = Array(served.prefix { $0.size == first.size || $0.size - size <= UInt64(batchEvents) })
        let end = chosen.last!.size
        var commits: [MirroredCommit] = []
        var position = size
        while position < end {
            let page = try await api.commits(from: position, before: end, limit: pageCommits)
            guard !page.isEmpty else { throw ReplicaError.unusable("the server serves no commit at position \(position)") }
            for row in page where position < end {
                guard row.first == position, row.last >= row.first else {
                    throw ReplicaError.unusable("the server serves a commit at \(row.first)…\(row.last) where position \(position) is next")
                }
                commits.append(try row.mirrored())
                position = row.last + 1
            }
        }
        return FetchedBatch(prepared: try await ledger.prepare(MirrorBatch(commits: commits, checkpoints: chosen.map(\.note))), end: end)
    }

    /// Mirrors a fetched batch onto the replica at `size`, in one transaction; returns the new
    /// size. A refused batch writes nothing and throws its evidence.
    func mirror(_ fetched: FetchedBatch, from size: UInt64) async throws -> UInt64 {
        do {
            return try await ledger.mirror(fetched.prepared).size
        } catch let refusal as MirrorRefusal {
            throw try await evidence(for: refusal, batch: fetched.prepared.batch, from: size)
        }
    }

    /// The evidence for a refused batch, written; or the refusal itself where the server's data
    /// only cannot be used.
    func evidence(for refusal: MirrorRefusal, batch: MirrorBatch, from size: UInt64) async throws -> any Error {
        let origin = await ledger.registry.origin
        switch refusal {
        case .unsignedCheckpoint(let note, let reason):
            return try write(
                MisbehaviourEvidence(
                    kind: .forgedCheckpoint, origin: origin, detected: clock.now(), source: api.base,
                    conclusion: "A checkpoint the server serves is not the ledger's (\(reason)).", shown: note))
        case .rootMismatch(let note, let at, let computed):
            let held = try await store.latestCheckpoint()
            let frontier = try NodeStorage.frontier(
                size: size, from: try await store.hashes(of: NodeStorage.storedFrontierNodes(forSize: size)))
            var entries: [MisbehaviourEvidence.ServedEntry] = []
            for commit in batch.commits where commit.first < at {
                for (offset, bytes) in try commit.entries().enumerated() where commit.first + UInt64(offset) < at {
                    entries.append(MisbehaviourEvidence.ServedEntry(position: commit.first + UInt64(offset), bytes: bytes))
                }
            }
            return try write(
                MisbehaviourEvidence(
                    kind: .entriesMismatch, origin: origin, detected: clock.now(), source: api.base,
                    conclusion: "The commits the server serves up to \(at) give root \(computed), not the root of its signed checkpoint.",
                    held: held?.note, shown: note, frontier: frontier.hashes, entries: entries))
        case .refusedCommit(let position, let commit, let reason):
            guard let note = batch.checkpoints.first(where: { (try? Checkpoint(text: SignedNote(parsing: $0).text))?.size ?? 0 > position }),
                let checkpoint = try? Checkpoint(text: SignedNote(parsing: note).text),
                let entry = try commit.entries().first
            else { return ReplicaError.unusable(refusal.description) }
            let proof = try await api.inclusion(position: position, size: checkpoint.size)
            guard proof.leafHash == TreeHash.leaf(entry), proof.root == checkpoint.root, (try? proof.verify()) != nil else {
                return ReplicaError.unusable("\(refusal.description), and the server's inclusion proof for it does not verify")
            }
            return try write(
                MisbehaviourEvidence(
                    kind: .invalidCommit, origin: origin, detected: clock.now(), source: api.base,
                    conclusion: "The commit at position \(position) does not pass the coalition's checks: \(reason).", shown: note,
                    inclusion: MisbehaviourEvidence.Inclusion(index: position, size: checkpoint.size, leaf: proof.leafHash, hashes: proof.hashes),
                    entries: [MisbehaviourEvidence.ServedEntry(position: position, bytes: entry)],
                    commit: MisbehaviourEvidence.ServedCommit(signed: commit.signed, signature: commit.signature)))
        case .notContiguous, .misplacedCheckpoint, .uncovered:
            return ReplicaError.unusable(refusal.description)
        }
    }

    /// Writes `evidence` beside the replica's ledger and returns the error that reports it.
    func write(_ evidence: MisbehaviourEvidence) throws -> ReplicaError {
        ReplicaError.misbehaviour(evidence: evidence, path: try evidence.write(besideLedger: path))
    }
}
