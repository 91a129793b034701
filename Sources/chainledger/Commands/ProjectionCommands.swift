import ArgumentParser
import ChainProjections
import Foundation
import NIOConcurrencyHelpers

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "The projections' state.",
        subcommands: [Digest.self])

    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the projections up to date and print their position and the content digest of each.")
        @OptionGroup var projectionOptions: ProjectionOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let projector = try await projectionOptions.projector(catchUp: true)
            DigestOutput.print(try await projector.digests(), json: json)
        }
    }
}

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild every projection from position 0 and swap it in at once; print the digests.",
        discussion:
            "Readers (a running server included) go on seeing the old projections until the swap. A progress bar is shown on a terminal, plain progress lines otherwise."
    )
    @OptionGroup var projectionOptions: ProjectionOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let projector = try await projectionOptions.projector(catchUp: false)
        let onTerminal = isatty(STDERR_FILENO) == 1
        let start = Date()
        let lastTenth = NIOLockedValueBox(-1)
        try await projector.rebuild { done, total in
            let fraction = total == 0 ? 1 : Double(done) / Double(total)
            if onTerminal {
                let width = 40
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
            } else {
                let tenth = Int(fraction * 10)
                let previous = lastTenth.withLockedValue { last in
                    let previous = last
                    last = tenth
                    return previous
                }
                if previous != tenth { FileHandle.standardError.write(Data("rebuild: \(done) of \(total) entries\n".utf8)) }
            }
        }
        if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = Date().timeIntervalSince(start)
        let digests = try await projector.digests()
        FileHandle.standardError.write(Data(String(format: "rebuild: %llu entries in %.2f s\n", digests.position, seconds).utf8))
        DigestOutput.print(digests, json: json)
    }
}

enum DigestOutput {
    static func print(_ digests: (position: UInt64, digests: [(projection: String, digest: String)]), json: Bool) {
        if json {
            var line = JSONLine()
            line.number("position", digests.position)
            line.raw("projections", "{" + digests.digests.map { "\"\($0.projection)\":\"\($0.digest)\"" }.joined(separator: ",") + "}")
            Terminal.print(line.text)
        } else {
            var table = TextTable("projection", "position", "sha-256")
            for digest in digests.digests { table.add(digest.projection, "\(digests.position)", digest.digest) }
            Terminal.print(table.text)
        }
    }
}
