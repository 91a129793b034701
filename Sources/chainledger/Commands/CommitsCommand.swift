import ArgumentParser
import Foundation
import LedgerCore

struct CommitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commits",
        abstract: "Print every commit with what an auditor needs to re-check its signature.",
        discussion: """
            With --json, one object per line: id (SHA-256 of the signed bytes), org, keyId, publicKey \
            (base64 of the raw 32-byte Ed25519 key), signed (base64 of the exact signed bytes), signature \
            (base64), first and last (positions). Any Ed25519 tool can check signature over signed with \
            publicKey, and sha256sum of signed gives id.
            """)

    @OptionGroup var ledgerOptions: LedgerOptions

    @Flag(help: "One JSON object per line.")
    var json = false

    func run() async throws {
        let ledger = try await ledgerOptions.openLedger()
        let keys = await ledger.registry.keys
        if !json { Terminal.print("first…last      organisation              key               commit") }
        var position: UInt64 = 0
        while true {
            let page = try await ledger.store.commits(from: position, limit: 1000)
            for commit in page {
                if json {
                    var line = JSONLine()
                    line.string("id", commit.id.hex)
                    line.string("org", commit.organisation)
                    line.string("keyId", commit.keyID)
                    line.string("publicKey", keys[commit.keyID]?.publicKey.base64EncodedString() ?? "")
                    line.string("signed", Data(commit.bytes).base64EncodedString())
                    line.string("signature", Data(commit.signature).base64EncodedString())
                    line.number("first", commit.first)
                    line.number("last", commit.last)
                    line.string("recordedAt", "\(commit.recordedAt)")
                    Terminal.print(line.text)
                } else {
                    let range = "\(commit.first)…\(commit.last)".padding(toLength: 14, withPad: " ", startingAt: 0)
                    let organisation = commit.organisation.padding(toLength: 24, withPad: " ", startingAt: 0)
                    Terminal.print("\(range)  \(organisation)  \(commit.keyID)  \(commit.id.hex)")
                }
            }
            guard let last = page.last, page.count == 1000 else { break }
            position = last.first + 1
        }
    }
}
