import Foundation

/// A commit as another copy of the ledger recorded it: its signed bytes and signature, and the
/// position and time the source gave it.
public struct MirroredCommit: Sendable, Equatable {
    public let signed: [UInt8]
    public let signature: [UInt8]
    /// The position of its first event in the source's log.
    public let first: UInt64
    /// The time the source recorded it at.
    public let recordedAt: Timestamp

    public init(signed: [UInt8], signature: [UInt8], first: UInt64, recordedAt: Timestamp) {
        self.signed = signed
        self.signature = signature
        self.first = first
        self.recordedAt = recordedAt
    }

    /// The entries this commit gives at its position and time, as the ledger renders them (each
    /// event with the version `expectedVersion + 1`): what a mirror stores when it admits it.
    public func entries() throws(LedgerError) -> [[UInt8]] {
        RenderedEntry.all(of: try CommitDocument(parsing: signed), from: first, recordedAt: recordedAt).map(\.bytes)
    }
}

/// Commits to mirror in one store transaction, with the source's signed checkpoints for the sizes
/// they reach (each note as served, in size order). The last checkpoint covers the last commit, so
/// that every entry written is covered by a signed checkpoint, as in the source.
public struct MirrorBatch: Sendable {
    public var commits: [MirroredCommit]
    public var checkpoints: [String]

    public init(commits: [MirroredCommit], checkpoints: [String]) {
        self.commits = commits
        self.checkpoints = checkpoints
    }
}

/// What a mirrored ledger now holds.
public struct MirrorReceipt: Sendable, Equatable {
    public let size: UInt64
    public let root: TreeHash
    /// The latest checkpoint written, as the source signed it.
    public let checkpoint: String
}

/// Why a batch from the source was refused. Nothing of a refused batch is written.
public enum MirrorRefusal: Sendable, Equatable, PhrasedError {
    /// The commits do not follow the log's end and each other, or go back in time.
    case notContiguous(String)
    /// A commit that the ledger's checks refuse, at the position the source gave it.
    case refusedCommit(position: UInt64, commit: MirroredCommit, reason: LedgerError)
    /// A checkpoint that the ledger's key did not sign, or that is for another origin.
    case unsignedCheckpoint(note: String, reason: String)
    /// A checkpoint for a size between a commit's events, or with no commit ending at it.
    case misplacedCheckpoint(size: UInt64)
    /// The entries the commits give do not have the root that the source's checkpoint signs.
    case rootMismatch(note: String, size: UInt64, computed: TreeHash)
    /// The batch ends where no checkpoint covers it.
    case uncovered(size: UInt64)

    public var phrase: Phrase {
        switch self {
        case .notContiguous(let detail): "the commits served do not follow one another: \(detail)"
        case .refusedCommit(let position, _, let reason): "the commit at position \(position) does not pass the ledger's checks: \(reason)"
        case .unsignedCheckpoint(_, let reason): "a checkpoint served is not the ledger's: \(reason)"
        case .misplacedCheckpoint(let size): "a checkpoint served for size \(size) falls between the commits' events"
        case .rootMismatch(_, let size, let computed):
            "the entries served give root \(computed) at size \(size), not the root of the ledger's signed checkpoint for that size"
        case .uncovered(let size): "no checkpoint served covers the log's end at size \(size)"
        }
    }
}

/// Decides, inside one write transaction, what a batch of mirrored commits adds: each commit is
/// admitted by the same code that admitted it at the source and that `verify` runs, at the
/// position and time the source recorded, its entries rendered and hashed, the tree grown, and
/// the source's checkpoints checked against the ledger's key and the recomputed roots.
struct MirrorPlanner<Domain: LedgerDomain>: Sendable {
    let admission: CommitAdmission<Domain>

    init(domain: Domain) {
        admission = CommitAdmission(domain: domain)
    }

