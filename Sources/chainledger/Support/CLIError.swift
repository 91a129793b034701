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

/// A JSON object written member by member, in a fixed order, with raw JSON allowed for values
/// that are already JSON (an event's data as signed).
struct JSONLine {
    private var members: [String] = []

    mutating func string(_ key: String, _ value: String) { members.append("\(quote(key)):\(quote(value))") }
    mutating func number(_ key: String, _ value: some BinaryInteger) { members.append("\(quote(key)):\(value)") }
    mutating func bool(_ key: String, _ value: Bool) { members.append("\(quote(key)):\(value)") }
    mutating func raw(_ key: String, _ json: String) { members.append("\(quote(key)):\(json)") }
    mutating func strings(_ key: String, _ values: [String]) {
        members.append("\(quote(key)):[\(values.map(quote).joined(separator: ","))]")
    }

    var text: String { "{" + members.joined(separator: ",") + "}" }

    private func quote(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

extension AppendReceipt {
    var json: String {
        var line = JSONLine()
        line.string("commit", commit.hex)
        line.number("first", first)
        line.number("last", last)
        line.number("size", size)
        line.string("root", root.base64)
        line.bool("duplicate", duplicate)
        return line.text
    }
}
