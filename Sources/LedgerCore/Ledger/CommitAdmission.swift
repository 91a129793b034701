import Foundation

/// The one place that decides whether a commit may join the log: the same code checks commits
/// when they are appended and again when `verify` replays the log.
struct CommitAdmission<Domain: LedgerDomain>: Sendable {
    let domain: Domain

    /// Checks one commit against the state and, when it passes, folds it into `state` and
    /// `versions` and returns its events as they will be recorded.
    func admit(
        _ submission: CommitSubmission, position: UInt64, recordedAt: Timestamp,
        state: inout LedgerState<Domain.State>, versions: inout [String: StreamHead]
    ) throws(LedgerError) -> [RecordedEvent] {
        let document = submission.document
        let before = state.registry
        let isGenesis = !before.isFounded
        let opensWithFounding = document.events.first?.type == CoreEvent.coalitionFounded
        if isGenesis {
            guard document.ledger == nil, opensWithFounding else { throw .notInitialised }
        } else {
            guard let genesis = before.genesis, let ledger = document.ledger else {
                if opensWithFounding { throw .alreadyInitialised }
                throw .wrongLedger(expected: before.genesis?.hex ?? "", found: nil)
            }
            guard ledger == genesis else { throw .wrongLedger(expected: genesis.hex, found: ledger.hex) }
            guard before.organisations[document.organisation] != nil else {
                throw .unknownOrganisation(document.organisation)
            }
            try checkSignature(submission, registry: before)
        }

        var registry = before
        var recorded: [RecordedEvent] = []
        recorded.reserveCapacity(document.events.count)
        versions.reserveCapacity(versions.count + document.events.count)
        for (index, event) in document.events.enumerated() {
            let head = versions[event.stream] ?? .empty
            let current = head.version
            guard event.expectedVersion == current else {
                throw .versionConflict(stream: event.stream, expected: event.expectedVersion, actual: current)
            }
            let eventPosition = position + UInt64(index)
            versions[event.stream] = StreamHead(version: current + 1, position: eventPosition)
            if CoreEvent.isCoreStream(event.stream) || CoreEvent.isCoreType(event.type) {
                try registry.admit(
                    event, index: index, position: eventPosition, signer: document.organisation,
                    genesis: isGenesis ? document.id : nil)
            }
            recorded.append(
                RecordedEvent(
                    position: eventPosition, version: current + 1, recordedAt: recordedAt, commit: document.id, event: event,
                    previous: head.position))
        }
        if isGenesis {
            // The founding key is registered inside the genesis commit itself.
            try checkSignature(submission, registry: registry)
        }
        let context = ValidationContext(
            registry: registry, signer: document.organisation, streamVersions: versions, events: recorded)
        // What the domain prepared before the transaction, or (when replaying, or when that was not
        // done) the same work now.
        let prepared =
            submission.prepared?.domain as? [Result<Domain.PreparedEvent, LedgerError>?]
            ?? domain.prepareEvents(of: document)
        state.domain = try domain.validate(document, prepared: prepared, context: context, state: state.domain)
        state.registry = registry
        return recorded
    }

    private func checkSignature(_ submission: CommitSubmission, registry: CoalitionRegistry) throws(LedgerError) {
        let document = submission.document
        let key = try registry.requireValidKey(document.keyID, of: document.organisation)
        if let verified = submission.prepared?.verifiedKey, verified == key.publicKey { return }
        guard document.isSigned(by: key.publicKey, signature: submission.signature) else {
            throw .badSignature(organisation: document.organisation, keyID: document.keyID)
        }
    }
}

extension CommitDocument {
    /// Whether `signature` is a valid Ed25519 signature of the commit's bytes by `publicKey`.
    func isSigned(by publicKey: Data, signature: [UInt8]) -> Bool {
        guard signature.count == 64, let verifier = try? VerifierKey(name: organisation, publicKey: publicKey) else {
            return false
        }
        return verifier.isValidSignature(Data(signature), for: bytes)
    }
}
