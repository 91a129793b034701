import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore
import LedgerSQLite

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Found a coalition: create a ledger with its genesis commit.",
        discussion: """
            The genesis commit, signed with the founding organisation's key, founds the coalition, admits \
            the organisation as its first coordinator and registers its key. A new checkpoint key for the \
            ledger is written beside the ledger file (DB.ledger-key, or --ledger-key); its verifier key is \
            recorded in the genesis commit so that partners can check every checkpoint.
            """)

    @OptionGroup var newLedger: NewLedgerOptions

    @Option(help: ArgumentHelp("The coalition's name.", valueName: "NAME"))
    var coalition: String

    @Option(help: ArgumentHelp("The founding organisation's id (lowercase letters, digits, hyphens).", valueName: "ORG"))
    var org: String

    @Option(name: .customLong("org-name"), help: ArgumentHelp("The founding organisation's full name (default: its id).", valueName: "NAME"))
    var orgName: String?

    @Option(help: ArgumentHelp("The founding organisation's private key file.", valueName: "KEYFILE"))
    var key: String

    @Option(
        help: ArgumentHelp(
            "The ledger's checkpoint origin, a unique name such as example.org/coalition (default: chainledger/<coalition>).", valueName: "ORIGIN"))
    var origin: String?

    static func isOrganisationID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.first != "-"
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    var defaultOrigin: String {
        let slug = coalition.lowercased().unicodeScalars.map { scalar -> String in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? String(scalar) : "-"
        }.joined().split(separator: "-").joined(separator: "-")
        return "chainledger/" + (slug.isEmpty ? "coalition" : slug)
    }

    func validate() throws {
        guard Self.isOrganisationID(org) else {
            throw CLIError("--org \"\(org)\" is not an organisation id: use lowercase letters, digits and hyphens")
        }
    }

    func run() async throws {
        let files = try newLedger.files(for: "init", purpose: "founds a new ledger")
        let founderKey = try KeyFile.readPrivate(key)
        let origin = origin ?? defaultOrigin
        let checkpointKey: SigningKey
        let genesis: SignedCommit
        do {
            checkpointKey = try SigningKey.generate(name: origin)
            genesis = try CoreCommits.genesis(
                coalition: coalition, origin: origin, organisation: org, organisationName: orgName ?? org,
                key: founderKey, checkpointKey: checkpointKey.verifier)
            _ = try CommitDocument(parsing: genesis.bytes)
        } catch {
            throw CLIError("\(error)")
        }
        try await files.removing(onFailureOf: {
            try KeyFile.write(checkpointKey, to: files.checkpointKey)
            let store = try SQLiteLedgerStore(path: files.ledger)
            let ledger = try await Ledger(store: store, domain: CLIDomain(), checkpointKey: checkpointKey)
            let receipt = try await ledger.append(genesis)
            var line = JSONLine()
            line.string("ledger", receipt.commit.hex)
            line.string("origin", origin)
            line.string("verifierKey", checkpointKey.verifier.description)
            line.string("ledgerKeyFile", files.checkpointKey)
            line.number("size", receipt.size)
            line.string("root", receipt.root.base64)
            Terminal.print(line.text)
        })
    }
}
