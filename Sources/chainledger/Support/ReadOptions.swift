import ArgumentParser
import ChainProjections
import Foundation
import LedgerCore
import LedgerSQLite

/// Options of the commands that read the projections.
struct ReadOptions: ParsableArguments {
    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(help: ArgumentHelp("Only this chain.", valueName: "CHAIN"))
    var chain: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "The moment to answer for: a ledger position (size), a date (end of that day, UTC) or an RFC 3339 time.", valueName: "DATE|POSITION"))
    var asOf: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("The projections file (default: the ledger file followed by .projections).", valueName: "FILE"))
    var projections: String?

    /// The moment asked for, checked before anything is opened.
    func moment() throws -> AsOf {
        guard let asOf else { return .now }
        guard let parsed = AsOf(argument: asOf) else {
            throw CLIError("--as-of \"\(asOf)\" is neither a position, a date (YYYY-MM-DD) nor an RFC 3339 time")
        }
        return parsed
    }

    /// Opens the ledger and its projections and brings them up to date.
    func readModels() async throws -> ReadModels {
        try await Self.projector(ledgerOptions, projections: projections, catchUp: true).readModels
    }

    static func projector(_ ledgerOptions: LedgerOptions, projections: String?, catchUp: Bool) async throws -> Projector {
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
}

/// Fixed-width text tables.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: String...) {
        self.header = header
    }

    mutating func add(_ cells: String...) { rows.append(cells) }

    var text: String {
        let widths = header.indices.map { column in ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }
}

enum Show {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        Terminal.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.1f", value)
    }

    static func moment(_ moment: Moment) -> String {
        "as of position \(moment.size)" + (moment.recordedAt.map { " (recorded \($0))" } ?? "") + ", day \(moment.day)"
    }
}
