import Foundation
import Testing

/// Every refused command prints one line on standard error, exits non-zero and leaves the ledger
/// byte for byte as it was.
@Suite(.serialized)
struct CLIRejectionTests {
    static let append = ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key"]

    static let cases: [(name: String, arguments: [String], input: String?, message: String)] = [
        (
            "stale expected version", append + ["-"],
            CLIHarness.member("dir-social", type: "MemberChanged").replacingOccurrences(of: #""stream""#, with: #""expectedVersion":1,"stream""#),
            "version conflict on stream \"member/gemeente-heuvelstad/dir-social\": the commit expects version 1, the stream is at version 2"
        ),
        (
            "a rule of the chain domain", append + ["-"],
            #"{"stream":"member/gemeente-heuvelstad/x","type":"MemberChanged","data":{"organisation":"gemeente-heuvelstad","person":"x","name":"X","managementTeam":false}}"#,
            "breaks rule \"only registered members change\": x of gemeente-heuvelstad is not registered"
        ),
        (
            "an unknown event type", append + ["-"], #"{"stream":"chain/x","type":"ChainRenamed","data":{}}"#,
            "ChainRenamed is not an event of the chain domain"
        ),
        ("malformed JSON line", append + ["-"], "{\"stream\":\"chain/x\",\"type\":\"A\",\"data\":{}}\n{\"stream\":", "line 2: not valid JSON"),
        ("unknown field", append + ["-"], #"{"stream":"chain/x","type":"A","data":{},"when":"now"}"#, "line 1: unknown field \"when\""),
        ("data not an object", append + ["-"], #"{"stream":"chain/x","type":"A","data":[1]}"#, "line 1: field \"data\" must be a JSON object"),
        ("bad stream id", append + ["-"], #"{"stream":"chain x","type":"A","data":{}}"#, "is not a valid stream id"),
        ("no events", append + ["-"], "\n\n", "holds no events"),
        ("ledger events in a domain stream", append + ["-"], #"{"stream":"chain/x","type":"KeyRevoked","data":{}}"#, "belongs in stream"),
        (
            "domain events in a ledger stream", append + ["-"], #"{"stream":"organisation/x","type":"NoteTaken","data":{}}"#,
            "is not a ledger event"
        ),
        (
            "second genesis", append + ["-"],
            #"{"stream":"coalition","type":"CoalitionFounded","data":{"name":"x","origin":"x","checkpointKey":"x"}}"#,
            "breaks rule \"coalition founded once\""
        ),
        (
            "unknown organisation", ["append", "--ledger", "ledger.db", "--org", "zorggroep-de-brug", "--key", "founder.key", "-"],
            #"{"stream":"chain/x","type":"A","data":{}}"#, "\"zorggroep-de-brug\" is not a member"
        ),
        (
            "wrong checkpoint key", append + ["--ledger-key", "founder.key", "-"], #"{"stream":"chain/x","type":"A","data":{}}"#,
            "the checkpoint key given is not this ledger's"
        ),
        (
            "missing key file", ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "nope.key", "-"],
            #"{"stream":"chain/x","type":"A","data":{}}"#, "cannot read the key file nope.key"
        ),
        (
            "second init", ["init", "--ledger", "ledger.db", "--coalition", "X", "--org", "gemeente-heuvelstad", "--key", "founder.key"],
            nil, "ledger.db already exists"
        ),
        (
            "proof beyond the log", ["prove", "inclusion", "--ledger", "ledger.db", "--position", "6"], nil,
            "position 6 is not in a tree of 6 entries"
        ),
        ("consistency from zero", ["prove", "consistency", "--ledger", "ledger.db", "--old", "0"], nil, "needs 0 < old size"),
        ("key file exists", ["keygen", "--name", "x", "--out", "founder.key"], nil, "founder.key already exists"),
    ]

    @Test(arguments: cases.indices)
    func refusedCommandsChangeNothing(_ index: Int) throws {
        let (name, arguments, input, message) = Self.cases[index]
        let cli = try CLIHarness.founded()
        let before = try cli.ledgerBytes()
        let keyBefore = try Data(contentsOf: cli.folder.appendingPathComponent("founder.key"))
        let output = try cli.run(arguments, input: input)
        #expect(output.status == 1, "\(name): exit status \(output.status)")
        #expect(output.stderr.contains(message), "\(name): \(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1, "\(name): one line on stderr: \(output.stderr)")
        #expect(output.stdout.isEmpty, "\(name): nothing on stdout")
        #expect(try cli.ledgerBytes() == before, "\(name): the ledger file is unchanged")
        #expect(try Data(contentsOf: cli.folder.appendingPathComponent("founder.key")) == keyBefore)
    }

    @Test func commandsOnAMissingLedgerCreateNothing() throws {
        let cli = try CLIHarness()
        try cli.ok(["keygen", "--name", "x", "--out", "x.key"])
        for arguments in [
            ["append", "--ledger", "none.db", "--org", "x", "--key", "x.key", "-"], ["log", "--ledger", "none.db"],
            ["verify", "--ledger", "none.db"], ["checkpoint", "--ledger", "none.db"],
        ] {
            let output = try cli.run(arguments, input: "{}")
            #expect(output.status == 1 && output.stderr.contains("there is no ledger at none.db"), "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.path("none.db")))
    }

    @Test func initRefusesAnInvalidOrganisationAndLeavesNoFiles() throws {
        let cli = try CLIHarness()
        try cli.ok(["keygen", "--name", "x", "--out", "x.key"])
        let output = try cli.run(["init", "--ledger", "l.db", "--coalition", "C", "--org", "Gemeente X", "--key", "x.key"])
        #expect(output.status != 0 && output.stderr.contains("not an organisation id"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("l.db")) && !FileManager.default.fileExists(atPath: cli.path("l.db.ledger-key")))
    }
}
