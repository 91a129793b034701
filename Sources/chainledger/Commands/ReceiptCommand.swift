import ArgumentParser
import Foundation
import LedgerClient
import LedgerCore

struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Keep a receipt for a commit (C2SP tlog-proofs against a witnessed checkpoint), or check one offline.",
        subcommands: [Get.self, Verify.self], defaultSubcommand: Get.self)

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Write the receipt for a commit: a .tlog-proof file for its first and last entries (or each entry).",
            discussion: """
                Each file proves one entry: its bytes (the extra line), its inclusion proof and the latest \
                witnessed checkpoint, signed by the ledger and cosigned by the witnesses the policy needs. \
                From a server (--server URL --token T) or from a ledger file whose server kept its witnessed \
                checkpoint beside it (DB.witnessed).
                """)

        @OptionGroup var location: LedgerLocationOptions
        @Option(help: ArgumentHelp("The coalition's server, instead of a ledger file.", valueName: "URL")) var server: String?
        @Option(help: ArgumentHelp("A reader's token for --server (default: CHAINLEDGER_TOKEN).", valueName: "TOKEN")) var token: String?
        @Option(help: ArgumentHelp("The commit id.", valueName: "ID")) var commit: String
        @Flag(help: "A proof for every entry of the commit, not only its first and last.") var everyEntry = false
        @Option(help: ArgumentHelp("Where to write the files (default: the current folder).", valueName: "FOLDER")) var out = "."

        func validate() throws {
            guard CommitID(hex: commit) != nil else { throw ValidationError("--commit takes a commit id: 64 lower-case hexadecimal digits") }
        }

        func run() async throws {
            let id = CommitID(hex: commit)!
            let proofs: [String]
            if let server {
                let api = LedgerAPI(base: server, token: token ?? ProcessInfo.processInfo.environment["CHAINLEDGER_TOKEN"])
                do {
                    proofs = try await api.receipt(commit: id, everyEntry: everyEntry)
                } catch let error as LedgerClientError {
                    throw CLIError("\(error)")
                }
            } else {
                let source = location.source
                let witnessed = try FileManager.default.contents(atPath: source.sidecar() + ".witnessed").map { String(decoding: $0, as: UTF8.self) }
                do {
                    proofs = try await ReceiptBuilder(store: try await source.openStore()).receipt(
                        for: id, witnessed: witnessed, everyEntry: everyEntry
                    )
                    .map(\.text)
                } catch let refusal as ReceiptBuilder.Refusal {
                    throw CLIError("\(refusal)")
                }
            }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for text in proofs {
                let proof = try TlogProof(parsing: text)
                let path = URL(fileURLWithPath: out).appendingPathComponent("\(id.hex)-\(proof.index).tlog-proof").path
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                Terminal.print(path)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check receipts offline, with nothing but the witness policy (`chainledger witness policy` prints it).",
            discussion: "Exit status 0: every file proves its entry under the policy; 1: one does not (it says why).")

        @Argument(help: "The .tlog-proof files.") var files: [String]
        @Option(help: ArgumentHelp("The policy file (C2SP tlog-policy): the ledger's key, the witnesses, the quorum.", valueName: "POLICY"))
        var policy: String

        func run() async throws {
            guard let text = try? String(contentsOfFile: policy, encoding: .utf8) else { throw CLIError("cannot read the policy \(policy)") }
            let parsed: WitnessPolicy
            do {
                parsed = try WitnessPolicy(parsing: text)
            } catch {
                throw CLIError("\(policy): \(error)")
            }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
                do {
                    let proof = try TlogProof(parsing: String(decoding: data, as: UTF8.self))
                    let checkpoint = try proof.verify(policy: parsed)
                    let cosigners = parsed.cosigners(of: try SignedNote(parsing: proof.checkpoint)).sorted().joined(separator: ", ")
                    var what = ""
                    if let extra = proof.extra, let entry = try? LogEntry(parsing: [UInt8](extra)) {
                        what = " (\(entry.event.type) in \(entry.event.stream)@\(entry.version), commit \(entry.commit.hex))"
                    }
                    Terminal.print(
                        "\(file): entry \(proof.index)\(what) is in \(checkpoint.origin) at size \(checkpoint.size), cosigned by \(cosigners)")
                } catch {
                    throw CLIError("\(file) does not hold up: \(error)")
                }
            }
        }
    }
}
