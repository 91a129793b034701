import LedgerCore

/// A refusal: printed as one line on standard error, in the command's language, exit status 1.
struct CLIError: PhrasedError {
    let phrase: Phrase
    init(_ phrase: Phrase) { self.phrase = phrase }

    /// The ledger named `name` holds nothing yet.
    static func emptyLedger(_ name: String) -> CLIError {
        CLIError("the ledger at \(name) is empty: create it with `chainledger init`")
    }
}

/// A commit sent to a server that gave no answer, however often it was sent: exit status 75
/// (EX_TEMPFAIL), so that a script can tell it from a refusal.
struct UnknownOutcome: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An integrity failure found by `verify` or `copy`: exit status 2.
struct IntegrityFailure: PhrasedError {
    let phrase: Phrase
    init(_ phrase: Phrase) { self.phrase = phrase }
    /// A failure already written in the command's language.
    init(description: String) { phrase = Phrase(verbatim: description) }
}

extension LedgerError {
    /// What to do about the error with this tool, where the ledger's own message cannot say it.
    var commandLineAdvice: Phrase? {
        switch self {
        case .notInitialised: "create it with `chainledger init`"
        case .missingCheckpointKey: "pass the file `init` wrote next to the ledger with --ledger-key"
        case .wrongCheckpointKey: "pass this ledger's checkpoint key file with --ledger-key"
        default: nil
        }
    }
}
