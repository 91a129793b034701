import ArgumentParser
import Foundation

@main
struct ChainLedgerCommand: AsyncParsableCommand {
    /// The version `chainledger --version` prints.
    static let version = "1.0.0"

    static let configuration = CommandConfiguration(
        commandName: "chainledger",
        abstract: "A shared, append-only, verifiable ledger for coalitions that steer together on customer chains.",
        discussion: """
            Every change enters the ledger as a commit signed by one organisation's key. The log is an \
            RFC 9162 Merkle tree; the ledger signs checkpoints in the C2SP tlog-checkpoint format and \
            serves inclusion and consistency proofs. `verify` recomputes everything from the stored bytes.
            """,
        version: version,
        groupedSubcommands: [
            CommandGroup(
                name: "Ledger",
                subcommands: [
                    KeygenCommand.self, InitCommand.self, SampleCommand.self, AppendCommand.self, SubmitCommand.self, LogCommand.self,
                    CommitsCommand.self,
                    VerifyCommand.self, CheckpointCommand.self, ProveCommand.self,
                ]),
            CommandGroup(
                name: "Recording",
                subcommands: [
                    RecordCommand.self, CorrectCommand.self, ImportCommand.self, AssignOwnerCommand.self, AgreementCommand.self,
                    DialogueCommand.self,
                ]),
            CommandGroup(
                name: "Read model",
                subcommands: [
                    StatusCommand.self, ResponsibilitiesCommand.self, AgreementsCommand.self, DecisionsCommand.self, BriefCommand.self,
                    AuditCommand.self,
                    HealthCommand.self, ProjectionsCommand.self, RebuildCommand.self,
                ]),
            CommandGroup(name: "Server", subcommands: [ServeCommand.self, DemoCommand.self, TokenCommand.self, ReportCommand.self]),
            CommandGroup(
                name: "Partners", subcommands: [PullCommand.self, ExportCommand.self, EvidenceCommand.self, WitnessCommand.self, ReceiptCommand.self]),
            CommandGroup(name: "Operations", subcommands: [CopyCommand.self, BackupCommand.self, RestoreCommand.self, GrantCommand.self]),
        ]
    )

    /// Parses the arguments and runs the command they name. Usage errors, help and `--version`
    /// are argument-parser's to report; every refusal, whether a `validate()` or a `run()` threw
    /// it, is one line on standard error (see `Terminal.exit(for:in:)`).
    static func main() async {
        // A reader that has gone (`| head`) is a write error to handle, not a signal that kills.
        signal(SIGPIPE, SIG_IGN)
        let parsed: any ParsableCommand
        do {
            parsed = try await asyncParseAsRoot()
        } catch {
            Terminal.exit(forParsing: error)
        }
        guard var command = parsed as? any AsyncParsableCommand else {
            // argument-parser's own commands (`help`) report themselves.
            var builtIn = parsed
            do { try builtIn.run() } catch { exit(withError: error) }
            return
        }
        do {
            try await command.run()
        } catch {
            Terminal.exit(for: error, in: (command as? any SpeaksLanguage)?.languageOption.language ?? LanguageOption.ofEnvironment)
        }
    }
}
