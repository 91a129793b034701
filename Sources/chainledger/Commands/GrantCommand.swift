import ArgumentParser
import LedgerCore
import LedgerPostgres

struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Give a PostgreSQL role the rights a server needs on the log: SELECT and INSERT, nothing else.",
        discussion: """
            Run as the owner of the log's tables. The role must exist (CREATE ROLE … LOGIN). A server \
            connected as that role reads and appends; it can neither change nor delete a row, nor switch \
            off the triggers that refuse it. Prints the statements it ran.
            """)

    @Option(
        help: ArgumentHelp(
            "The ledger in PostgreSQL: postgres://USER@HOST:PORT/DATABASE (or CHAINLEDGER_POSTGRES).", valueName: "URL"))
    var postgres: PostgresURL?
    @Option(help: "The role to grant the rights to (a plain name: lower-case letters, digits and _).") var role: String

    func validate() throws {
        _ = try statements()
        _ = try location()
    }

    func run() async throws {
        let statements = try statements()
        do {
            let store = try await PostgresLedgerStore(try location())
            defer { store.close() }
            try await store.grantAppendOnly(to: role)
        } catch {
            throw CLIError("\(error)")
        }
        for statement in statements { Terminal.print(statement + ";") }
    }

    /// What granting the rights to `role` runs; refuses a role that is not a plain name.
    private func statements() throws -> [String] {
        do {
            return try PostgresLedgerStore.appendOnlyGrants(to: role)
        } catch {
            throw CLIError("\(error)")
        }
    }

    private func location() throws -> PostgresLocation {
        guard case .postgres(let location) = try LedgerSource(ledger: nil, postgres: postgres?.text).location() else {
            throw CLIError("grant needs a ledger in PostgreSQL: give --postgres URL or set CHAINLEDGER_POSTGRES")
        }
        return location
    }
}
