import ArgumentParser
import Foundation
import LedgerCore

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the log's events in position order.",
        discussion: """
            With --json, one object per line: position, stream, version, type, data (as signed), commit, \
            recordedAt and leaf (base64 of the exact stored bytes that the Merkle tree hashes).
            """)

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(help: ArgumentHelp("First position to print.", valueName: "P"))
    var from: UInt64 = 0

    @Option(help: ArgumentHelp("Last position to print.", valueName: "P"))
    var to: UInt64?

    @Option(help: ArgumentHelp("Print only this stream.", valueName: "S"))
    var stream: String?

    @Flag(help: "One JSON object per line.")
    var json = false

    func validate() throws {
        if let to, from > to { throw CLIError("--from \(from) lies after --to \(to)") }
    }

    func run() async throws {
        let store: any LedgerStore = try await ledgerOptions.openStore()
        let last = to ?? UInt64.max
        if !json { Terminal.print("position  recorded at               stream@version  type") }
        var cursor = stream == nil ? from : 1
        while true {
            let page =
                if let stream {
                    try await store.entries(stream: stream, fromVersion: cursor, limit: 1000)
                } else {
                    try await store.entries(from: cursor, limit: 1000)
                }
            for stored in page where stored.position >= from {
                guard stored.position <= last else { return }
                Terminal.print(json ? try Self.json(stored) : Self.row(stored))
            }
            guard let final = page.last, page.count == 1000 else { return }
            cursor = (stream == nil ? final.position : final.version) + 1
        }
    }

    static func json(_ stored: StoredEntry) throws -> String {
        let entry = try stored.entry()
        var line = JSONLine()
        line.number("position", stored.position)
        line.string("stream", stored.stream)
        line.number("version", stored.version)
        line.string("type", stored.type)
        line.number("schema", entry.event.schema)
        line.raw("data", String(decoding: entry.event.data, as: UTF8.self))
        line.string("commit", stored.commit.hex)
        line.string("recordedAt", "\(stored.recordedAt)")
        line.string("leaf", Data(stored.bytes).base64EncodedString())
        return line.text
    }

    static func row(_ stored: StoredEntry) -> String {
        let position = String(stored.position).padding(toLength: 8, withPad: " ", startingAt: 0)
        return "\(position)  \(stored.recordedAt)  \(stored.stream)@\(stored.version)  \(stored.type)"
    }
}
