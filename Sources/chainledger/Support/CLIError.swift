import LedgerCore

/// A refusal: printed as one line on standard error, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

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
struct IntegrityFailure: Error, CustomStringConvertible {
    let description: String
}

extension LedgerError {
    /// What to do about the error with this tool, where the ledger's own message cannot say it.
    var commandLineAdvice: String? {
        switch self {
        case .notInitialised: "create it with `chainledger init`"
        case .missingCheckpointKey: "pass the file `init` wrote next to the ledger with --ledger-key"
        case .wrongCheckpointKey: "pass this ledger's checkpoint key file with --ledger-key"
        default: nil
        }
    }
}
