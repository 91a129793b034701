import Foundation
import GRDB
import Testing

/// Runs the built `chainledger` executable in a scratch folder, as a user would. The folder is
/// removed when the last reference to the harness goes.
final class CLIHarness: Sendable {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }

        var jsonLines: [[String: Any]] {
            stdout.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }
    }

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("chainledger")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/chainledger")
    }()

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @discardableResult
    func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        // The POSIX locale unless a test asks for another: the text the tests read is English
        // whatever the machine's own locale.
        let locale = ["LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""]
        process.environment = ProcessInfo.processInfo.environment.merging(locale) { $1 }.merging(environment) { $1 }
        process.currentDirectoryURL = folder
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs a command that must succeed.
    @discardableResult
    func ok(_ arguments: [String], input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> Output {
        let output = try run(arguments, input: input)
        #expect(output.status == 0, "\(arguments.first ?? "") failed: \(output.stderr)", sourceLocation: sourceLocation)
        return output
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    /// A founded ledger `ledger.db` with the founder's key `founder.key`, and two commits of
    /// domain events: the mission and a member (positions 3–4), then a change to that member (5).
    static func founded() throws -> CLIHarness {
        let cli = try CLIHarness()
        try cli.ok(["keygen", "--name", "gemeente-heuvelstad", "--out", "founder.key"])
        try cli.ok([
            "init", "--ledger", "ledger.db", "--coalition", "Wonen Eerst Heuvelstad", "--org", "gemeente-heuvelstad",
            "--org-name", "Gemeente Heuvelstad", "--key", "founder.key", "--origin", "ledger.example/heuvelstad",
        ])
        try cli.write(
            "first.jsonl",
            """
            {"stream":"mission","type":"MissionDefined","data":{"mission":"Niemand slaapt op straat in Heuvelstad.","goals":[{"goal":"g1","title":"Minder daklozen"}]}}
            {"stream":"member/gemeente-heuvelstad/dir-social","type":"MemberRegistered","data":{"organisation":"gemeente-heuvelstad","person":"dir-social","name":"Directeur sociaal domein","managementTeam":true}}

            """)
        try cli.ok(["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "first.jsonl"])
        try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: Self.member("dir-social", type: "MemberChanged", name: "Directeur sociaal domein en wonen") + "\n")
        return cli
    }

    /// A member event of the founding municipality, as a JSON line for `append`.
    static func member(_ person: String, type: String = "MemberRegistered", name: String = "Beleidsmedewerker") -> String {
        #"{"stream":"member/gemeente-heuvelstad/\#(person)","type":"\#(type)","data":{"organisation":"gemeente-heuvelstad","person":"\#(person)","name":"\#(name)","managementTeam":false}}"#
    }

    /// The ledger file's bytes after folding its write-ahead log in, to compare states byte for byte.
    func ledgerBytes(_ name: String = "ledger.db") throws -> Data {
        let queue = try DatabaseQueue(path: path(name))
        try queue.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// Opens the ledger file with plain SQLite, as someone with the `sqlite3` shell would.
    func tamper(_ statements: String) throws {
        let queue = try DatabaseQueue(path: path("ledger.db"))
        try queue.writeWithoutTransaction { db in try db.execute(sql: statements) }
        try queue.close()
    }
}
