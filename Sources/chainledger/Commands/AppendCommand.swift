import ArgumentParser
import Foundation
import LedgerCore

struct AppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Sign events from a JSON Lines file and append them as one commit.",
        discussion: """
            Each non-empty line is one event: {"stream": S, "type": T, "data": {...}} with optional "schema" \
            (default 1) and "expectedVersion" (default: the stream's current version, counting the file's \
            earlier events). The whole file becomes one commit, accepted or refused as a whole. Prints \
            {"commit","first","last","size","root","duplicate"}.
            """)

    @OptionGroup var target: TargetOptions

    @Argument(help: ArgumentHelp("The events, one JSON object per line; - reads standard input.", valueName: "FILE.jsonl"))
    var file: String

    func run() async throws {
        let input = [UInt8](try InputFile.read(file, standardInput: true))
        let writer = try await CommitWriter(target)
        let events = try await EventFile.parse(input, versions: { try await writer.target.head(of: $0).version })
        guard !events.isEmpty else { throw CLIError("\(file) holds no events") }
        try await writer.submit(events)
    }
}

/// Events written by hand or by a script, one JSON object per line.
enum EventFile {
    static let fields: [String] = ["stream", "type", "data", "schema", "expectedVersion"]

    static func parse(_ bytes: [UInt8], versions: (String) async throws -> UInt64) async throws -> [EventLine] {
        var events: [EventLine] = []
        var next: [String: UInt64] = [:]
        for (number, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let trimmed = Array(line.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }.reversed())
            guard !trimmed.isEmpty else { continue }
            do {
                let fields = try JSONFields(trimmed, allowed: fields)
                let stream = try fields.string("stream")
                let expected: UInt64
                if fields.has("expectedVersion") {
                    expected = try fields.unsigned("expectedVersion")
                } else if let known = next[stream] {
                    expected = known
                } else {
                    expected = try await versions(stream)
                }
                let event = try EventLine(
                    stream: stream, expectedVersion: expected, type: try fields.string("type"),
                    schema: fields.has("schema") ? try fields.unsigned("schema") : 1,
                    data: Array(try fields.objectBytes("data")))
                next[stream] = expected + 1
                events.append(event)
            } catch let error as FormatError {
                throw CLIError("line \(number + 1): \(error)")
            }
        }
        return events
    }
}
