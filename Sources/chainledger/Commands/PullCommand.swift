import ArgumentParser
import ChainDomain
import Foundation
import LedgerClient
import LedgerCore
import LedgerReplica
import Logging
import ServiceLifecycle
import UnixSignals

struct PullCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Keep a verified replica of a coalition's ledger: mirror its server's log into a ledger file of your own.",
        discussion: """
            Every commit is admitted by the same checks `verify` runs (signature, the coalition's rules, \
            entries, tree), and every checkpoint the server shows is checked against the last one the \
            replica holds, with the ledger's verifier key and a consistency proof. A server that shows a \
            history that is not an extension of the one held (a fork, a rollback, a rewritten entry, a \
            forged checkpoint) is refused: nothing is appended and an evidence file is written beside \
            the ledger file (check it with `chainledger evidence verify`). An interrupted pull resumes \
            where it stopped. The replica is a normal ledger file: every read command, `verify`, \
            `rebuild` and `serve --replica` work on it.

            Exit status: 0 the replica holds the server's log up to its latest checkpoint; 1 an error \
            (the server could not be reached, a bad option); 2 the replica's own ledger file fails a \
            check (it was damaged or changed locally); 3 the server misbehaved and the evidence was \
            written (its path is printed).
            """)

    @Option(name: .customLong("from"), help: ArgumentHelp("The coalition's ledger server.", valueName: "URL"))
    var source: String

    @Option(help: ArgumentHelp("The replica's ledger file (SQLite); created on the first pull.", valueName: "DB"))
    var ledger: String

    @Option(help: ArgumentHelp("A reader's access token for the server (default: the CHAINLEDGER_TOKEN environment variable).", valueName: "TOKEN"))
    var token: String?

    @Option(
        name: .customLong("verifier-key"),
        help: ArgumentHelp(
            "The ledger's checkpoint verifier key as the coalition published it, or a file holding it. Needed once; "
                + "without it the first pull trusts the key the ledger's genesis names, and says so.", valueName: "VKEY"))
    var verifierKey: VerifierKey?

    @Flag(help: "After pulling, stay current: follow the server's log until stopped (Ctrl-C or SIGTERM).")
    var follow = false

    @Flag(
        help: ArgumentHelp(
            "The ledger is the coalition's own, restored from an older backup: take back the commits it lost from a partner's "
                + "replica (served with `serve --replica`), which holds them as the ledger signed them. Needs --verifier-key."))
    var restore = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @OptionGroup var languageOption: LanguageOption

    /// The exit status for evidence of a server's misbehaviour.
    static let misbehaviourStatus: Int32 = 3

    func validate() throws {
        if restore, verifierKey == nil { throw ValidationError("--restore needs the ledger's --verifier-key") }
        if restore, follow { throw ValidationError("--restore pulls once; leave out --follow") }
        if restore, !FileManager.default.fileExists(atPath: ledger) {
            throw ValidationError("--restore takes lost commits back into an existing ledger; there is none at \(ledger)")
        }
        guard let url = URL(string: source), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--from needs the server's address, such as https://ledger.example (got \(source))")
        }
    }

    func run() async throws {
        let text = languageOption.text
        let api = LedgerAPI(base: source, token: token ?? ProcessInfo.processInfo.environment["CHAINLEDGER_TOKEN"])
        do {
            let replica = try await Replica(path: ledger, api: api, domain: CLIDomain(), verifierKey: verifierKey, keepsSettings: !restore)
            if follow {
                try await following(replica, text)
            } else {
                let progress = ProgressDisplay("progress_pull", quiet: quiet, language: text.language)
                defer { progress.finish() }
                let report = try await replica.pull { progress.update($0, of: $1) }
                progress.finish()
                if !quiet { Self.describe(report, text) }
            }
        } catch ReplicaError.misbehaviour(let evidence, let path) {
            Terminal.printError(
                text(
                    "cli_pull_misbehaviour",
                    ["server": source, "kind": evidence.kind.rawValue, "conclusion": evidence.conclusion, "path": path]))
            Foundation.exit(Self.misbehaviourStatus)
        } catch let error as LedgerClientError {
            throw CLIError("\(error)")
        } catch let error as LedgerError {
            guard case .corrupted = error else { throw error }
            throw IntegrityFailure(description: text("cli_pull_replica_damaged", ["ledger": ledger, "reason": text.say(error.phrase)]))
        }
    }

    /// Pulls, then follows until SIGINT or SIGTERM ends it gracefully.
    func following(_ replica: Replica<CLIDomain>, _ text: CommandText) async throws {
        let quiet = quiet
        let follower = ReplicaFollower(replica: replica) { report in
            if !quiet { Self.describe(report, text) }
        } onReconnect: { reason in
            if !quiet { Terminal.printError(text("cli_pull_reconnecting", ["reason": "\(reason)"])) }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: follower, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "chainledger.pull")))
        try await group.run()
    }

    static func describe(_ report: PullReport, _ text: CommandText) {
        if report.trustedOnFirstUse { Terminal.printError(text["cli_pull_trusted_on_first_use"]) }
        let added = report.size - report.before
        let checkpoint = report.checkpoint.flatMap { try? Checkpoint(text: SignedNote(parsing: $0).text) }
        let held = text("cli_pull_held", ["size": "\(report.size)", "added": "\(added)"])
        Terminal.print(held + (checkpoint.map { text("cli_pull_root", ["root": $0.root.base64]) } ?? ""))
    }

}

/// A following replica as a service: ends when the group shuts down gracefully.
struct ReplicaFollower: Service {
    let replica: Replica<CLIDomain>
    let onPull: @Sendable (PullReport) -> Void
    let onReconnect: @Sendable (any Error) -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await replica.follow(onPull: onPull, onReconnect: onReconnect)
            }
        } catch is CancellationError {
            return
        }
    }
}
