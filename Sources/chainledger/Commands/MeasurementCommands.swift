import ArgumentParser
import ChainDomain
import Foundation
import LedgerCore

/// The chain domain's measurement (Foundation has a type of the same name).
typealias Measurement = ChainDomain.Measurement

/// The value a command records or corrects: which KPI, for which period, and the figure.
struct MeasurementOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The KPI id.", valueName: "KPI")) var kpi: String
    @Option(help: ArgumentHelp("The period: 2026, 2026-H1, 2026-Q1, 2026-03, 2026-W05, 2026KW01, 2026MM03.", valueName: "PERIOD"))
    var period: Period
    @Option(help: ArgumentHelp("The value (a decimal comma is accepted).", valueName: "V")) var value: DecimalNumber
    @Option(help: ArgumentHelp("Observation status: A normal, P provisional, E estimated.", valueName: "S")) var status = ObservationStatus.normal

    /// The measurement, as reported by `organisation`.
    func measurement(by organisation: String, source: String, note: String? = nil, supersedes: UInt64? = nil, reason: String? = nil) -> Measurement {
        Measurement(
            kpi: kpi, period: period, organisation: organisation, value: value.value, status: status, source: source,
            note: note, supersedes: supersedes, reason: reason)
    }

    /// The position of the latest value `organisation` reported for this KPI and period, if any.
    func latest(by organisation: String, in writer: CommitWriter) async throws -> UInt64? {
        try await writer.head(of: ChainStreams.measurement(kpi: kpi, period: period, organisation: organisation))
    }
}

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a measurement: a value of a KPI for a period, reported by your organisation.",
        discussion: "A second value for the same KPI, period and organisation is a correction: use `chainledger correct`.")

    @OptionGroup var target: TargetOptions
    @OptionGroup var measurement: MeasurementOptions
    @Option(help: ArgumentHelp("Where the figure comes from.", valueName: "SOURCE")) var source = "chainledger record"
    @Option(help: ArgumentHelp("A short note (at most 280 characters; no personal data).", valueName: "T")) var note: String?

    func run() async throws {
        let writer = try await CommitWriter(target)
        if let existing = try await measurement.latest(by: target.org, in: writer) {
            throw CLIError(
                "\(measurement.kpi) for \(measurement.period) by \(target.org) is already recorded (position \(existing)); "
                    + "use `chainledger correct` with a reason")
        }
        try await writer.commit([.measurementRecorded(measurement.measurement(by: target.org, source: source, note: note))])
    }
}

struct CorrectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: "Correct a measurement: a new value that supersedes the latest one, with the reason.",
        discussion:
            "The earlier value stays in the ledger; the correction names its position. Finalising a provisional value is a correction with status A.")

    @OptionGroup var target: TargetOptions
    @OptionGroup var measurement: MeasurementOptions
    @Option(help: ArgumentHelp("Why the value changes.", valueName: "TEXT")) var reason: String
    @Option(help: ArgumentHelp("Where the corrected figure comes from.", valueName: "SOURCE")) var source = "chainledger correct"

    func run() async throws {
        let writer = try await CommitWriter(target)
        guard let latest = try await measurement.latest(by: target.org, in: writer) else {
            throw CLIError("there is no value of \(measurement.kpi) for \(measurement.period) by \(target.org) to correct; use `chainledger record`")
        }
        try await writer.commit([.measurementCorrected(measurement.measurement(by: target.org, source: source, supersedes: latest, reason: reason))])
    }
}

