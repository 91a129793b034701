import ArgumentParser
import ChainServer
import Foundation
import Hummingbird
import LedgerCore
import LedgerWitness

struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Run a transparency-log witness (C2SP tlog-witness) that cosigns a ledger's checkpoints.",
        subcommands: [WitnessKeygenCommand.self, WitnessServeCommand.self])
}

struct WitnessKeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create a witness's Ed25519 cosigner key (cosignature/v1).",
        discussion: """
            Writes the private key to KEYFILE (readable by you only; never overwritten) as \
            PRIVATE+KEY+name+hash+base64(0x04 ‖ seed), and prints the cosigner's verifier key \
            (name+hash+base64(0x04 ‖ public key)), which the coalition registers for the witness.
            """)

    @Option(help: ArgumentHelp("The witness's name, a schema-less URL such as witness.example/w1.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("Where to write the private key.", valueName: "KEYFILE"))
    var out: String

    func run() async throws {
        let key: CosignerKey
        do {
            key = try CosignerKey.generate(name: name)
        } catch {
            throw CLIError("\(error)")
        }
        try KeyFile.write(text: key.fileText, to: out)
        Terminal.print(key.verifier.description)
    }
}

struct WitnessServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the witness: POST /add-checkpoint, and GET /<origin hash>/checkpoint for monitors.",
        discussion: """
            The witness cosigns a checkpoint of a log it witnesses when the log's key signed it and it \
            is consistent with the latest checkpoint the witness cosigned for that log, which it keeps \
            in STATE; it answers as the C2SP tlog-witness specification says (400, 403, 404, 409, 422). \
            A signed checkpoint that contradicts what it cosigned is refused and kept as evidence \
            beside STATE (check it with `chainledger evidence verify`).
            """)

    @Option(name: .customLong("key"), help: ArgumentHelp("The witness's cosigner key (`witness keygen`).", valueName: "KEYFILE"))
    var keyFile: String

    @Option(
        name: .customLong("log"),
        help: ArgumentHelp(
            "A ledger to witness: its checkpoints' origin line, a space, and its checkpoint verifier key "
                + "(repeatable; `checkpoint` and `checkpoint --verifier-key` print them).", valueName: "\"ORIGIN VKEY\""))
    var logs: [WitnessedLog]

    @Option(help: ArgumentHelp("The witness's record of what it cosigned (SQLite; created when missing).", valueName: "STATE"))
    var state: String

    @OptionGroup var listen: ListenOptions

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("name at least one ledger to witness with --log VKEY") }
    }

    func run() async throws {
        let key = try KeyFile.readCosigner(keyFile)
        let witness = Witness(key: key, logs: logs.map { ($0.origin, $0.key) }, state: try WitnessState(path: state), evidenceBeside: state)
        let app = buildWitnessApplication(
            witness: witness, settings: ServerSettings(host: listen.host, port: listen.port), logger: ServeCommand.logger)
        Terminal.printError("witness \(key.verifier) for \(logs.map(\.origin).joined(separator: ", "))")
        try await app.runService()
    }
}

/// `--log "ORIGIN VKEY"`: a log a witness witnesses.
struct WitnessedLog: ExpressibleByArgument {
    let origin: String
    let key: VerifierKey

    init?(argument: String) {
        guard let space = argument.lastIndex(of: " "), space != argument.startIndex,
            let key = try? VerifierKey(parsing: String(argument[argument.index(after: space)...]))
        else { return nil }
        origin = String(argument[..<space])
        self.key = key
    }
}
