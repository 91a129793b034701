import Foundation

/// What became of one submitted commit.
public struct AppendReceipt: Sendable, Equatable {
    /// The commit's id (SHA-256 of its signed bytes).
    public let commit: CommitID
    /// Position of its first event.
    public let first: UInt64
    /// Position of its last event.
    public let last: UInt64
    /// The log's size after the append (for a re-sent commit: now).
    public let size: UInt64
    /// The root at `size`.
    public let root: TreeHash
    /// True when the commit was already in the log and nothing was written.
    public let duplicate: Bool

    public init(commit: CommitID, first: UInt64, last: UInt64, size: UInt64, root: TreeHash, duplicate: Bool) {
        self.commit = commit
        self.first = first
        self.last = last
        self.size = size
        self.root = root
        self.duplicate = duplicate
    }
}

/// Decides, inside one write transaction, what a batch of commits adds to the log: checks each
/// commit (limits and plain text, ledger, key, signature, stream versions, ledger rules, domain rules), gives accepted
/// events their positions and entry bytes, grows the Merkle tree and signs the new checkpoint.
/// Pure: everything it reads arrives in the snapshot, everything it writes leaves in the plan.
struct AppendPlanner<Domain: LedgerDomain>: Sendable {
    let admission: CommitAdmission<Domain>
    let checkpointKey: SigningKey
    let limits: AdmissionLimits

    init(domain: Domain, checkpointKey: SigningKey, limits: AdmissionLimits) {
        admission = CommitAdmission(domain: domain)
        self.checkpointKey = checkpointKey
        self.limits = limits
    }

    struct Outcome: Sendable {
        var results: [Result<AppendReceipt, LedgerError>]
        var state: LedgerState<Domain.State>
        /// What a mirrored batch reached (see `MirrorPlanner`).
        var mirrored: MirrorReceipt? = nil
    }

    func plan(
        _ submissions: [CommitSubmission], snapshot: AppendSnapshot, state initial: LedgerState<Domain.State>
    ) throws -> (AppendPlan, Outcome) {
        var state = initial
        for stored in snapshot.tail where stored.position >= state.size {
            try state.fold(stored, domain: admission.domain)
        }
        state.size = snapshot.size
        state.frontier = snapshot.frontier

        var plan = AppendPlan()
        var versions = snapshot.streamVersions
        var frontier = snapshot.frontier
        var accepted: [CommitID: StoredCommit] = snapshot.existingCommits
        var lastRecordedAt = snapshot.lastRecordedAt
        var results: [Result<AppendReceipt, LedgerError>] = []

        for submission in submissions {
            let document = submission.document
            if let existing = accepted[document.id] {
                results.append(
                    .success(
                        AppendReceipt(
                            commit: document.id, first: existing.first, last: existing.last,
                            size: frontier.size, root: frontier.root, duplicate: true)))
                continue
            }
            do {
                var trial = state
                var trialVersions = versions
                let recordedAt = max(submission.received, lastRecordedAt ?? submission.received)
                try CommitScreening.screen(document, received: submission.received, limits: limits)
                try admission.domain.screen(document, at: submission.received)
                let recorded = try admission.admit(
                    submission, position: frontier.size, recordedAt: recordedAt,
                    state: &trial, versions: &trialVersions)
                let first = frontier.size
                plan.addEntries(of: document, recorded: recorded, recordedAt: recordedAt, prepared: submission.prepared, frontier: &frontier)
                let stored = StoredCommit(
                    id: document.id, bytes: document.bytes, signature: submission.signature,
                    organisation: document.organisation, keyID: document.keyID,
                    first: first, last: frontier.size - 1, recordedAt: recordedAt)
                plan.commits.append(stored)
                accepted[document.id] = stored
                lastRecordedAt = recordedAt
                trial.size = frontier.size
                trial.frontier = frontier
                state = trial
                versions = trialVersions
                results.append(
                    .success(
                        AppendReceipt(
                            commit: document.id, first: first, last: frontier.size - 1,
                            size: frontier.size, root: frontier.root, duplicate: false)))
            } catch {
                results.append(.failure(error))
            }
        }

        if !plan.entries.isEmpty {
            guard state.registry.checkpointKey == checkpointKey.verifier else {
                throw LedgerError.wrongCheckpointKey(expected: state.registry.checkpointKey?.description ?? "unknown")
            }
            let checkpoint = Checkpoint(origin: state.registry.origin, size: frontier.size, root: frontier.root)
            plan.checkpoint = StoredCheckpoint(
                size: frontier.size, root: frontier.root, note: checkpoint.signed(by: checkpointKey).serialized)
        }
        return (plan, Outcome(results: results, state: state))
    }
}

extension AppendPlan {
    /// Adds the entries of an admitted commit, whose events admission placed from
    /// `frontier.size` on, and grows `frontier` by their leaves, keeping the nodes the store
    /// keeps. What was prepared before the transaction is used where it was prepared for this
    /// position and time (the entries, and the subtrees inside the commit, hashed); otherwise the
    /// entries are rendered and hashed now.
    mutating func addEntries(
        of document: CommitDocument, recorded: [RecordedEvent], recordedAt: Timestamp, prepared: PreparedAppend?,
        frontier: inout CompactRange
    ) {
        let first = frontier.size
        // Admission gave every event the position `first + index` and the version its event line
        // expects, which is what a preparation for `first` rendered.
        let prepared = prepared.flatMap { prepared in
            prepared.position == first && prepared.recordedAt == recordedAt && prepared.entries.count == recorded.count ? prepared : nil
        }
        let rendered = prepared?.entries ?? RenderedEntry.all(of: document, from: first, recordedAt: recordedAt)
        entries.reserveCapacity(entries.count + rendered.count)
        for (event, entry) in zip(recorded, rendered) {
            entries.append(
                StoredEntry(
                    position: event.position, stream: event.stream, version: event.version, type: event.type,
                    recordedAt: recordedAt, commit: document.id, bytes: entry.bytes, leafHash: entry.leaf))
        }
        if let cover = prepared?.cover {
            // The subtrees inside the commit were hashed while preparing; only the nodes that
            // join them to the tree are left.
            cover.append(to: &frontier) { node, hash in
                if NodeStorage.isStored(node) { nodes.append((node, hash)) }
            }
            nodes += cover.nodes
        } else {
            for entry in rendered {
                frontier.append(entry.leaf) { node, hash in
                    if NodeStorage.isStored(node) { nodes.append((node, hash)) }
                }
            }
        }
    }
}
