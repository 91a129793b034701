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
