/// What the ledger holds in memory: the registry and the domain's state, folded from every entry
/// below `size` in the streams they follow.
struct LedgerState<DomainState: Sendable>: Sendable {
    var registry = CoalitionRegistry()
    var domain: DomainState
    /// Entries below this position are folded in.
    var size: UInt64 = 0
    /// The Merkle frontier, when known for `size` (after this ledger's own appends).
    var frontier: CompactRange?

    init(domain: DomainState) {
        self.domain = domain
    }

    /// Folds one stored entry (of the core or domain state streams) into the state.
    mutating func fold<Domain: LedgerDomain>(_ stored: StoredEntry, domain rules: Domain) throws(LedgerError)
    where Domain.State == DomainState {
        let entry = try stored.entry()
        if CoreEvent.isCoreStream(entry.event.stream) {
            try registry.replay(entry.event, position: entry.position, commit: entry.commit)
        }
        if rules.stateStreamPrefixes.contains(where: { entry.event.stream.hasPrefix($0) }) {
            let recorded = RecordedEvent(
                position: entry.position, version: entry.version, recordedAt: entry.recordedAt,
                commit: entry.commit, event: entry.event)
            try rules.apply(recorded, to: &domain)
        }
    }
}
