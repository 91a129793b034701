import LedgerCore
import Testing

/// LedgerCore speaks of the ledger: what a user does about an error with a particular interface
/// (a flag, a command) is for that interface to add.
struct LedgerErrorMessageTests {
    static let errors: [LedgerError] = [
        .malformedCommit("x"), .invalidEvent(index: 0, reason: "x"), .wrongLedger(expected: "a", found: "b"),
        .wrongLedger(expected: "a", found: nil), .notInitialised, .alreadyInitialised, .unknownOrganisation("o"),
        .unknownKey(organisation: "o", keyID: "k"), .foreignKey(organisation: "o", keyID: "k", owner: "p"),
        .revokedKey(organisation: "o", keyID: "k", revokedAt: 3), .badSignature(organisation: "o", keyID: "k"),
        .versionConflict(stream: "s", expected: 1, actual: 2), .unauthorised(index: 0, type: "T", organisation: "o", reason: "r"),
        .ruleViolation(index: 0, rule: "r", detail: "d"), .missingCheckpointKey, .wrongCheckpointKey(expected: "v"),
        .outOfRange("x"), .corrupted(position: 1, reason: "r"), .corrupted(position: nil, reason: "r"),
    ]

    @Test(arguments: errors)
    func messagesNameNoCommandOrFlag(_ error: LedgerError) {
        let message = "\(error)"
        #expect(!message.isEmpty)
        for interfaceWord in ["--", "chainledger", "`"] {
            #expect(!message.contains(interfaceWord), "\(message)")
        }
    }

    @Test func theEmptyLedgerAndTheMissingKeySayWhatIsWrong() {
        #expect("\(LedgerError.notInitialised)" == "the ledger is empty: its first commit must be a genesis commit, which founds the coalition")
        #expect("\(LedgerError.missingCheckpointKey)" == "writing needs the ledger's checkpoint key, and none was given")
    }
}
