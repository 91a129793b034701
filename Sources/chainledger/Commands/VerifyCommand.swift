import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore

struct VerifyCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the whole ledger from its stored bytes.",
        discussion: """
            Checks every commit (its id, its signature against the key valid at that position, its stream \
            versions and the ledger's rules), that every stored entry is exactly what its commit and \
            position give, every leaf and Merkle node hash, and every signed checkpoint. Stops at the first \
            position that is wrong and says why: exit status 2. Exit status 0 means the ledger is intact.

            With --against, it then proves that the ledger still holds the tree of each checkpoint a \
            partner kept (a C2SP signed note, one per file): the ledger must be at least that large and have \
            the same root at that size. A ledger restored from an older backup, or one whose history was \
            rewritten, fails with exit status 2, and the evidence is written beside the ledger.
            """)

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(
        name: .customLong("against"),
        help: ArgumentHelp("A signed checkpoint a partner kept (one note per file); repeatable.", valueName: "CHECKPOINT_FILE"))
    var against: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false
    @Flag(help: "No progress on standard error.") var quiet = false
    @OptionGroup var languageOption: LanguageOption

    func run() async throws {
        // The store alone, not a `Ledger`: opening one reads the state from the log, and any
        // damage it met there would be reported without the first wrong position.
        let store = try await ledgerOptions.openStore(damageIsIntegrityFailure: true)
        guard try await store.size() > 0 else {
            // An empty file whose checkpoint key is beside it held a ledger once: it was cut.
            if let file = ledgerOptions.location.ledger, FileManager.default.fileExists(atPath: LedgerSource.checkpointKeyPath(beside: file)) {
                throw IntegrityFailure(
                    description:
                        "verification failed: \(file) holds no entries, but its checkpoint key is beside it: the ledger file was emptied or cut short"
                )
            }
            throw CLIError.emptyLedger(ledgerOptions.name)
        }
        let report: VerificationReport
        let total = try await store.size()
        let text = languageOption.text
        let progress = ProgressDisplay("progress_verify", quiet: quiet, language: text.language)
        defer { progress.finish() }
        do {
            report = try await LedgerVerifier(store: store, domain: CLIDomain()).run { progress.update($0, of: total) }
        } catch let error as LedgerError {
            throw IntegrityFailure(description: text("cli_verify_failed", ["reason": text.say(error.phrase)]))
        }
        progress.finish()
        let kept = try await checkKept(store: store, report: report, text)
        if json {
            var line = JSONLine()
            line.bool("ok", true)
            line.number("size", report.size)
            line.string("root", report.root.base64)
            line.number("commits", report.commits)
            line.number("checkpoints", report.checkpoints)
            line.number("nodes", report.nodes)
            if !against.isEmpty { line.number("against", kept) }
            Terminal.print(line.text)
        } else {
            Terminal.print(
                text(
                    "cli_verify_ok",
                    [
                        "size": "\(report.size)", "commits": "\(report.commits)", "checkpoints": "\(report.checkpoints)",
                        "nodes": "\(report.nodes)", "root": report.root.base64,
                    ]))
            for file in against { Terminal.print(text("cli_verify_holds", ["file": file])) }
        }
    }

    /// Checks the ledger against the checkpoints a partner kept; returns how many it holds, or
    /// throws with the evidence written beside the ledger.
    private func checkKept(store: any LedgerStore, report: VerificationReport, _ text: CommandText) async throws -> Int {
        guard !against.isEmpty else { return 0 }
        guard let key = report.checkpointKey else { throw CLIError("the ledger names no checkpoint key to check kept checkpoints with") }
        for file in against {
            guard let note = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw CLIError("cannot read \(file)")
            }
            let kept: Checkpoint
            do {
                kept = try Checkpoint.open(note, verifier: key)
            } catch {
                throw CLIError("\(file) is not a checkpoint signed by this ledger's key \(key.name): \(error)")
            }
            var evidence: MisbehaviourEvidence?
            if kept.size > report.size {
                let latest = try await store.latestCheckpoint()
                evidence = MisbehaviourEvidence(
                    kind: .rollback, origin: report.origin, detected: .now(), source: ledgerOptions.name,
                    conclusion:
                        "The ledger holds \(report.size) entries, but its key signed a checkpoint for \(kept.size): entries it had signed are missing, as after a restore from an older backup.",
                    held: note, shown: latest?.note)
            } else {
                evidence = try await MisbehaviourEvidence.contradiction(
                    between: note, and: store, role: .shown, key: key, source: ledgerOptions.name, detected: .now())
            }
            if let evidence {
                let path = try evidence.write(besideLedger: try ledgerOptions.sidecar())
                throw IntegrityFailure(
                    description: text(
                        "cli_verify_not_held",
                        ["file": file, "kind": evidence.kind.rawValue, "conclusion": evidence.conclusion, "path": path]))
            }
        }
        return against.count
    }
}
