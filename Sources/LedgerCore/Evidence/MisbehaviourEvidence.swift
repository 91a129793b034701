import Foundation

/// What a replica keeps when the ledger's server shows it something that is not an append-only
/// extension of what it holds: the signed checkpoints, the proofs or entries that contradict them,
/// and what was concluded. Anyone can check it offline with nothing but the ledger's verifier key
/// (``verify(with:)``), so it can be put on the table without trusting the replica either.
///
/// Modelled on the "server misbehaviour" report of Go's checksum database client: two signed tree
/// heads and the proof that they cannot both be true. Its text form is ``text``.
public struct MisbehaviourEvidence: Sendable, Equatable {
    /// What the replica saw.
    public enum Kind: String, Sendable, CaseIterable {
        /// Two checkpoints of the same size with different roots, both signed by the ledger's key.
        case fork
        /// A larger checkpoint whose tree, at the size the replica holds, has another root than
        /// the one the ledger signed for that size.
        case inconsistent
        /// A smaller checkpoint whose root is not the root of the replica's tree at that size.
        case rollbackFork = "rollback-fork"
        /// A smaller checkpoint presented as the latest, though the ledger's key signed a larger
        /// tree that extends it: the server lost entries it had signed (a restore from an old backup).
        case rollback
        /// A consistency proof from the server that does not verify; without further data it does
        /// not show which tree the server holds.
        case unproven
        /// The server serves, at a position the ledger signed, an entry other than the one signed.
        case rewrittenEntry = "rewritten-entry"
        /// The entries the server served do not give the root its signed checkpoint states.
        case entriesMismatch = "entries-mismatch"
        /// A checkpoint that the ledger's key did not sign.
        case forgedCheckpoint = "forged-checkpoint"
        /// A commit the ledger's signed tree holds but the coalition's rules refuse.
        case invalidCommit = "invalid-commit"
    }

    /// A consistency proof between two tree sizes.
    public struct Consistency: Sendable, Equatable {
        public var old: UInt64
        public var new: UInt64
        public var hashes: [TreeHash]

        public init(old: UInt64, new: UInt64, hashes: [TreeHash]) {
            self.old = old
            self.new = new
            self.hashes = hashes
        }
    }

    /// An inclusion proof of one leaf.
    public struct Inclusion: Sendable, Equatable {
        public var index: UInt64
        public var size: UInt64
        public var leaf: TreeHash
        public var hashes: [TreeHash]

        public init(index: UInt64, size: UInt64, leaf: TreeHash, hashes: [TreeHash]) {
            self.index = index
            self.size = size
            self.leaf = leaf
            self.hashes = hashes
        }
    }

    /// An entry as the server served it.
    public struct ServedEntry: Sendable, Equatable {
        public var position: UInt64
        public var bytes: [UInt8]

        public init(position: UInt64, bytes: [UInt8]) {
            self.position = position
            self.bytes = bytes
        }
    }

    /// A commit as the server served it.
    public struct ServedCommit: Sendable, Equatable {
        public var signed: [UInt8]
        public var signature: [UInt8]

        public init(signed: [UInt8], signature: [UInt8]) {
            self.signed = signed
            self.signature = signature
        }
    }

    public var kind: Kind
    /// The ledger's checkpoint origin.
    public var origin: String
    /// When the replica saw it, by its own clock.
    public var detected: Timestamp
    /// Where the shown data came from (the server's address).
    public var source: String
    /// What the replica concluded, in one sentence.
    public var conclusion: String
    /// The checkpoint the replica held (a signed note).
    public var held: String?
    /// The checkpoint the server showed (a signed note).
    public var shown: String?
    /// The root of the tree at the smaller of the two sizes, where the evidence rests on it.
    public var prefixRoot: TreeHash?
    public var consistency: Consistency?
    public var inclusion: Inclusion?
    /// The replica's tree frontier at the held size.
    public var frontier: [TreeHash]?
    public var entries: [ServedEntry]
    public var commit: ServedCommit?

    public init(
        kind: Kind, origin: String, detected: Timestamp, source: String, conclusion: String, held: String? = nil, shown: String? = nil,
        prefixRoot: TreeHash? = nil, consistency: Consistency? = nil, inclusion: Inclusion? = nil, frontier: [TreeHash]? = nil,
        entries: [ServedEntry] = [], commit: ServedCommit? = nil
    ) {
        self.kind = kind
        self.origin = origin
        self.detected = detected
        self.source = source
        self.conclusion = conclusion
        self.held = held
        self.shown = shown
        self.prefixRoot = prefixRoot
        self.consistency = consistency
        self.inclusion = inclusion
        self.frontier = frontier
        self.entries = entries
        self.commit = commit
    }
}

/// Why an evidence file could not be read.
public struct EvidenceFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public var description: String { "line \(line) of the evidence: \(message)" }
}
