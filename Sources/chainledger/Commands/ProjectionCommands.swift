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

struct RebuildCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild every projection from position 0 and swap it in at once; print the digests.",
        discussion: """
            Readers (a running server included) go on seeing the old projections until the swap. A progress bar is shown on a terminal, plain progress lines otherwise.

            With --check (the nightly job), the live projections are first caught up to the position the rebuild reached and compared with the rebuilt ones, row by row, before the swap. If they differ (a projection bug, or a projections file changed behind the ledger's back), nothing is swapped: the live projections serve on, the rebuilt tables are kept aside in the projections file (as TABLE__rebuild) until the next rebuild, the first differing row is printed, and the exit status is 2.

            Every rebuild records its time, duration and outcome in the projections file; a server on that file shows the latest in /metrics.
            """
    )
    @OptionGroup var projectionOptions: ProjectionOptions
    @Flag(help: "Compare the rebuilt projections with the live ones before the swap; exit 2 if they differ.") var check = false
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "No progress on standard error.") var quiet = false
    @OptionGroup var languageOption: LanguageOption

    func run() async throws {
        let projector = try await projectionOptions.projector(catchUp: false)
        let start = Date()
        let text = languageOption.text
        let progress = ProgressDisplay("progress_rebuild", quiet: quiet, language: text.language)
        defer { progress.finish() }
        do {
            try await projector.rebuild(check: check) { progress.update($0, of: $1) }
            progress.finish()
        } catch let drift as ProjectionDrift {
            progress.finish()
            if json {
                var line = JSONLine()
                line.string("outcome", "drift")
                line.number("position", drift.position)
                line.string("projection", drift.projection)
                line.string("table", drift.table)
                line.number("row", UInt64(drift.row))
                line.optionalString("live", drift.live)
                line.optionalString("rebuilt", drift.rebuilt)
                Terminal.print(line.text)
            }
            FileHandle.standardError.write(Data("rebuild: \(drift)\n".utf8))
            throw IntegrityFailure(description: text["cli_rebuild_drift"])
        }
        let seconds = Date().timeIntervalSince(start)
        let digests = try await projector.digests()
        let done = text(
            check ? "cli_rebuild_done_checked" : "cli_rebuild_done",
            ["size": "\(digests.position)", "seconds": text.number((seconds * 100).rounded() / 100)])
        FileHandle.standardError.write(Data("rebuild: \(done)\n".utf8))
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
