import ArgumentParser
import Foundation
import LedgerCore

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send a signed commit again, unchanged.",
        discussion: """
            FILE holds {"signed": base64, "signature": base64}, as a writing command keeps it when a server \
            gave no answer. Sending it again is always safe: a commit the ledger already holds is answered \
            with its original positions and "duplicate": true, and never appended twice. Prints the receipt.
            """)

    @OptionGroup var destination: DestinationOptions

    @Argument(help: ArgumentHelp("The signed commit.", valueName: "FILE.json"))
    var file: String

    func run() async throws {
        let commit = try SignedCommitFile.read(file)
        let receipt = try await destination.open().append(commit)
        Terminal.printError(
            receipt.duplicate
                ? "the ledger already held commit \(receipt.commit.hex): nothing was appended"
                : "commit \(receipt.commit.hex) is appended now")
        Terminal.print(receipt.json)
    }
}
