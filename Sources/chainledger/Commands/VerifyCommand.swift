import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the whole ledger from its stored bytes.",
        discussion: """
            Checks every commit (its id, its signature against the key valid at that position, its stream \
            versions and the ledger's rules), that every stored entry is exactly what its commit and \
            position give, every leaf and Merkle node hash, and every signed checkpoint. Stops at the first \
            position that is wrong and says why: exit status 2. Exit status 0 means the ledger is intact.
            """)

    @OptionGroup var ledgerOptions: LedgerOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        // The store alone, not a `Ledger`: opening one reads the state from the log, and any
        // damage it met there would be reported without the first wrong position.
        let store = try await ledgerOptions.openStore()
        guard try await store.size() > 0 else {
            throw CLIError.emptyLedger(ledgerOptions.name)
        }
        let report: VerificationReport
        do {
            report = try await LedgerVerifier(store: store, domain: CLIDomain()).run()
        } catch let error as LedgerError {
            throw IntegrityFailure(description: "verification failed: \(error)")
        }
        if json {
            var line = JSONLine()
            line.bool("ok", true)
            line.number("size", report.size)
            line.string("root", report.root.base64)
            line.number("commits", report.commits)
            line.number("checkpoints", report.checkpoints)
            line.number("nodes", report.nodes)
            Terminal.print(line.text)
        } else {
            Terminal.print("ok: \(report.size) entries in \(report.commits) commits, \(report.checkpoints) signed checkpoints and \(report.nodes) Merkle nodes recomputed; root \(report.root.base64)")
        }
    }
}