    func plan(
        _ batch: MirrorBatch, submissions: [CommitSubmission], snapshot: AppendSnapshot, state initial: LedgerState<Domain.State>
    ) throws -> (AppendPlan, AppendPlanner<Domain>.Outcome) {
        var state = initial
        for stored in snapshot.tail where stored.position >= state.size {
            try state.fold(stored, domain: admission.domain)
        }
        state.size = snapshot.size
        var plan = AppendPlan()
        var versions = snapshot.streamVersions
        var frontier = snapshot.frontier
        var lastRecordedAt = snapshot.lastRecordedAt
        var notes = batch.checkpoints[...]
        var receipt: MirrorReceipt?

        for (commit, submission) in zip(batch.commits, submissions) {
            let document = submission.document
            guard commit.first == frontier.size else {
                throw MirrorRefusal.notContiguous("a commit starts at \(commit.first), the log ends at \(frontier.size)")
            }
            if let lastRecordedAt, commit.recordedAt < lastRecordedAt {
                throw MirrorRefusal.notContiguous("the commit at \(commit.first) is recorded before the one ahead of it")
            }
            guard snapshot.existingCommits[document.id] == nil, !plan.commits.contains(where: { $0.id == document.id }) else {
                throw MirrorRefusal.refusedCommit(
                    position: commit.first, commit: commit, reason: .malformedCommit("the commit is in the log already"))
            }
            let recorded: [RecordedEvent]
            do {
                recorded = try admission.admit(
                    submission, position: commit.first, recordedAt: commit.recordedAt, state: &state, versions: &versions)
            } catch {
                throw MirrorRefusal.refusedCommit(position: commit.first, commit: commit, reason: error)
            }
            plan.addEntries(of: document, recorded: recorded, recordedAt: commit.recordedAt, prepared: submission.prepared, frontier: &frontier)
            plan.commits.append(
                StoredCommit(
                    id: document.id, bytes: document.bytes, signature: commit.signature, organisation: document.organisation,
                    keyID: document.keyID, first: commit.first, last: frontier.size - 1, recordedAt: commit.recordedAt))
            lastRecordedAt = commit.recordedAt
            // The source's checkpoints up to here: each must sit at this commit's end.
            while let note = notes.first {
                let checkpoint = try Self.open(note, registry: state.registry)
                guard checkpoint.size <= frontier.size else { break }
                guard checkpoint.size == frontier.size else { throw MirrorRefusal.misplacedCheckpoint(size: checkpoint.size) }
                guard checkpoint.root == frontier.root else {
                    throw MirrorRefusal.rootMismatch(note: note, size: checkpoint.size, computed: frontier.root)
                }
                plan.checkpoints.append(StoredCheckpoint(size: checkpoint.size, root: checkpoint.root, note: note))
                receipt = MirrorReceipt(size: frontier.size, root: frontier.root, checkpoint: note)
                notes = notes.dropFirst()
            }
        }
        if let note = notes.first {
            throw MirrorRefusal.misplacedCheckpoint(size: (try? Self.open(note, registry: state.registry))?.size ?? frontier.size)
        }
        guard let receipt, receipt.size == frontier.size else { throw MirrorRefusal.uncovered(size: frontier.size) }
        state.size = frontier.size
        state.frontier = frontier
        return (plan, AppendPlanner<Domain>.Outcome(results: [], state: state, mirrored: receipt))
    }

    private static func open(_ note: String, registry: CoalitionRegistry) throws(MirrorRefusal) -> Checkpoint {
        guard let key = registry.checkpointKey else {
            throw MirrorRefusal.unsignedCheckpoint(note: note, reason: "no coalition was founded before it")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(note, verifier: key)
        } catch {
            throw MirrorRefusal.unsignedCheckpoint(note: note, reason: "\(error)")
        }
        guard checkpoint.origin == registry.origin else {
            throw MirrorRefusal.unsignedCheckpoint(note: note, reason: "it is for \(checkpoint.origin), not \(registry.origin)")
        }
        return checkpoint
    }
}
