extension Ledger {
    /// Appends commits that another copy of this ledger recorded (its server, for a partner's
    /// replica), exactly as that copy holds them: the same positions, recorded times, entries,
    /// nodes and signed checkpoints, so that the mirror is byte for byte the source's log.
    ///
    /// Nothing is taken on the source's word. Each commit passes the same admission as when it was
    /// appended and as in `verify` (its key valid at that position, its signature, its stream
    /// versions, the coalition's and the domain's rules); its entries are rendered and hashed here;
    /// each checkpoint must be signed by the ledger's key (named in the genesis commit) and have the
    /// root recomputed at its size. A batch is written in one transaction, all or nothing; a
    /// refused batch throws `MirrorRefusal` and writes nothing. A mirror needs no checkpoint key:
    /// it signs nothing.
    public func mirror(_ batch: MirrorBatch) async throws -> MirrorReceipt {
        try await mirror(try await prepare(batch))
    }

    /// The work of mirroring `batch` that needs no state but the coalition's registry, done on
    /// every core and outside the ledger's write: parsing, each signature checked against the key
    /// the registry names now, the entries rendered and hashed at the source's positions and
    /// times, and the domain's stateless checks. A batch can be prepared while the one before it
    /// is being written; `mirror(_:)` redoes whatever rests on a guess that no longer holds (a
    /// key registered in an earlier batch or inside this one), so preparing ahead costs time
    /// only, never a check.
    public func prepare(_ batch: MirrorBatch) async throws -> PreparedMirrorBatch {
        let registry = state.registry
        let domain = domain
        let submissions = try await Parallel.offPool { () throws(LedgerError) in
            let documents = try Parallel.map(batch.commits.count) { index throws(LedgerError) in
                try CommitDocument(parsing: batch.commits[index].signed)
            }
            return Parallel.map(batch.commits.count) { index in
                let commit = batch.commits[index]
                var submission = CommitSubmission(document: documents[index], signature: commit.signature, received: commit.recordedAt)
                submission.prepared = PreparedAppend(
                    documents[index], signature: commit.signature, position: commit.first, recordedAt: commit.recordedAt,
                    registry: registry, domain: domain)
                return submission
            }
        }
        return PreparedMirrorBatch(batch: batch, submissions: submissions)
    }

    /// Appends a prepared batch, as `mirror(_:)` appends a batch (see there).
    public func mirror(_ prepared: PreparedMirrorBatch) async throws -> MirrorReceipt {
        let batch = prepared.batch
        let submissions = prepared.submissions
        let documents = submissions.map(\.document)
        var streams = Set<String>()
        var assumedNew = Set<String>()
        for document in documents {
            for event in document.events {
                if event.expectedVersion == 0 { assumedNew.insert(event.stream) } else { streams.insert(event.stream) }
            }
            streams.formUnion(domain.streamsToRead(for: document))
        }
        let planner = MirrorPlanner(domain: domain)
        let query = AppendQuery(
            commitIDs: documents.map(\.id), streams: streams, assumedNew: assumedNew.subtracting(streams), tailStart: state.size,
            tailPrefixes: CoreEvent.streamPrefixes + domain.stateStreamPrefixes, knownFrontier: state.frontier)
        let known = state
        let store = store
        let outcome = try await Task.detached(priority: Task.currentPriority) {
            try await store.append(query) { snapshot in try planner.plan(batch, submissions: submissions, snapshot: snapshot, state: known) }
        }.value
        state = outcome.state
        guard let receipt = outcome.mirrored else { preconditionFailure("a mirrored batch that is written has a receipt") }
        return receipt
    }
}

/// A batch of commits to mirror, with the work done ahead of its write (`Ledger.prepare(_:)`).
public struct PreparedMirrorBatch: Sendable {
    /// The batch as served.
    public let batch: MirrorBatch
    let submissions: [CommitSubmission]
}
