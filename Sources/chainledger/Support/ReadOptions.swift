import ArgumentParser
import ChainPresentation
import ChainProjections
import LedgerCore

/// The ledger and its projections file, shared by the commands that read or rebuild projections.
struct ProjectionOptions: ParsableArguments {
    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(help: ArgumentHelp("The projections file (default: the ledger file followed by .projections).", valueName: "FILE"))
    var projections: String?

    /// Opens the ledger and its projections; brings them up to date when `catchUp` is set.
    func projector(catchUp: Bool) async throws -> Projector {
        let store = try await ledgerOptions.openStore()
        let projector: Projector
        do {
            projector = try Projector(path: projections ?? ledgerOptions.sidecar() + ".projections", store: store)
        } catch {
            throw CLIError("cannot open the projections file: \(error)")
        }
        if catchUp { try await projector.catchUp() }
        return projector
    }

    /// The read models, up to date with the ledger.
    func readModels() async throws -> ReadModels {
        try await projector(catchUp: true).readModels
    }
}

/// Options of the commands that answer from the read models: which chain, at which moment, and
/// in which form.
struct ReadOptions: ParsableArguments {
    @OptionGroup var projectionOptions: ProjectionOptions

    @Option(help: ArgumentHelp("Only this chain.", valueName: "CHAIN"))
    var chain: String?

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "The moment to answer for: a ledger position (size), a date (end of that day, UTC) or an RFC 3339 time.",
            valueName: "DATE|POSITION"))
    var asOf: AsOf = .now

    @Option(
        help: ArgumentHelp(
            "text (a table to read), json, csv (RFC 4180) or csv-nl (for spreadsheets set to Dutch: `;`, decimal comma, UTF-8 with BOM).",
            valueName: "FORMAT"))
    var format: ReportFormat = .text

    @Option(help: ArgumentHelp("With --format csv or csv-nl: which of the command's tables (default: its first).", valueName: "TABLE"))
    var table: String?

    @Flag(help: "Print JSON instead of a table (the same as --format json).")
    var json = false

    @OptionGroup var languageOption: LanguageOption

    func validate() throws {
        if table != nil, format.dialect == nil {
            throw ValidationError("--table chooses a table to export: use it with --format csv or --format csv-nl")
        }
    }
}

/// How a read command prints its answer.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
    case csvNL = "csv-nl"

    /// The CSV dialect, for the CSV formats.
    var dialect: CSVDialect? {
        switch self {
        case .csv: .rfc4180
        case .csvNL: .dutchSpreadsheet
        case .text, .json: nil
        }
    }
}

/// Prints one of a command's tables as CSV.
enum TableExport {
    static func write(_ tables: [ReportTable], named name: String?, _ dialect: CSVDialect) throws {
        guard let table = name.map({ name in tables.first { $0.name == name } }) ?? tables.first else {
            throw CLIError("there is no table \(name ?? ""); this command has \(tables.map(\.name).joined(separator: ", "))")
        }
        Terminal.write(table.csv(dialect))
    }
}
