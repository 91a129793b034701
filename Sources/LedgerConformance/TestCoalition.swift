import Foundation
public import LedgerCore

/// A small coalition with fresh keys, for tests and benchmarks: a founding coordinator and
/// members whose keys the tests sign with.
public struct TestCoalition: Sendable {
    public let checkpointKey: SigningKey
    public let founder: String
    public private(set) var keys: [String: SigningKey]
    public private(set) var ledgerID: CommitID?

    public init(founder: String = "gemeente-heuvelstad") throws {
        checkpointKey = try SigningKey.generate(name: "ledger.test/heuvelstad")
        self.founder = founder
        keys = [founder: try SigningKey.generate(name: founder)]
    }

    /// The genesis commit; remembers the ledger id it gives.
    public mutating func genesis(time: Timestamp = .now()) throws -> SignedCommit {
        let commit = try CoreCommits.genesis(
            coalition: "Wonen Eerst Heuvelstad", origin: "ledger.test/heuvelstad", organisation: founder,
            organisationName: "Gemeente Heuvelstad", key: keys[founder]!, checkpointKey: checkpointKey.verifier, time: time)
        ledgerID = CommitID(of: commit.bytes)
        return commit
    }

    /// A commit by the founder admitting `organisation` with a new key.
    public mutating func admit(_ organisation: String) throws -> SignedCommit {
        let key = try SigningKey.generate(name: organisation)
        keys[organisation] = key
        let events = try CoreCommits.admission(organisation: organisation, name: organisation, publicKey: [UInt8](key.verifier.publicKey))
        return sign(by: founder, events)
    }

    /// A commit of `events` signed by `organisation`'s key.
    public func sign(by organisation: String, _ events: [EventLine], key: SigningKey? = nil, time: Timestamp = .now()) -> SignedCommit {
        SignedCommit.sign(ledger: ledgerID, organisation: organisation, key: key ?? keys[organisation]!, time: time, events: events)
    }

    /// A domain-neutral event with a small JSON payload.
    public static func event(_ stream: String, expected: UInt64, type: String = "NoteTaken", _ note: String = "note") -> EventLine {
        try! EventLine(
            stream: stream, expectedVersion: expected, type: type,
            data: Array("{\"note\":\(quoted(note))}".utf8))
    }

    private static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
