import ArgumentParser
import Foundation
import LedgerCore

/// A user error: printed as one line on standard error, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// The ledger named `name` holds nothing yet.
    static func emptyLedger(_ name: String) -> CLIError {
        CLIError("the ledger at \(name) is empty: create it with `chainledger init`")
    }
}

/// An integrity failure found by `verify`: exit status 2.
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

enum Terminal {
    /// Runs a command body, turning every error into one line on standard error and an exit status.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as IntegrityFailure {
            printError(error.description)
            throw ExitCode(2)
        } catch let error as LedgerError {
            printError(error.commandLineAdvice.map { "\(error); \($0)" } ?? "\(error)")
            throw ExitCode(1)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }

    static func printError(_ message: String) {
        let line = "chainledger: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Writes to standard output without buffering surprises. When the reader has gone (`| head`),
    /// the command stops quietly, as command-line tools do.
    static func print(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
        } catch {
            exit(0)
        }
    }
}
