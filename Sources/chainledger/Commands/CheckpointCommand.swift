import ArgumentParser
import LedgerCore

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the ledger's latest signed checkpoint (C2SP tlog-checkpoint).",
        discussion: "With --verifier-key, print the key that verifies checkpoints instead (name+hash+base64).")

    @OptionGroup var ledgerOptions: LedgerOptions

    @Flag(name: .customLong("verifier-key"), help: "Print the ledger's verifier key.")
    var verifierKey = false

    func run() async throws {
        let ledger = try await ledgerOptions.openLedger()
        if verifierKey {
            guard let key = await ledger.registry.checkpointKey else { throw CLIError("the ledger names no checkpoint key") }
            Terminal.print(key.description)
            return
        }
        guard let checkpoint = try await ledger.store.latestCheckpoint() else {
            throw CLIError("the ledger has no checkpoint yet")
        }
        Terminal.write(checkpoint.note)
    }
}
