import Foundation
import Testing

/// How the command line reads its arguments: values that are not what an option takes are usage
/// errors that argument-parser reports; checks that need no ledger refuse before anything is
/// opened, as one line with status 1; and the root command names its version and its groups.
@Suite(.serialized)
struct CLIArgumentTests {
    static let shelter = DomainCommandTests.shelter

    /// What a command reports about its arguments.
    enum Report: Sendable {
        /// A usage error: argument-parser's message (it names the option and the value) and the
        /// usage; status 64.
        case usageError(String)
        /// A refusal from a `validate()`: one line, status 1, before any file is read.
        case refusal(String)
    }

    static let cases: [(arguments: [String], report: Report)] = [
        (
            ["record"] + shelter + ["--kpi", "intake-14d", "--period", "2024-13", "--value", "90"],
            .usageError("The value '2024-13' is invalid for '--period <PERIOD>'")
        ),
        (
            ["record"] + shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "9O"],
            .usageError("The value '9O' is invalid for '--value <V>'")
        ),
        (
            ["record"] + shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "90", "--status", "X"],
            .usageError("The value 'X' is invalid for '--status <S>'. Please provide one of 'A', 'P' or 'E'.")
        ),
        (["import"] + shelter + ["--status", "final", "x.csv"], .usageError("The value 'final' is invalid for '--status <S>'")),
        (
            ["dialogue", "complete"] + shelter + ["--dialogue", "d", "--action", "a", "--on", "2024-02-30"],
            .usageError("The value '2024-02-30' is invalid for '--on <YYYY-MM-DD>'")
        ),
        (
            ["status", "--ledger", "hf.db", "--as-of", "yesterday"],
            .usageError("The value 'yesterday' is invalid for '--as-of <DATE|POSITION>'")
        ),
        (
            ["token", "issue", "--ledger", "hf.db", "--org", "gemeente-heuvelstad", "--person", "p", "--role", "admin"],
            .usageError("The value 'admin' is invalid for '--role <ROLE>'. Please provide one of 'member', 'coordinator' or 'auditor'.")
        ),
        (
            ["log", "--postgres", "mysql://x@localhost/db"],
            .usageError("The value 'mysql://x@localhost/db' is invalid for '--postgres <URL>'")
        ),
        (
            [
                "record", "--ledger", "hf.db", "--postgres", "postgres://x@localhost/db", "--org", "o", "--key", "k",
                "--kpi", "intake-14d", "--period", "2024-01", "--value", "90",
            ], .usageError("give one of --ledger DB, --postgres URL or --server URL")
        ),

        (["log", "--ledger", "hf.db", "--from", "5", "--to", "3"], .refusal("chainledger: --from 5 lies after --to 3\n")),
        (
            ["log", "--ledger", "hf.db", "--postgres", "postgres://x@localhost/db"],
            .refusal("chainledger: give either --ledger DB or --postgres URL, not both\n")
        ),
        (["log", "--postgres", "postgres://x:secret@localhost/db"], .refusal("chainledger: a password does not belong on the command line")),
        (
            ["token", "issue", "--ledger", "hf.db", "--org", "gemeente-heuvelstad", "--person", "p", "--days", "0"],
            .refusal("chainledger: --days runs from 1 to 3650\n")
        ),
        (["sample", "nowhere", "--ledger", "n.db", "--keys", "k"], .refusal("chainledger: there is no sample coalition \"nowhere\"")),
        (["demo", "--sample", "nowhere"], .refusal("chainledger: there is no sample \"nowhere\"")),
        (
            [
                "record", "--server", "ftp://example.org", "--token", "t", "--org", "o", "--key", "k",
                "--kpi", "intake-14d", "--period", "2024-01", "--value", "90",
            ],
            .refusal("chainledger: --server ftp://example.org is not an http(s) URL\n")
        ),
        (
            ["copy", "--from", "hf.db", "--to", "postgres://x:secret@localhost/db"],
            .refusal("chainledger: a password does not belong on the command line")
        ),
        (["grant", "--postgres", "postgres://x@localhost/db", "--role", "x; DROP TABLE ledger_entries"], .refusal("not a plain role name")),
    ]

    @Test(arguments: cases.indices)
    func argumentsAreCheckedBeforeAnythingIsOpened(_ index: Int) throws {
        let (arguments, report) = Self.cases[index]
        let cli = try DomainCommandTests.sample()
        let before = try cli.ledgerBytes("hf.db")
        let output = try cli.run(arguments)
        switch report {
        case .usageError(let message):
            #expect(output.status == 64, "\(arguments): exit status \(output.status)")
            #expect(output.stderr.hasPrefix("Error: ") && output.stderr.contains(message), "\(output.stderr)")
            #expect(output.stderr.contains("Usage: chainledger"), "\(output.stderr)")
        case .refusal(let message):
            #expect(output.status == 1, "\(arguments): exit status \(output.status), \(output.stderr)")
            #expect(output.stderr.hasPrefix("chainledger: ") && output.stderr.contains(message), "\(output.stderr)")
            #expect(output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
        }
        #expect(output.stdout.isEmpty)
        #expect(try cli.ledgerBytes("hf.db") == before, "the ledger file is unchanged")
        #expect(!FileManager.default.fileExists(atPath: cli.path("n.db")) && !FileManager.default.fileExists(atPath: cli.path("chainledger-demo")))
    }

    /// A ledger error the command line reports adds what to do about it here.
    @Test func aWrongCheckpointKeyNamesTheFlagThatGivesIt() throws {
        let cli = try CLIHarness.founded()
        let output = try cli.run(CLIRejectionTests.append + ["--ledger-key", "founder.key", "-"], input: CLIHarness.member("x"))
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("chainledger: the checkpoint key given is not this ledger's (its verifier key is "))
        #expect(output.stderr.hasSuffix("); pass this ledger's checkpoint key file with --ledger-key\n"), "\(output.stderr)")
    }

    @Test func theVersionAndTheGroupsOfCommands() throws {
        let cli = try CLIHarness()
        let version = try cli.ok(["--version"]).stdout
        #expect(version.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(version)")
        let help = try cli.ok(["--help"]).stdout
        let groups = ["LEDGER SUBCOMMANDS:", "RECORDING SUBCOMMANDS:", "READ MODEL SUBCOMMANDS:", "SERVER SUBCOMMANDS:", "OPERATIONS SUBCOMMANDS:"]
        let offsets = groups.map { help.range(of: $0)?.lowerBound }
        #expect(offsets.allSatisfy { $0 != nil }, "\(help)")
        #expect(offsets.compactMap { $0 } == offsets.compactMap { $0 }.sorted(), "the groups in order")
        for command in [
            "keygen", "init", "sample", "append", "log", "commits", "verify", "checkpoint", "prove", "record", "correct", "import",
            "assign-owner", "agreement", "dialogue", "status", "responsibilities", "agreements", "decisions", "audit", "health",
            "projections", "rebuild", "serve", "demo", "token", "copy", "grant",
        ] {
            let listed = help.components(separatedBy: "\n").filter { $0.hasPrefix("  \(command) ") }
            #expect(listed.count == 1, "\(command) is listed once")
        }
        let status = try cli.run([])
        #expect(status.status == 0 && status.stdout.contains("LEDGER SUBCOMMANDS:"), "no command prints the help")
    }
}