struct ImportCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import measurements from a CSV file as one commit (all or nothing).",
        discussion: """
            Columns: kpi,period,value[,note] (a header line with these names is optional). Commas or \
            semicolons separate fields; with semicolons a decimal comma is read as a decimal point; fields \
            may be quoted. Every problem is reported with its line number and nothing is written unless \
            every line is right.
            """)

    @OptionGroup var target: TargetOptions

    @Option(help: ArgumentHelp("Observation status for every value.", valueName: "S")) var status = ObservationStatus.normal
    @Option(help: ArgumentHelp("Where the figures come from (default: the file's name).", valueName: "SOURCE")) var source: String?

    @Argument(help: ArgumentHelp("The CSV file.", valueName: "FILE.csv")) var file: String
    @Flag(help: "No progress on standard error.") var quiet = false
    @OptionGroup var languageOption: LanguageOption

    func run() async throws {
        let data = try InputFile.read(file)
        let writer = try await CommitWriter(target)
        let rows = try MeasurementImport.rows(from: data)
        let progress = ProgressDisplay("progress_import", quiet: quiet, language: languageOption.language)
        defer { progress.finish() }
        let state = await writer.state
        let source = source ?? URL(fileURLWithPath: file).lastPathComponent
        var problems: [Phrase] = []
        var events: [ChainEvent] = []
        var seen: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            defer { progress.update(UInt64(index + 1), of: UInt64(rows.count)) }
            do {
                let measurement = try MeasurementImport.measurement(row, organisation: target.org, status: status, source: source, state: state)
                let stream = ChainStreams.measurement(kpi: measurement.kpi, period: measurement.period, organisation: target.org)
                if let earlier = seen[stream] {
                    throw CLIError("\(measurement.kpi) for \(measurement.period) also appears on line \(earlier)")
                }
                seen[stream] = row.line
                if let existing = try await writer.head(of: stream) {
                    throw CLIError(
                        "\(measurement.kpi) for \(measurement.period) is already recorded (position \(existing)); use `chainledger correct`")
                }
                events.append(.measurementRecorded(measurement))
            } catch {
                problems.append(Phrase("line \(row.line): \(error)"))
            }
        }
        guard problems.isEmpty else {
            let shown = Phrase.joined(problems.prefix(10), separator: "; ")
            if problems.count > 10 { throw CLIError("\(file) was not imported: \(shown); and \(problems.count - 10) more") }
            throw CLIError("\(file) was not imported: \(shown)")
        }
        guard !events.isEmpty else { throw CLIError("\(file) holds no measurements") }
        do {
            try await writer.commit(events)
        } catch let error as LedgerError {
            throw CLIError("\(file) was not imported: \(MeasurementImport.locate(error, rows: rows))")
        } catch let error as RemoteLedger.RemoteError {
            throw CLIError("\(file) was not imported: \(MeasurementImport.locate(error.message, error.reason, rows: rows))")
        }
    }
}

/// Measurement CSV files (`MeasurementCSV`) as the `import` command reads them.
enum MeasurementImport {
    typealias Row = MeasurementCSV.Row

    static func rows(from data: Data) throws -> [Row] {
        do {
            return try MeasurementCSV.rows(from: data)
        } catch {
            throw CLIError(Phrase(describing: error))
        }
    }

    static func measurement(_ row: Row, organisation: String, status: ObservationStatus, source: String, state: ChainState?) throws -> Measurement {
        do {
            return try MeasurementCSV.measurement(row, organisation: organisation, status: status, source: source, state: state)
        } catch {
            throw CLIError(Phrase(describing: error))
        }
    }

    /// A server's refusal ("event N of the commit …"), told as the CSV line it came from.
    static func locate(_ message: String, _ reason: Phrase, rows: [Row]) -> Phrase {
        guard message.hasPrefix("event "), let number = Int(message.dropFirst(6).prefix { $0.isNumber }), rows.indices.contains(number - 1) else {
            return reason
        }
        return "line \(rows[number - 1].line): \(reason)"
    }

    /// A ledger refusal of event N, told as the CSV line it came from.
    static func locate(_ error: LedgerError, rows: [Row]) -> Phrase {
        switch error {
        case .ruleViolation(let index, _, _), .unauthorised(let index, _, _, _), .invalidEvent(let index, _):
            if rows.indices.contains(index) { return "line \(rows[index].line): \(error)" }
        default: break
        }
        return error.phrase
    }
}
