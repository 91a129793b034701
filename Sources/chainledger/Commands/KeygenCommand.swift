import ArgumentParser
import Foundation
import LedgerCore

struct KeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 signing key for an organisation.",
        discussion: """
            Writes the private key to KEYFILE (readable by you only; never overwritten) in the signed-note \
            format PRIVATE+KEY+name+hash+base64, and prints the public parts as JSON: publicKey (base64 of \
            the raw 32-byte key), keyId (what commits name) and verifierKey (name+hash+base64).
            """)

    @Option(help: ArgumentHelp("The key's name (no spaces or '+'), e.g. the organisation id.", valueName: "NAME"))
    var name: String

    @Option(help: ArgumentHelp("Where to write the private key.", valueName: "KEYFILE"))
    var out: String

    func run() async throws {
        let key: SigningKey
        do {
            key = try SigningKey.generate(name: name)
        } catch {
            throw CLIError("\(error)")
        }
        try KeyFile.write(key, to: out)
        var line = JSONLine()
        line.string("name", key.name)
        line.string("keyId", KeyID.of(key.verifier.publicKey))
        line.string("publicKey", key.verifier.publicKey.base64EncodedString())
        line.string("verifierKey", key.verifier.description)
        Terminal.print(line.text)
    }
}
