import Foundation
import Testing

/// The everyday commands on the housing-first sample, run as the partners would.
@Suite(.serialized)
struct DomainCommandTests {
    static let shelter = ["--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--key", "keys/stichting-opvang-heuvelstad.key"]
    static let municipality = ["--ledger", "hf.db", "--org", "gemeente-heuvelstad", "--key", "keys/gemeente-heuvelstad.key"]
    static let hoeksteen = ["--ledger", "hf.db", "--org", "woonstichting-hoeksteen", "--key", "keys/woonstichting-hoeksteen.key"]
    static let rivierland = ["--ledger", "hf.db", "--org", "woonbedrijf-rivierland", "--key", "keys/woonbedrijf-rivierland.key"]

    static func sample() throws -> CLIHarness {
        let cli = try CLIHarness()
        let output = try cli.ok(["sample", "housing-first", "--ledger", "hf.db", "--keys", "keys"])
        #expect(output.json["organisations"] as? Int == 5)
        return cli
    }

    static func csv(_ name: String) -> String {
        CLIHarness.repositoryRoot.appendingPathComponent("Fixtures/csv/\(name)").path
    }

    @Test func recordCorrectAndImport() throws {
        let cli = try Self.sample()
        let recorded = try cli.ok(["record"] + Self.shelter + ["--kpi", "intake-14d", "--period", "2024MM01", "--value", "91,5", "--status", "P"])
            .json
        let position = try #require(recorded["first"] as? Int)
        let again = try cli.run(["record"] + Self.shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "92"])
        #expect(again.status == 1 && again.stderr.contains("already recorded (position \(position)); use `chainledger correct`"))
        try cli.ok(["correct"] + Self.shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "92", "--reason", "definitief cijfer"])
        let stream = try cli.ok(["log", "--ledger", "hf.db", "--stream", "measurement/intake-14d/2024-01/stichting-opvang-heuvelstad", "--json"])
            .jsonLines
        #expect(stream.map { $0["type"] as? String } == ["MeasurementRecorded", "MeasurementCorrected"])
        let correction = try #require(stream.last?["data"] as? [String: Any])
        #expect(
            correction["supersedes"] as? Int == position && correction["reason"] as? String == "definitief cijfer"
                && correction["status"] as? String == "A")

        let imported = try cli.ok(["import"] + Self.shelter + [Self.csv("shelter-2024-03.csv")]).json
        #expect(imported["last"] as? Int == (imported["first"] as? Int ?? 0) + 1)
        let notes = try cli.ok(["log", "--ledger", "hf.db", "--from", "\(imported["first"] as? Int ?? 0)", "--json"]).jsonLines
            .compactMap { ($0["data"] as? [String: Any])?["note"] as? String }
        #expect(notes == ["ploeg; voltallig"])
        try cli.ok(["verify", "--ledger", "hf.db"])
    }

    /// Malformed CSV files are refused with line numbers; the ledger stays byte for byte as it was.
    @Test(arguments: [
        ("wrong-columns.csv", "line 2: expected the columns kpi,period,value[,note], found 2 fields"),
        ("bad-numbers.csv", "line 2: \"9O\" is not a number; line 3: \"\" is not a number"),
        ("unknown-kpi.csv", "line 3: unknown KPI \"intake-binnen-14-dagen\""),
        ("duplicate-rows.csv", "line 4: intake-14d for 2024-02 also appears on line 2"),
        ("latin1.csv", "the file is not UTF-8 text"),
        (
            "wrong-grain-and-reporter.csv",
            "line 2: KPI intake-14d is measured per month; 2024-Q1 is a quarter; line 3: stichting-opvang-heuvelstad does not report KPI homes-offered"
        ),
        ("already-recorded.csv", "line 2: intake-14d for 2025-03 is already recorded"),
        ("empty.csv", "holds no measurements"),
        ("unclosed-quote.csv", "line 2: a quoted field is not closed"),
    ])
    func malformedImportsChangeNothing(_ file: String, _ message: String) throws {
        let cli = try Self.sample()
        let before = try cli.ledgerBytes("hf.db")
        // --quiet: no progress lines, so that the refusal is all standard error holds.
        let output = try cli.run(["import", "--quiet"] + Self.shelter + [Self.csv(file)])
        #expect(output.status == 1, "\(file)")
        #expect(output.stderr.contains(message), "\(file): \(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1)
        #expect(try cli.ledgerBytes("hf.db") == before, "\(file) left the ledger unchanged")
    }

    @Test func ownersAgreementsAndDialogues() throws {
        let cli = try Self.sample()
        // Ownership: only coordinators assign it, only to management-team members.
        let refused = try cli.run(
            ["assign-owner"] + Self.hoeksteen + [
                "--chain", "street-to-home", "--owner-org", "woonstichting-hoeksteen",
                "--person", "director", "--reason", "wisseling",
            ])
        #expect(refused.status == 1 && refused.stderr.contains("only coordinators assign chain owners"))
        try cli.ok(
            ["assign-owner"] + Self.municipality + [
                "--chain", "street-to-home", "--owner-org", "woonstichting-hoeksteen",
                "--person", "director", "--reason", "wisseling afgesproken in de coalitie",
            ])

        // An agreement: proposed (and signed) by Hoeksteen, then signed by Rivierland, amended, terminated.
        try cli.write(
            "agreement.json",
            """
            {"agreement":"extra-homes-2027","title":"Extra woningen 2027","terms":"Twee extra woningen per kwartaal.",
             "parties":["woonstichting-hoeksteen","woonbedrijf-rivierland"],
             "obligations":[{"party":"woonbedrijf-rivierland","kpi":"homes-offered","target":2,"from":"2027-Q1","until":"2027-Q4"}],
             "validFrom":"2027-01-01","validUntil":"2027-12-31"}
            """)
        try cli.ok(["agreement", "propose"] + Self.hoeksteen + ["agreement.json"])
        let forOther = try cli.run(["agreement", "sign"] + Self.shelter + ["--agreement", "extra-homes-2027"])
        #expect(forOther.status == 1 && forOther.stderr.contains("only parties sign agreement extra-homes-2027"))
        try cli.ok(["agreement", "sign"] + Self.rivierland + ["--agreement", "extra-homes-2027"])
        try cli.ok(["agreement", "amend"] + Self.rivierland + ["--reason", "één woning in plaats van twee", "agreement.json"])
        try cli.ok(["agreement", "sign"] + Self.hoeksteen + ["--agreement", "extra-homes-2027"])
        try cli.ok(
            ["agreement", "terminate"] + Self.hoeksteen + [
                "--agreement", "extra-homes-2027", "--reason", "renovatie klaar", "--effective", "2027-06-30",
            ])
        let afterEnd = try cli.run(["agreement", "sign"] + Self.rivierland + ["--agreement", "extra-homes-2027"])
        #expect(afterEnd.status == 1 && afterEnd.stderr.contains("was terminated"))
        let history = try cli.ok(["log", "--ledger", "hf.db", "--stream", "agreement/extra-homes-2027", "--json"]).jsonLines.map {
            $0["type"] as? String
        }
        #expect(
            history == [
                "AgreementProposed", "AgreementSigned", "AgreementSigned", "AgreementAmended", "AgreementSigned", "AgreementSigned",
                "AgreementTerminated",
            ])

        // A dialogue by the new owner's organisation, with a decision and an action, then the action done.
        try cli.write(
            "dialogue.json",
            """
            {"dialogue":"hf-dialogue-2027-01","chain":"street-to-home","date":"2027-01-15",
             "participants":[{"organisation":"woonstichting-hoeksteen","person":"director"}],
             "decisions":[{"decision":"hf-2027-01-pool","text":"Aanbod van de corporaties bundelen.","rationale":"Minder leegstand.",
                           "decidedBy":{"organisation":"woonstichting-hoeksteen","person":"director"},"evidence":{"positions":[100],"kpis":["homes-offered"]}}],
             "actions":[{"action":"hf-2027-01-pool-plan","text":"Plan voor de pool opstellen.","owner":{"organisation":"woonbedrijf-rivierland","person":"director"},"due":"2027-02-15"}]}
            """)
        let notOwner = try cli.run(["dialogue", "record"] + Self.shelter + ["dialogue.json"])
        #expect(notOwner.status == 1 && notOwner.stderr.contains("only the owner of chain street-to-home"))
        try cli.ok(["dialogue", "record"] + Self.hoeksteen + ["dialogue.json"])
        try cli.ok(
            ["dialogue", "complete"] + Self.rivierland + [
                "--dialogue", "hf-dialogue-2027-01", "--action", "hf-2027-01-pool-plan", "--on", "2027-02-10",
            ])
        try cli.ok(["verify", "--ledger", "hf.db"])
    }

    /// A party declines with its reason; it cannot then sign or decline again, and a refusal changes
    /// nothing; an amendment citing a dialogue's decision asks it again, and then it signs.
    @Test func aPartyDeclinesAndAnAmendmentCitesTheDecision() throws {
        let cli = try Self.sample()
        try cli.write(
            "agreement.json",
            """
            {"agreement":"extra-homes-2028","title":"Extra woningen 2028","terms":"Vier extra woningen per kwartaal.",
             "parties":["woonstichting-hoeksteen","woonbedrijf-rivierland"],
             "obligations":[{"party":"woonbedrijf-rivierland","kpi":"homes-offered","target":4,"from":"2028-Q1","until":"2028-Q4"}],
             "validFrom":"2028-01-01","validUntil":"2028-12-31"}
            """)
        try cli.ok(["agreement", "propose"] + Self.hoeksteen + ["agreement.json"])
        let notParty = try cli.run(["agreement", "decline"] + Self.shelter + ["--agreement", "extra-homes-2028", "--reason", "niet van ons"])
        #expect(notParty.status == 1 && notParty.stderr.contains("only parties decline agreement extra-homes-2028"))
        try cli.ok(
            ["agreement", "decline"] + Self.rivierland + [
                "--agreement", "extra-homes-2028", "--reason", "Vier woningen per kwartaal hebben wij niet.",
            ])
        let before = try cli.ok(["log", "--ledger", "hf.db", "--stream", "agreement/extra-homes-2028", "--json"]).stdout
        let signAfter = try cli.run(["agreement", "sign"] + Self.rivierland + ["--agreement", "extra-homes-2028"])
        #expect(signAfter.status == 1 && signAfter.stderr.contains("declined version 1; an amendment asks again"))
        let declineAgain = try cli.run(
            ["agreement", "decline"] + Self.rivierland + ["--agreement", "extra-homes-2028", "--reason", "nog steeds niet"])
        #expect(declineAgain.status == 1 && declineAgain.stderr.contains("a party signs or declines"))
        let unknownDecision = try cli.run(
            ["agreement", "amend"] + Self.hoeksteen + ["--reason", "twee woningen", "--decision", "no-such-decision", "agreement.json"])
        #expect(unknownDecision.status == 1 && unknownDecision.stderr.contains("decision no-such-decision is not in the ledger"))
        #expect(try cli.ok(["log", "--ledger", "hf.db", "--stream", "agreement/extra-homes-2028", "--json"]).stdout == before)

        try cli.ok(
            ["agreement", "amend"] + Self.hoeksteen + ["--reason", "twee woningen", "--decision", "hf-2025-10-extra-homes", "agreement.json"])
        try cli.ok(["agreement", "sign"] + Self.rivierland + ["--agreement", "extra-homes-2028"])
        let history = try cli.ok(["log", "--ledger", "hf.db", "--stream", "agreement/extra-homes-2028", "--json"]).jsonLines
        #expect(
            history.map { $0["type"] as? String } == [
                "AgreementProposed", "AgreementSigned", "AgreementDeclined", "AgreementAmended", "AgreementSigned", "AgreementSigned",
            ])
        let declined = try #require(history[2]["data"] as? [String: Any])
        #expect(declined["reason"] as? String == "Vier woningen per kwartaal hebben wij niet." && declined["version"] as? Int == 1)
        #expect((history[3]["data"] as? [String: Any])?["decision"] as? String == "hf-2025-10-extra-homes")
        try cli.ok(["verify", "--ledger", "hf.db"])
    }

    /// A commitment without a KPI: proposed with the agreement, kept by the party that made it once
    /// every party signed, once. Each refusal says why and leaves the ledger byte for byte as it was.
    @Test func aCommitmentIsKeptByThePartyThatMadeIt() throws {
        let cli = try Self.sample()
        try cli.write(
            "agreement.json",
            """
            {"agreement":"guarantee-2028","title":"Huurgarantie 2028","terms":"De gemeente staat garant voor de huur.",
             "parties":["gemeente-heuvelstad","woonstichting-hoeksteen"],
             "obligations":[{"party":"woonstichting-hoeksteen","kpi":"homes-offered","target":6,"from":"2028-Q1","until":"2028-Q4"}],
             "commitments":[{"commitment":"rent-guarantee-2028","party":"gemeente-heuvelstad","chain":"street-to-home",
               "text":"De gemeente verlengt de garantieregeling voor 2028.","due":"2028-03-31"}],
             "validFrom":"2028-01-01","validUntil":"2028-12-31"}
            """)
        try cli.ok(["agreement", "propose"] + Self.municipality + ["agreement.json"])
        let fulfil = ["--agreement", "guarantee-2028", "--commitment", "rent-guarantee-2028", "--on", "2028-03-15"]
        var before = try cli.ledgerBytes("hf.db")
        let unsigned = try cli.run(["agreement", "fulfil"] + Self.municipality + fulfil)
        #expect(unsigned.status == 1 && unsigned.stderr.contains("only an agreement in force is kept"), "\(unsigned.stderr)")
        #expect(try cli.ledgerBytes("hf.db") == before)

        try cli.ok(["agreement", "sign"] + Self.hoeksteen + ["--agreement", "guarantee-2028"])
        before = try cli.ledgerBytes("hf.db")
        let otherParty = try cli.run(["agreement", "fulfil"] + Self.hoeksteen + fulfil)
        #expect(
            otherParty.status == 1 && otherParty.stderr.contains("only gemeente-heuvelstad, which made commitment rent-guarantee-2028, fulfils it"),
            "\(otherParty.stderr)")
        let unknown = try cli.run(["agreement", "fulfil"] + Self.municipality + ["--agreement", "guarantee-2028", "--commitment", "rent-cap"])
        #expect(unknown.status == 1 && unknown.stderr.contains("has no commitment rent-cap"), "\(unknown.stderr)")
        #expect(try cli.ledgerBytes("hf.db") == before)

        try cli.ok(["agreement", "fulfil"] + Self.municipality + fulfil + ["--note", "Besluit van het college."])
        before = try cli.ledgerBytes("hf.db")
        let again = try cli.run(["agreement", "fulfil"] + Self.municipality + fulfil)
        #expect(again.status == 1 && again.stderr.contains("commitment rent-guarantee-2028 is already fulfilled"), "\(again.stderr)")
        #expect(try cli.ledgerBytes("hf.db") == before)

        let report = try cli.ok(["agreements", "--ledger", "hf.db", "--json"]).json
        let agreement = try #require((report["agreements"] as? [[String: Any]])?.first { $0["agreement"] as? String == "guarantee-2028" })
        let commitment = try #require((agreement["commitments"] as? [[String: Any]])?.first)
        #expect(commitment["result"] as? String == "kept" && commitment["fulfilledOn"] as? String == "2028-03-15")
        #expect(commitment["note"] as? String == "Besluit van het college.")
        let table = try cli.ok(["agreements", "--ledger", "hf.db", "--lang", "nl"]).stdout
        #expect(table.contains("Toezeggingen") && table.contains("rent-guarantee-2028") && table.contains("nagekomen"), "\(table)")
        try cli.ok(["verify", "--ledger", "hf.db"])
    }

    /// The chain owner signs the agenda before the dialogue; the dialogue cites it; the audit shows
    /// the agenda and the red KPIs nobody discussed. Refused preparations change nothing.
    @Test func aDialogueFollowsItsSignedAgenda() throws {
        let cli = try Self.sample()
        try cli.write(
            "agenda.json",
            """
            {"preparation":"hf-agenda-2027-01","chain":"street-to-home","plannedOn":"2027-01-20",
             "agenda":[{"item":"Woningaanbod in het vierde kwartaal","kpis":["homes-offered"]}],
             "invited":["gemeente-heuvelstad","woonstichting-hoeksteen"]}
            """)
        let before = try cli.ledgerBytes("hf.db")
        let notOwner = try cli.run(["dialogue", "prepare"] + Self.hoeksteen + ["agenda.json"])
        #expect(notOwner.status == 1 && notOwner.stderr.contains("only the owner of chain street-to-home"), "\(notOwner.stderr)")
        try cli.write(
            "bad-agenda.json",
            #"{"preparation":"hf-agenda-x","chain":"street-to-home","plannedOn":"2027-01-20","agenda":[],"invited":["gemeente-heuvelstad"]}"#)
        let empty = try cli.run(["dialogue", "prepare"] + Self.municipality + ["bad-agenda.json"])
        #expect(empty.status == 1 && empty.stderr.contains("the agenda is empty"), "\(empty.stderr)")
        #expect(try cli.ledgerBytes("hf.db") == before, "refused preparations leave the ledger unchanged")
        try cli.ok(["dialogue", "prepare"] + Self.municipality + ["agenda.json"])

        try cli.write(
            "held.json",
            """
            {"dialogue":"hf-dialogue-2027-01b","chain":"street-to-home","date":"2027-01-20","preparation":"hf-agenda-2027-01",
             "participants":[{"organisation":"gemeente-heuvelstad","person":"dir-social"}],
             "decisions":[{"decision":"hf-2027-01-homes","text":"Twee woningen extra vragen.","rationale":"Aanbod blijft achter.",
                           "decidedBy":{"organisation":"gemeente-heuvelstad","person":"dir-social"},"evidence":{"positions":[],"kpis":["homes-offered"]}}]}
            """)
        try cli.ok(["dialogue", "record"] + Self.municipality + ["held.json"])
        let again = try cli.run(["dialogue", "record"] + Self.municipality + ["held.json"])
        #expect(again.status == 1, "a dialogue is recorded once")

        let audit = try cli.ok(["audit", "hf-2027-01-homes", "--ledger", "hf.db", "--json"]).json
        let agenda = try #require(audit["agenda"] as? [String: Any])
        #expect(agenda["preparation"] as? String == "hf-agenda-2027-01" && agenda["plannedOn"] as? String == "2027-01-20")
        let reds = try #require(audit["redsNotDiscussed"] as? [String])
        let statuses = try #require(audit["kpis"] as? [[String: Any]]).compactMap { kpi -> String? in
            ((kpi["then"] as? [String: Any])?["status"] as? String) == "red" ? kpi["kpi"] as? String : nil
        }
        #expect(!reds.isEmpty && reds == statuses.filter { $0 != "homes-offered" }.sorted(), "every red then but the one discussed: \(reds)")
        let text = try cli.ok(["audit", "hf-2027-01-homes", "--ledger", "hf.db"]).stdout
        #expect(
            text.contains("Agenda hf-agenda-2027-01, signed at position ")
                && text.contains("Red KPIs neither on the agenda nor cited by a decision: \(reds.joined(separator: ", "))"))
        try cli.ok(["verify", "--ledger", "hf.db"])
    }
}
