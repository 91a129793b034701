import ArgumentParser

@main
struct ChainLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chainledger",
        abstract: "A shared, append-only, verifiable ledger for coalitions that steer together on customer chains.",
        discussion: """
            Every change enters the ledger as a commit signed by one organisation's key. The log is an \
            RFC 9162 Merkle tree; the ledger signs checkpoints in the C2SP tlog-checkpoint format and \
            serves inclusion and consistency proofs. `verify` recomputes everything from the stored bytes.
            """,
        subcommands: [
            KeygenCommand.self, InitCommand.self, AppendCommand.self, LogCommand.self, CommitsCommand.self,
            VerifyCommand.self, CheckpointCommand.self, ProveCommand.self, SampleCommand.self,
            RecordCommand.self, CorrectCommand.self, ImportCommand.self, AssignOwnerCommand.self,
            AgreementCommand.self, DialogueCommand.self,
            StatusCommand.self, ResponsibilitiesCommand.self, AgreementsCommand.self, DecisionsCommand.self, AuditCommand.self,
            HealthCommand.self, ProjectionsCommand.self, RebuildCommand.self, ServeCommand.self, DemoCommand.self, TokenCommand.self, CopyCommand.self, GrantCommand.self,
        ]
    )
}
