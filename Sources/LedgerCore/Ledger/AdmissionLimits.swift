/// Limits on what a new append may carry, beyond what the commit format itself allows. They apply
/// to appends only: `verify` replaying a log and a replica mirroring one accept what the ledger
/// admitted under the limits of its day, so a ledger stays verifiable after its limits change.
public struct AdmissionLimits: Sendable, Equatable {
    /// How far a commit's signing time (its header's `time`) may lie from the ledger's clock when
    /// the commit arrives, in milliseconds, either way. 24 hours by default.
    public var clockSkew: Int64
    /// The largest commit document, in bytes: 48 MiB by default (its base64 fits a 64 MiB request
    /// body), at most `CommitDocument.maximumBytes` (64 MiB).
    public var commitBytes: Int
    /// The most events in one commit (at most `CommitDocument.maximumEvents`, 100,000).
    public var eventsPerCommit: Int

    public init(
        clockSkew: Int64 = 24 * 3_600_000, commitBytes: Int = 48 << 20,
        eventsPerCommit: Int = CommitDocument.maximumEvents
    ) {
        self.clockSkew = max(0, clockSkew)
        self.commitBytes = min(max(1, commitBytes), CommitDocument.maximumBytes)
        self.eventsPerCommit = min(max(1, eventsPerCommit), CommitDocument.maximumEvents)
    }
}
