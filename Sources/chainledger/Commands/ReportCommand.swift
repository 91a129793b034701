import ArgumentParser
import ChainPresentation
import ChainProjections
import ChainServer
import Foundation
import LedgerCore
import Logging
import ServiceLifecycle

/// A chain's dashboard page as a PDF to hand out at a meeting: the page a coordinator sees,
/// printed by headless Chromium with the dashboard's print style sheet (no navigation, the
/// moment in the header, tables that break cleanly).
struct ReportCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a chain's dashboard page to PDF through headless Chromium (Debian's `chromium`).",
        discussion: """
            Serves the ledger on a free local port for as long as the printing takes, signs the browser in with a \
            one-time link for a reader's token that lives only in a temporary folder, and prints the chain's page \
            (in --lang, as of --as-of) to FILE.pdf. Needs Chromium: apt-get install chromium.
            """)

    @OptionGroup var ledgerOptions: LedgerOptions
    @Option(help: ArgumentHelp("The projections file (default: the ledger file followed by .projections).", valueName: "FILE"))
    var projections: String?
    @Option(help: ArgumentHelp("The chain to print.", valueName: "CHAIN")) var chain: String
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("The moment: a position, a date (end of that day, UTC) or an RFC 3339 time (default: now).", valueName: "DATE|POSITION"))
    var asOf: String?
    @OptionGroup var languageOption: LanguageOption
    @Option(help: ArgumentHelp("Where to write the PDF.", valueName: "FILE.pdf")) var out: String
    @Option(help: ArgumentHelp("The Chromium to use (default: chromium, chromium-browser or google-chrome on PATH).", valueName: "PATH"))
    var chromium: String?

    func validate() throws {
        if let asOf, AsOf(argument: asOf) == nil {
            throw ValidationError("--as-of must be a position, a date (YYYY-MM-DD) or an RFC 3339 time, not \"\(asOf)\"")
        }
    }

    func run() async throws {
        let text = languageOption.text
        let language = text.language
        let source = ledgerOptions.source
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let service = try await ServeCommand.service(
            source, store: try await source.openStore(), ledgerKey: nil, projections: projections,
            access: work.appendingPathComponent("report.access").path)
        let models = service.readModels
        _ = try await models.kpiTree(chain: chain, asOf: asOf.flatMap { AsOf(argument: $0) } ?? .now)
        guard let browser = chromium ?? Self.findChromium() else {
            throw CLIError("no Chromium found to print with: install Debian's chromium (apt-get install chromium) or name one with --chromium PATH")
        }
        guard FileManager.default.isExecutableFile(atPath: browser) else {
            throw CLIError(
                "there is no Chromium at \(browser): install Debian's chromium (apt-get install chromium) or name another with --chromium PATH")
        }
        let reader = await service.ledger.registry.coordinators.sorted().first ?? "report"
        let token = try await service.tokens.issue(organisation: reader, person: "report", role: .auditor, validFor: 1)
        let code = try await service.tokens.loginCode(for: token) ?? ""
        let port = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "chainledger-report")
        logger.logLevel = .warning
        let app = buildApplication(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger) {
            port.continuation.yield($0)
        }
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let output = URL(fileURLWithPath: out).standardizedFileURL
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var listening: Int?
            for await value in port.stream {
                listening = value
                break
            }
            defer { Task { await group.triggerGracefulShutdown() } }
            guard let listening else { throw CLIError("the report's server did not start") }
            var page = "/chains/\(chain)?lang=\(language.rawValue)"
            if let asOf { page += "&as_of=" + (asOf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? asOf) }
            let next = page.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? page
            try Self.print(
                "http://127.0.0.1:\(listening)/login?code=\(code)&next=\(next)", to: output, chromium: browser,
                profile: work.appendingPathComponent("profile"))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        Terminal.print(
            text(
                "cli_report_written",
                [
                    "file": output.path, "bytes": "\(size)", "chain": chain, "language": language.rawValue,
                    "moment": asOf.map { text("cli_report_as_of", ["moment": $0]) } ?? "",
                ]))
    }

    /// Prints `url` to `output` with headless Chromium.
    static func print(_ url: String, to output: URL, chromium: String, profile: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(profile.path)",
            "--virtual-time-budget=5000", "--print-to-pdf=\(output.path)", url,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output.path) else {
            let last = String(decoding: said, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " ")
            throw CLIError("Chromium (\(chromium)) could not print the page (exit \(process.terminationStatus)): \(last)")
        }
    }

    static func findChromium() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }
}
