import Foundation

/// Ready-made commits for the ledger's own events, as the CLI and tests sign them.
public enum CoreCommits {
    /// The genesis commit: founds the coalition, admits the founding (coordinating) organisation
    /// and registers the key that signs this very commit.
    public static func genesis(
        coalition: String, origin: String, organisation: String, organisationName: String, kind: String? = nil,
        key: SigningKey, checkpointKey: VerifierKey, time: Timestamp = .now()
    ) throws(FormatError) -> SignedCommit {
        let stream = CoreEvent.organisationStream(organisation)
        let events = [
            try EventLine(
                stream: CoreEvent.coalitionStream, expectedVersion: 0, type: CoreEvent.coalitionFounded,
                data: CoreEvent.coalitionFoundedData(name: coalition, origin: origin, checkpointKey: checkpointKey)),
            try EventLine(
                stream: stream, expectedVersion: 0, type: CoreEvent.organisationJoined,
                data: CoreEvent.organisationJoinedData(organisation: organisation, name: organisationName, kind: kind)),
            try EventLine(
                stream: stream, expectedVersion: 1, type: CoreEvent.keyRegistered,
                data: CoreEvent.keyRegisteredData(organisation: organisation, publicKey: key.verifier.publicKey)),
        ]
        return SignedCommit.sign(ledger: nil, organisation: organisation, key: key, time: time, events: events)
    }

    /// Events admitting an organisation and registering its first key (a coordinator signs them).
    /// `version` is the organisation stream's current version (0 for a new organisation).
    public static func admission(
        organisation: String, name: String, kind: String? = nil, publicKey: [UInt8]
    ) throws(FormatError) -> [EventLine] {
        let stream = CoreEvent.organisationStream(organisation)
        return [
            try EventLine(
                stream: stream, expectedVersion: 0, type: CoreEvent.organisationJoined,
                data: CoreEvent.organisationJoinedData(organisation: organisation, name: name, kind: kind)),
            try EventLine(
                stream: stream, expectedVersion: 1, type: CoreEvent.keyRegistered,
                data: CoreEvent.keyRegisteredData(organisation: organisation, publicKey: .init(publicKey))),
        ]
    }
}
