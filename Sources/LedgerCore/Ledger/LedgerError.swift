/// Everything a user can get wrong when writing to or reading from a ledger. Each message says,
/// in the ledger's own terms, what was wrong and, where the ledger can tell, what to do; the
/// interfaces that report an error (the command line, the HTTP API) add how to do it there. A
/// rejected commit never changes the ledger.
public enum LedgerError: PhrasedError, Equatable, Sendable {
    /// The signed bytes are not a commit document.
    case malformedCommit(Phrase)
    /// One event of the commit is not acceptable as written.
    case invalidEvent(index: Int, reason: Phrase)
    /// The commit was made for another ledger.
    case wrongLedger(expected: String, found: String?)
    /// The ledger has no genesis yet; only a genesis commit can be appended.
    case notInitialised
    /// A genesis commit was sent to a ledger that already has one.
    case alreadyInitialised
    /// The organisation named in the commit is not a member of the coalition.
    case unknownOrganisation(String)
    /// The key is not registered.
    case unknownKey(organisation: String, keyID: String)
    /// The key belongs to another organisation than the one the commit claims.
    case foreignKey(organisation: String, keyID: String, owner: String)
    /// The key was revoked before this commit.
    case revokedKey(organisation: String, keyID: String, revokedAt: UInt64)
    /// The signature does not match the signed bytes and the key.
    case badSignature(organisation: String, keyID: String)
    /// The optimistic concurrency check failed.
    case versionConflict(stream: String, expected: UInt64, actual: UInt64)
    /// The signing organisation may not cause this event.
    case unauthorised(index: Int, type: String, organisation: String, reason: Phrase)
    /// A rule of the coalition or of the domain refused an event.
    case ruleViolation(index: Int, rule: Phrase, detail: Phrase)
    /// A limit or check of new appends refused the commit as a whole (its size, its number of
    /// events, its signing time: ``AdmissionLimits``).
    case refusedCommit(rule: String, detail: Phrase)
    /// Writing needs the ledger's checkpoint key, which was not given.
    case missingCheckpointKey
    /// The checkpoint key given is not the one the genesis commit registered.
    case wrongCheckpointKey(expected: String)
    /// A position or tree size outside the log.
    case outOfRange(Phrase)
    /// The stored log is not what it should be (see `verify`).
    case corrupted(position: UInt64?, reason: Phrase)

    public var phrase: Phrase {
        switch self {
        case .malformedCommit(let detail):
            "malformed commit: \(detail)"
        case .invalidEvent(let index, let reason):
            "event \(index + 1) of the commit: \(reason)"
        case .wrongLedger(let expected, let found):
            if let found {
                "the commit names ledger \(found), but this ledger is \(expected): sign it for this ledger"
            } else {
                "the commit names no ledger; every commit after the genesis must name ledger \(expected)"
            }
        case .notInitialised:
            "the ledger is empty: its first commit must be a genesis commit, which founds the coalition"
        case .alreadyInitialised:
            "the ledger already has a genesis commit; a coalition is founded only once"
        case .unknownOrganisation(let organisation):
            "organisation \"\(organisation)\" is not a member of this coalition: a coordinator must admit it first"
        case .unknownKey(let organisation, let keyID):
            "key \(keyID) of \"\(organisation)\" is not registered in this ledger: ask a coordinator to register it"
        case .foreignKey(let organisation, let keyID, let owner):
            "key \(keyID) belongs to \"\(owner)\", not to \"\(organisation)\": sign with your own organisation's key"
        case .revokedKey(let organisation, let keyID, let revokedAt):
            "key \(keyID) of \"\(organisation)\" was revoked at position \(revokedAt): sign with a key that is still valid"
        case .badSignature(let organisation, let keyID):
            "the signature does not match the commit and key \(keyID) of \"\(organisation)\": the commit was altered after signing or signed with another key"
        case .versionConflict(let stream, let expected, let actual):
            "version conflict on stream \"\(stream)\": the commit expects version \(expected), the stream is at version \(actual); read the stream again and re-sign"
        case .unauthorised(let index, let type, let organisation, let reason):
            "event \(index + 1) (\(type)): organisation \"\(organisation)\" is not allowed to do this: \(reason)"
        case .ruleViolation(let index, let rule, let detail):
            "event \(index + 1) breaks rule \"\(rule)\": \(detail)"
        case .refusedCommit(let rule, let detail):
            "the commit breaks rule \"\(rule)\": \(detail)"
        case .missingCheckpointKey:
            "writing needs the ledger's checkpoint key, and none was given"
        case .wrongCheckpointKey(let expected):
            "the checkpoint key given is not this ledger's (its verifier key is \(expected))"
        case .outOfRange(let detail):
            detail
        case .corrupted(let position, let reason):
            if let position { "position \(position): \(reason)" } else { reason }
        }
    }
}
