import ChainDomain
import Foundation
import LedgerCore

/// What every writing command does: read the streams' current versions, turn events into lines
/// that expect them, sign them with the organisation's key and submit them as one commit, to a
/// ledger file, a ledger in PostgreSQL or a server.
struct CommitWriter {
    let target: any CommitTarget
    let organisation: String
    let key: SigningKey

    init(_ options: TargetOptions) async throws {
        key = try options.signingKey()
        target = try await options.open()
        organisation = options.org
    }

    /// The chain state, when the ledger is at hand (not through a server).
    var state: ChainState? {
        get async { await target.chainState() }
    }

    /// Signs and submits `events` as one commit; prints the receipt.
    func commit(_ events: [ChainEvent]) async throws {
        var factory = EventFactory()
        for stream in Set(events.map(\.stream)) {
            factory.versions[stream] = try await target.head(of: stream).version
        }
        let lines: [EventLine]
        do {
            lines = try factory.lines(events)
        } catch {
            throw CLIError("\(error.message): check the ids you gave")
        }
        try await submit(lines)
    }

    /// Signs and submits `lines` as one commit; prints the receipt.
    func submit(_ lines: [EventLine]) async throws {
        let commit = SignedCommit.sign(ledger: try await target.ledgerID(), organisation: organisation, key: key, events: lines)
        Terminal.print(try await target.append(commit).json)
    }

    /// The position of the latest event of a stream, if it has one.
    func head(of stream: String) async throws -> UInt64? {
        try await target.head(of: stream).position
    }
}
