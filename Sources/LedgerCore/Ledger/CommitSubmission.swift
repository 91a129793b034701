import Foundation

/// A commit as submitted, parsed.
struct CommitSubmission: Sendable {
    let document: CommitDocument
    let signature: [UInt8]
    /// When the ledger received the commit: the time its events are recorded at, unless the log
    /// already holds a later time (recorded times never go back).
    let received: Timestamp
    /// Work done for the commit before its write transaction, if any.
    var prepared: PreparedAppend?

    init(document: CommitDocument, signature: [UInt8], received: Timestamp) {
        self.document = document
        self.signature = signature
        self.received = received
    }
}

/// The part of appending a commit that can be done before its write transaction, while earlier
/// commits are still being written: its signature checked against the key the ledger's state
/// names, its entries rendered and hashed for the position the commit is expected to take (with
/// the Merkle subtrees inside the commit), and the domain's stateless part of validation
/// (`LedgerDomain.prepare`, for each of its domain events).
///
/// The first two rest on guesses, so the planner uses each only when the guess holds inside the
/// transaction (the same public key; the same first position and recorded time) and otherwise
/// does the work again. A wrong guess costs time, never correctness.
struct PreparedAppend: Sendable {
    /// The public key the commit's signature was found valid for; `nil` when it was not checked
    /// (unknown key, genesis) or not valid.
    let verifiedKey: Data?
    /// The position the entries were rendered for.
    let position: UInt64
    /// The recorded time the entries were rendered with.
    let recordedAt: Timestamp
    /// The commit's entries from `position`, in event order.
    let entries: [RenderedEntry]
    /// The entries' leaves as perfect subtrees from `position`, with the stored nodes inside them.
    let cover: SubtreeCover
    /// What the domain prepared of each event (`[Result<Domain.PreparedEvent, LedgerError>?]`).
    let domain: any Sendable

    init<Domain: LedgerDomain>(
        _ document: CommitDocument, signature: [UInt8], position: UInt64, recordedAt: Timestamp,
        registry: CoalitionRegistry, domain: Domain
    ) {
        var verified: Data?
        if registry.isFounded, let key = try? registry.requireValidKey(document.keyID, of: document.organisation),
            document.isSigned(by: key.publicKey, signature: signature)
        {
            verified = key.publicKey
        }
        verifiedKey = verified
        self.position = position
        self.recordedAt = recordedAt
        entries = RenderedEntry.all(of: document, from: position, recordedAt: recordedAt)
        cover = SubtreeCover(leaves: entries.map(\.leaf), start: position, keep: NodeStorage.isStored)
        self.domain = domain.prepareEvents(of: document)
    }
}

/// An entry's stored bytes and their leaf hash.
struct RenderedEntry: Sendable {
    let bytes: [UInt8]
    let leaf: TreeHash

    /// The entries of a commit's events from `position` on, each with the version its event
    /// gives its stream, rendered and hashed on every core.
    static func all(of document: CommitDocument, from position: UInt64, recordedAt: Timestamp) -> [RenderedEntry] {
        let commitText = Array(document.id.hex.utf8)
        let recordedAtText = Array("\(recordedAt)".utf8)
        let events = document.events
        return Parallel.map(events.count) { index in
            let bytes = LogEntry.render(
                position: position + UInt64(index), version: events[index].version, recordedAt: recordedAtText,
                commit: commitText, index: index, event: events[index].bytes)
            return RenderedEntry(bytes: bytes, leaf: TreeHash.leaf(bytes))
        }
    }
}
