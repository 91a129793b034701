import ArgumentParser
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

    @Flag(help: "Print JSON instead of a table.")
    var json = false
}
