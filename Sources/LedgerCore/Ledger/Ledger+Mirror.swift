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
        let documents = try await Parallel.offPool { () throws(LedgerError) in
            var documents: [CommitDocument] = []
            documents.reserveCapacity(batch.commits.count)
            for commit in batch.commits { documents.append(try CommitDocument(parsing: commit.signed)) }
            return documents
        }
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
            try await store.append(query) { snapshot in try planner.plan(batch, documents: documents, snapshot: snapshot, state: known) }
        }.value
        state = outcome.state
        guard let receipt = outcome.mirrored else { preconditionFailure("a mirrored batch that is written has a receipt") }
        return receipt
    }
}
