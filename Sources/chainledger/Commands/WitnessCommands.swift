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
        subcommands: [
            WitnessKeygenCommand.self, WitnessServeCommand.self, WitnessRegisterCommand.self, WitnessRetireCommand.self, WitnessPolicyCommand.self,
        ])
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
            witness: witness, settings: try listen.settings, logger: ServeCommand.logger)
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

struct WitnessRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a member's witness in the ledger (coordinators only).",
        discussion: """
            The witness's cosignatures count for the witness policy from this position on. --validating \
            records that the witness is a replica that cosigns only what it pulled and verified under the \
            coalition's rules (its additional statement).
            """)

    @OptionGroup var target: TargetOptions
    @Option(help: ArgumentHelp("The witness's name in the policy (no spaces).", valueName: "NAME")) var witness: String
    @Option(name: .customLong("operator"), help: ArgumentHelp("The member organisation that runs it.", valueName: "ORG")) var operatorOrganisation:
        String
    @Option(help: ArgumentHelp("Its cosigner verifier key (`witness keygen` prints it).", valueName: "VKEY")) var cosigner: String
    @Option(help: ArgumentHelp("Its submission prefix, where POST add-checkpoint is.", valueName: "URL")) var url: String
    @Flag(help: "The witness is a partner's replica that validates every commit before it cosigns.") var validating = false

    func run() async throws {
        let key: CosignerVerifierKey
        do {
            key = try CosignerVerifierKey(parsing: cosigner)
        } catch {
            throw CLIError("--cosigner: \(error)")
        }
        let writer = try await CommitWriter(target)
        let stream = CoreEvent.organisationStream(operatorOrganisation)
        let data = CoreEvent.witnessRegisteredData(
            organisation: operatorOrganisation, witness: witness, key: key, url: url,
            statement: validating ? CoreEvent.validatingWitnessStatement : nil)
        try await writer.submit([try await WitnessCommand.line(stream, CoreEvent.witnessRegistered, data, writer)])
    }
}

struct WitnessRetireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Retire a witness (coordinators only); with --policy, set the policy without it in the same commit.")

    @OptionGroup var target: TargetOptions
    @Option(help: ArgumentHelp("The witness's name.", valueName: "NAME")) var witness: String
    @Option(name: .customLong("operator"), help: ArgumentHelp("The member organisation that runs it.", valueName: "ORG")) var operatorOrganisation:
        String
    @Option(help: ArgumentHelp("Why it is retired.", valueName: "TEXT")) var reason: String
    @Option(help: ArgumentHelp("A new policy's group and quorum lines, or a file holding them.", valueName: "POLICY")) var policy: String?

    func run() async throws {
        let writer = try await CommitWriter(target)
        var lines: [EventLine] = []
        if let policy {
            lines.append(
                try await WitnessCommand.line(
                    CoreEvent.coalitionStream, CoreEvent.witnessPolicySet,
                    CoreEvent.witnessPolicySetData(quorum: try WitnessCommand.policyText(policy), reason: reason), writer))
        }
        lines.append(
            try await WitnessCommand.line(
                CoreEvent.organisationStream(operatorOrganisation), CoreEvent.witnessRetired,
                CoreEvent.witnessRetiredData(organisation: operatorOrganisation, witness: witness, reason: reason), writer))
        try await writer.submit(lines)
    }
}

struct WitnessPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Print the witness policy in force, in C2SP tlog-policy syntax, or set it.",
        subcommands: [Show.self, SetPolicy.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the witness policy in force at the end of the log: the ledger's key, the active witnesses, the quorum.")

        @OptionGroup var ledgerOptions: LedgerOptions

        func run() async throws {
            let registry = await (try await ledgerOptions.openLedger()).registry
            guard let policy = registry.witnessPolicy else {
                throw CLIError("the coalition has set no witness policy yet: a coordinator sets one with `chainledger witness policy set`")
            }
            Terminal.write(policy.text)
        }
    }

    struct SetPolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the witness policy (coordinators only): its group and quorum lines, over the registered witnesses.",
            discussion: """
                For example "2 of the partners, at least one municipality":
                  group partners 2 heuvelstad brug hoeksteen
                  group municipalities any heuvelstad
                  group policy all partners municipalities
                  quorum policy
                """)

        @OptionGroup var target: TargetOptions
        @Option(help: ArgumentHelp("The group and quorum lines, or a file holding them.", valueName: "POLICY")) var policy: String
        @Option(help: ArgumentHelp("Why the policy changes.", valueName: "TEXT")) var reason: String

        func run() async throws {
            let writer = try await CommitWriter(target)
            let data = CoreEvent.witnessPolicySetData(quorum: try WitnessCommand.policyText(policy), reason: reason)
            try await writer.submit([try await WitnessCommand.line(CoreEvent.coalitionStream, CoreEvent.witnessPolicySet, data, writer)])
        }
    }
}

extension WitnessCommand {
    /// An event line that expects the stream's current version.
    static func line(_ stream: String, _ type: String, _ data: [UInt8], _ writer: CommitWriter) async throws -> EventLine {
        try EventLine(stream: stream, expectedVersion: try await writer.target.head(of: stream).version, type: type, data: data)
    }

    /// A policy given inline or as a file; trailing blank lines dropped.
    static func policyText(_ given: String) throws -> String {
        let text = FileManager.default.fileExists(atPath: given) ? (try String(contentsOfFile: given, encoding: .utf8)) : given
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
