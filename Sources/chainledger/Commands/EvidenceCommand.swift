import ArgumentParser
import Foundation
import LedgerCore

struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Check evidence of a server's misbehaviour offline.",
        subcommands: [EvidenceVerifyCommand.self])
}

struct EvidenceVerifyCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an evidence file with nothing but the ledger's verifier key, and say what it proves.",
        discussion: """
            A replica (`chainledger pull`) and `verify --against` write such a file when a server shows a \
            history that is not an extension of the one held: both signed checkpoints, and the proof or the \
            entries that contradict them. This checks every signature, proof and entry in it. Exit status 0: \
            the evidence holds up (it says whether it proves misbehaviour by itself); 1: it does not hold up, \
            because it was altered or never showed what it claims.
            """)

    @Argument(help: "The evidence file.")
    var file: String

    @Option(name: .customLong("verifier-key"), help: ArgumentHelp("The ledger's checkpoint verifier key, or a file holding it.", valueName: "VKEY"))
    var verifierKey: VerifierKey

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var languageOption: LanguageOption

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        let evidence: MisbehaviourEvidence
        do {
            evidence = try MisbehaviourEvidence(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw CLIError("\(file) is not an evidence file: \(error)")
        }
        let finding: EvidenceFinding
        do {
            finding = try evidence.verify(with: verifierKey)
        } catch {
            throw CLIError("the evidence in \(file) does not hold up: \(error)")
        }
        if json {
            var line = JSONLine()
            line.string("kind", evidence.kind.rawValue)
            line.bool("proves", finding.proves)
            line.string("statement", finding.statement)
            Terminal.print(line.text)
        } else {
            let text = languageOption.text
            Terminal.print(
                text(finding.proves ? "cli_evidence_proves" : "cli_evidence_does_not_prove", ["kind": evidence.kind.rawValue]) + finding.statement)
        }
    }
}
