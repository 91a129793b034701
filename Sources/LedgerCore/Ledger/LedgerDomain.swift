/// An event as the domain sees it, while validating or replaying.
public struct RecordedEvent: Sendable {
    public let position: UInt64
    public let version: UInt64
    public let recordedAt: Timestamp
    public let commit: CommitID
    public let event: EventLine
    /// The position of the previous event of the same stream (`nil` for its first event). Known
    /// while validating; not kept when replaying.
    public let previous: UInt64?

    public init(position: UInt64, version: UInt64, recordedAt: Timestamp, commit: CommitID, event: EventLine, previous: UInt64? = nil) {
        self.position = position
        self.version = version
        self.recordedAt = recordedAt
        self.commit = commit
        self.event = event
        self.previous = previous
    }

    public var stream: String { event.stream }
    public var type: String { event.type }
}

/// What a domain can see while it decides on a commit.
public struct ValidationContext: Sendable {
    /// The coalition as it stands after the commit's own ledger events.
    public let registry: CoalitionRegistry
    /// The organisation that signed the commit.
    public let signer: String
    /// Stream versions after this commit: for the streams `LedgerDomain.streamsToRead` named and
    /// the commit does not write, their current version. (For a stream the commit writes, each
    /// recorded event carries its own version; the version before it is one less.)
    public let streamVersions: [String: StreamHead]
    /// The commit's events as they will be recorded (positions, versions, time).
    public let events: [RecordedEvent]
}

/// The rules of a domain, plugged into the ledger core. The core checks the commit format,
/// signatures, stream versions and its own events; a domain checks its events against its state.
///
/// A domain keeps in memory only the state of the streams it names in `stateStreamPrefixes`
/// (rebuilt from those streams when a ledger opens); anything larger it reads through stream
/// versions (`streamsToRead`), so opening a ledger stays fast however long the log grows.
public protocol LedgerDomain: Sendable {
    associatedtype State: Sendable
    /// What `prepare` makes of one domain event without any state (for instance, the event read
    /// into a typed value).
    associatedtype PreparedEvent: Sendable = Void

    /// Prefixes of the streams whose events `apply` folds into the state.
    var stateStreamPrefixes: [String] { get }

    /// The state of an empty ledger.
    func initialState() -> State

    /// Stream ids whose current versions `validate` needs besides the commit's own streams.
    func streamsToRead(for commit: CommitDocument) -> Set<String>

    /// The part of validating one domain event (one outside the ledger's own streams, at `index` in
    /// its commit) that needs no state. The core runs it for every domain event of a commit, on
    /// every core for large commits, before the write transaction where it can (while earlier
    /// commits are being written). A failure is not reported here: `validate` receives it, and
    /// reports it in its turn.
    func prepare(_ event: EventLine, index: Int) throws(LedgerError) -> PreparedEvent

    /// Checks the domain events of a commit (those outside the ledger's own streams) and returns
    /// the state after them. Throws `LedgerError` naming the rule, the event and the value.
    /// `prepared` holds what `prepare` made of each event, by its index in the commit (`nil` for
    /// the ledger's own events).
    func validate(
        _ commit: CommitDocument, prepared: [Result<PreparedEvent, LedgerError>?], context: ValidationContext, state: State
    ) throws(LedgerError) -> State

    /// Folds a stored event of the state streams into the state. Stored events were validated
    /// when they were written; a stored event the domain cannot read is a corrupted log.
    func apply(_ event: RecordedEvent, to state: inout State) throws(LedgerError)

    /// Checks that apply to new appends only, not when `verify` replays the log or a replica
    /// mirrors it: input a ledger once admitted but refuses from now on. A ledger that holds such
    /// an entry stays readable, verifiable and replicable. `now` is the ledger's clock as the
    /// commit arrived.
    func screen(_ commit: CommitDocument, at now: Timestamp) throws(LedgerError)
}

extension LedgerDomain {
    /// No checks beyond `validate`.
    public func screen(_ commit: CommitDocument, at now: Timestamp) throws(LedgerError) {}
}

extension LedgerDomain where PreparedEvent == Void {
    /// Nothing to prepare.
    public func prepare(_ event: EventLine, index: Int) throws(LedgerError) {}
}

extension LedgerDomain {
    /// `prepare(_:index:)` for each of the commit's domain events, by index in the commit (`nil`
    /// for the ledger's own events); in parallel when the commit is large (`Parallel.threshold`).
    func prepareEvents(of commit: CommitDocument) -> [Result<PreparedEvent, LedgerError>?] {
        let events = commit.events
        return Parallel.map(events.count) { index in
            CoreEvent.isCoreStream(events[index].stream)
                ? nil : Result { () throws(LedgerError) in try prepare(events[index], index: index) }
        }
    }
}

/// A domain without rules: any event type outside the ledger's own streams is accepted as long as
/// the commit is well-formed, signed by a registered key and its stream versions match.
public struct OpenDomain: LedgerDomain {
    public init() {}
    public var stateStreamPrefixes: [String] { [] }
    public func initialState() {}
    public func streamsToRead(for commit: CommitDocument) -> Set<String> { [] }
    public func validate(
        _ commit: CommitDocument, prepared: [Result<Void, LedgerError>?], context: ValidationContext, state: Void
    ) throws(LedgerError) {}
    public func apply(_ event: RecordedEvent, to state: inout Void) throws(LedgerError) {}
}
