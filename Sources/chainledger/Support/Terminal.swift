import ArgumentParser
import ChainPresentation
import ChainProjections
import Foundation
import LedgerCore

/// The command line's output, and the one place where errors become what a user sees.
enum Terminal {
    /// Ends the process for an error thrown while the arguments were read. Usage errors, help and
    /// `--version` are argument-parser's to report; any other error was thrown by a `validate()`
    /// and is a refusal like one from `run()`.
    static func exit(forParsing error: any Error) -> Never {
        guard ChainLedgerCommand.exitCode(for: error) == .failure else { ChainLedgerCommand.exit(withError: error) }
        fail(ChainLedgerCommand.message(for: error), status: 1)
    }

    /// Ends the process for an error a command threw: one line on standard error, with exit
    /// status 2 for a ledger that failed a check and 1 for every refusal. argument-parser's own
    /// errors (an exit code, a request for help, a usage error) end as argument-parser ends them.
    static func exit(for error: any Error, in language: Language) -> Never {
        switch error {
        case let error as ReadModelError:
            let key = "cli_error_" + error.code
            let text = CommandText(language)
            fail(text.messages.messages[key] == nil ? error.description : text(key, error.facts), status: 1)
        case let failure as IntegrityFailure:
            fail(CommandText(language).messages.say(failure.phrase), status: 2)
        case let unknown as UnknownOutcome:
            fail(unknown.description, status: 75)
        case let error as LedgerError:
            let said = CommandText(language).messages.say(error.commandLineAdvice.map { "\(error); \($0)" } ?? error.phrase)
            fail(said, status: 1)
        case is ExitCode, is CleanExit, is ValidationError:
            ChainLedgerCommand.exit(withError: error)
        case let error as any PhrasedError:
            fail(CommandText(language).messages.say(error.phrase), status: 1)
        default:
            fail("\(error)", status: 1)
        }
    }

    private static func fail(_ message: String, status: Int32) -> Never {
        printError(message)
        Foundation.exit(status)
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
            Foundation.exit(0)
        }
    }

    /// Writes text exactly, without adding a newline; stops quietly when the reader has gone.
    static func write(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        } catch {
            Foundation.exit(0)
        }
    }
}
