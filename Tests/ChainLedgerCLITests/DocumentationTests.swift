import Foundation
import GRDB
import Testing

/// The README's runnable examples and `tools/quickstart`, run as a new user would: a README that
/// drifts from the tool fails here.
@Suite(.serialized)
struct DocumentationTests {
    /// A fenced block of the README marked `<!-- runnable -->` on the line above it.
    struct Block: CustomStringConvertible {
        let language: String
        let line: Int
        let text: String
        var description: String { "README.md line \(line) (\(language))" }
    }

    static func runnableBlocks() throws -> [Block] {
        let readme = try String(contentsOf: CLIHarness.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index] == "<!-- runnable -->", index + 1 < lines.count, lines[index + 1].hasPrefix("```") else { continue }
            let language = String(lines[index + 1].dropFirst(3))
            let start = index + 2
            guard let end = lines[start...].firstIndex(of: "```") else {
                throw DocumentationError(description: "the runnable block at README.md line \(index + 2) is not closed")
            }
            blocks.append(Block(language: language, line: index + 2, text: lines[start..<end].joined(separator: "\n") + "\n"))
            index = end
        }
        return blocks
    }

    struct DocumentationError: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs every runnable block in order, in one new folder, as a reader following the README
    /// would: `sh` blocks in bash with `chainledger` on the path and `Fixtures/` at hand, `sql`
    /// blocks against the projections file the blocks before them wrote.
    @Test func theReadmesRunnableExamplesRun() throws {
        let blocks = try Self.runnableBlocks()
        #expect(blocks.filter { $0.language == "sh" }.count >= 5, "the README marks its examples as runnable: \(blocks)")
        #expect(blocks.contains { $0.language == "sql" })
        let cli = try CLIHarness()
        let bin = cli.folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("chainledger"), withDestinationURL: CLIHarness.executable)
        try FileManager.default.createSymbolicLink(
            at: cli.folder.appendingPathComponent("Fixtures"), withDestinationURL: CLIHarness.repositoryRoot.appendingPathComponent("Fixtures"))
        for block in blocks {
            switch block.language {
            case "sh":
                let output = try Self.shell(block.text, in: cli.folder, path: bin)
                #expect(output.status == 0, "\(block) failed with status \(output.status): \(output.stderr.suffix(2000))")
            case "sql":
                let database = try DatabaseQueue(path: cli.path("hf.ledger.projections"))
                for statement in block.text.components(separatedBy: ";") {
                    let sql = statement.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
                    guard !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                    let rows = try database.read { db in try Row.fetchAll(db, sql: sql) }
                    #expect(!rows.isEmpty, "\(block): the query answers something: \(sql)")
                }
            default:
                Issue.record("\(block): no way to run a \(block.language) block")
            }
        }
    }

    /// `tools/quickstart` with the chainledger this test run built.
    @Test func theQuickstartRuns() throws {
        let cli = try CLIHarness()
        let script = CLIHarness.repositoryRoot.appendingPathComponent("tools/quickstart").path
        let output = try Self.shell(
            "\"\(script)\" \"\(cli.folder.path)/quickstart\"", in: cli.folder, path: nil,
            environment: ["CHAINLEDGER": CLIHarness.executable.path])
        #expect(output.status == 0, "tools/quickstart failed: \(output.stderr.suffix(2000))")
        #expect(output.stdout.contains("ok: 5 entries in 2 commits"), "\(output.stdout)")
        #expect(output.stdout.contains("— ledger.example/heuvelstad "), "it prints a signed checkpoint: \(output.stdout)")
        #expect(output.stdout.contains("\"index\":3,\"size\":5"), "it prints an inclusion proof: \(output.stdout)")
    }

    static func shell(_ script: String, in folder: URL, path: URL?, environment extra: [String: String] = [:]) throws -> CLIHarness.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-euo", "pipefail", "-c", script]
        process.currentDirectoryURL = folder
        // The README's examples show what the POSIX locale prints (English).
        var environment = ProcessInfo.processInfo.environment.merging(["LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""]) { $1 }
        if let path { environment["PATH"] = path.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin") }
        environment.merge(extra) { $1 }
        process.environment = environment
        // Output goes to files, so that a chatty script never blocks on a full pipe.
        let outFile = folder.appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errFile = folder.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return CLIHarness.Output(
            status: process.terminationStatus, stdout: try String(contentsOf: outFile, encoding: .utf8),
            stderr: try String(contentsOf: errFile, encoding: .utf8))
    }
}
