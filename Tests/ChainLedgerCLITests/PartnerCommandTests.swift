import Crypto
import Foundation
import LedgerCore
import LedgerSQLite
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A partner's commands: `pull` into a replica of its own, `serve --replica`, and `export`.
@Suite(.serialized)
struct PartnerCommandTests {
    /// The sample ledger, a reader's token for it and the ledger's verifier key.
    static func coalition() throws -> (cli: CLIHarness, token: String, key: String) {
        let cli = try DomainCommandTests.sample()
        let token = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "zorggroep-de-brug", "--person", "it-afdeling", "--role", "auditor",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try cli.ok(["checkpoint", "--ledger", "hf.db", "--verifier-key"]).stdout.trimmingCharacters(in: .newlines)
        return (cli, token, key)
    }

    static func pull(_ cli: CLIHarness, _ url: String, _ token: String, _ key: String, ledger: String = "replica.db") throws -> CLIHarness.Output {
        try cli.run(["pull", "--from", url, "--ledger", ledger, "--token", token, "--verifier-key", key])
    }

    /// The size of the ledger's latest checkpoint (the note's second line).
    static func size(_ cli: CLIHarness, _ ledger: String) throws -> Int {
        let note = try cli.ok(["checkpoint", "--ledger", ledger]).stdout
        return try #require(Int(note.split(separator: "\n")[1]))
    }

    static func stop(_ server: Process) {
        server.interrupt()
        server.waitUntilExit()
    }

    @Test func aReplicaHoldsTheServersLogVerifiedAndReadable() throws {
        let (cli, token, key) = try Self.coalition()
        let (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        defer { Self.stop(server) }
        let pulled = try Self.pull(cli, url, token, key)
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let size = try Self.size(cli, "hf.db")
        #expect(pulled.stdout.hasPrefix("replica holds \(size) entries (\(size) new)"), "\(pulled.stdout)")
        #expect(pulled.stderr.contains("pulling: "), "progress goes to standard error")
        // The same log, byte for byte, and a ledger every command reads.
        #expect(try cli.ok(["log", "--ledger", "replica.db", "--json"]).stdout == cli.ok(["log", "--ledger", "hf.db", "--json"]).stdout)
        try cli.ok(["verify", "--ledger", "replica.db"])
        try cli.ok(["rebuild", "--ledger", "replica.db"])
        #expect(
            try cli.ok(["projections", "digest", "--ledger", "replica.db"]).stdout
                == cli.ok(["projections", "digest", "--ledger", "hf.db"]).stdout)
        // A second pull finds nothing new.
        let again = try Self.pull(cli, url, token, key)
        #expect(again.status == 0 && again.stdout.contains("(0 new)"), "\(again.stdout) \(again.stderr)")
    }

    @Test func aFollowingReplicaStaysCurrentUntilStopped() throws {
        let (cli, token, key) = try Self.coalition()
        let (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        defer { Self.stop(server) }
        let follower = Process()
        follower.executableURL = CLIHarness.executable
        follower.arguments = ["pull", "--from", url, "--ledger", "replica.db", "--token", token, "--verifier-key", key, "--follow"]
        follower.currentDirectoryURL = cli.folder
        follower.standardOutput = FileHandle.nullDevice
        follower.standardError = FileHandle.nullDevice
        try follower.run()
        let shelterToken = try cli.ok([
            "token", "issue", "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead", "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try cli.ok([
            "record", "--server", url, "--token", shelterToken, "--org", "stichting-opvang-heuvelstad", "--key",
            "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", "2024-01", "--value", "91",
        ])
        let size = try Self.size(cli, "hf.db")
        let deadline = Date().addingTimeInterval(30)
        var held = 0
        while Date() < deadline {
            let checkpoint = try cli.run(["checkpoint", "--ledger", "replica.db"])
            if checkpoint.status == 0, let replica = Int(checkpoint.stdout.split(separator: "\n")[1]) {
                held = replica
                if held == size { break }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(held == size, "the following replica holds \(held) of \(size) entries")
        follower.interrupt()
        follower.waitUntilExit()
        #expect(follower.terminationStatus == 0, "a follower stopped with Ctrl-C ends cleanly")
        try cli.ok(["verify", "--ledger", "replica.db"])
    }

    @Test func withoutTheKeyTheFirstPullTrustsTheGenesisAndWarns() throws {
        let (cli, token, key) = try Self.coalition()
        let (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        defer { Self.stop(server) }
        let pulled = try cli.run(["pull", "--from", url, "--ledger", "replica.db", "--token", token])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stderr.contains("warning: no --verifier-key given"), "\(pulled.stderr)")
        // The key it took is kept; another key given later is refused.
        let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.folder.appendingPathComponent("replica.db.replica")))
        #expect((settings as? [String: Any])?["verifierKey"] as? String == key)
        #expect((settings as? [String: Any])?["trustedOnFirstUse"] as? Bool == true)
        let other = try SigningKey.generate(name: "ledger.example/other").verifier.description
        let refused = try Self.pull(cli, url, token, other)
        #expect(refused.status == 1 && refused.stderr.contains("is not the one this replica was first given"), "\(refused.stderr)")
    }

    @Test func aServerRestoredFromAnOlderBackupIsRefusedWithEvidence() throws {
        let (cli, token, key) = try Self.coalition()
        try cli.ledgerBytes("hf.db").write(to: cli.folder.appendingPathComponent("backup.db"))
        try FileManager.default.copyItem(atPath: cli.path("hf.db.access"), toPath: cli.path("backup.db.access"))
        try FileManager.default.copyItem(atPath: cli.path("hf.db.ledger-key"), toPath: cli.path("backup.db.ledger-key"))
        var (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        let shelter = [
            "--server", url, "--token",
            try cli.ok([
                "token", "issue", "--ledger", "hf.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead", "--role", "member",
            ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines),
            "--org", "stichting-opvang-heuvelstad", "--key", "keys/stichting-opvang-heuvelstad.key",
        ]
        try cli.ok(["record"] + shelter + ["--kpi", "intake-14d", "--period", "2024-01", "--value", "91"])
        #expect(try Self.pull(cli, url, token, key).status == 0)
        Self.stop(server)
        // The coalition's server comes back from the backup, without the last commit.
        (server, url) = try ServerCommandTests.serve(cli, "backup.db")
        defer { Self.stop(server) }
        let before = try cli.ledgerBytes("replica.db")
        let refused = try Self.pull(cli, url, token, key)
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("(rollback); nothing was appended"), "\(refused.stderr)")
        #expect(try cli.ledgerBytes("replica.db") == before)
        let files = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).filter { $0.hasPrefix("replica.db.evidence-") }
        #expect(files.count == 1 && refused.stderr.contains(files[0]), "\(files) \(refused.stderr)")
        let checked = try cli.ok(["evidence", "verify", files[0], "--verifier-key", key])
        #expect(checked.stdout.hasPrefix("proves (rollback)"), "\(checked.stdout)")
        // A doctored copy of the evidence does not hold up: the held checkpoint's size changed.
        let text = try String(contentsOfFile: cli.path(files[0]), encoding: .utf8)
        let held = try Self.size(cli, "replica.db")
        #expect(text.contains("\n\t\(held)\n"))
        try cli.write("doctored.txt", text.replacingOccurrences(of: "\n\t\(held)\n", with: "\n\t\(held + 1)\n"))
        let doctored = try cli.run(["evidence", "verify", "doctored.txt", "--verifier-key", key])
        #expect(doctored.status == 1 && doctored.stderr.contains("does not hold up"), "\(doctored.stdout) \(doctored.stderr)")

        // The operator takes the lost commit back from the partner's replica, served read-only:
        // it holds it as the ledger signed it, and the restored ledger admits it as the original.
        Self.stop(server)
        let partnerToken = try cli.ok([
            "token", "issue", "--ledger", "replica.db", "--org", "gemeente-heuvelstad", "--person", "beheer", "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (replica, replicaURL) = try ServerCommandTests.serve(cli, ["--ledger", "replica.db", "--replica"])
        let restored = try cli.run([
            "pull", "--from", replicaURL, "--ledger", "backup.db", "--token", partnerToken, "--verifier-key", key, "--restore",
        ])
        Self.stop(replica)
        #expect(restored.status == 0 && restored.stdout.contains("(1 new)"), "\(restored.stdout) \(restored.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("backup.db.replica")))
        #expect(try cli.ok(["log", "--ledger", "backup.db", "--json"]).stdout == cli.ok(["log", "--ledger", "replica.db", "--json"]).stdout)
        try cli.ok(["verify", "--ledger", "backup.db"])
        // Served again, the recovered ledger is an extension of what the partner holds.
        (server, url) = try ServerCommandTests.serve(cli, "backup.db")
        let resumed = try Self.pull(cli, url, token, key)
        #expect(resumed.status == 0 && resumed.stdout.contains("(0 new)"), "\(resumed.stdout) \(resumed.stderr)")
    }

    @Test func aReplicaIsServedReadOnlyAndShowsTheEvidenceItHolds() async throws {
        let (cli, token, key) = try Self.coalition()
        let (server, url) = try ServerCommandTests.serve(cli, "hf.db")
        defer { Self.stop(server) }
        #expect(try Self.pull(cli, url, token, key).status == 0)
        let partnerToken = try cli.ok([
            "token", "issue", "--ledger", "replica.db", "--org", "stichting-opvang-heuvelstad", "--person", "intake-lead", "--role", "member",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (replica, replicaURL) = try ServerCommandTests.serve(cli, ["--ledger", "replica.db", "--replica"])
        defer { Self.stop(replica) }
        let write = try cli.run([
            "record", "--server", replicaURL, "--token", partnerToken, "--org", "stichting-opvang-heuvelstad", "--key",
            "keys/stichting-opvang-heuvelstad.key", "--kpi", "intake-14d", "--period", "2024-01", "--value", "91",
        ])
        #expect(write.status == 1 && write.stderr.contains("405") && write.stderr.contains("coalition's server, \(url)"), "\(write.stderr)")
        // Reads are answered from the replica.
        let (status, _, log) = try await Self.get(replicaURL + "/api/log?from=0&limit=1", token: partnerToken)
        #expect(status == 200 && log.contains("\"position\":0"))
        let (_, headers, state) = try await Self.get(replicaURL + "/api/replica", token: partnerToken)
        #expect(state.contains(url) && state.contains("\"evidence\":[]"), "\(state)")
        #expect(headers["chainledger-evidence"] == nil)

        // Evidence written beside the replica shows on every answer and page.
        let note = try cli.ok(["checkpoint", "--ledger", "replica.db"]).stdout
        let evidence = MisbehaviourEvidence(
            kind: .rollback, origin: "ledger.example/housing-first", detected: Timestamp(milliseconds: 1_800_000_000_000), source: url,
            conclusion: "The server lost 1 entries.", held: note, shown: note)
        _ = try evidence.write(besideLedger: cli.path("replica.db"))
        let (_, held, listed) = try await Self.get(replicaURL + "/api/replica", token: partnerToken)
        #expect(listed.contains("\"kind\":\"rollback\"") && listed.contains("The server lost 1 entries."), "\(listed)")
        #expect(held["chainledger-evidence"]?.hasPrefix("1 evidence file") == true, "\(held)")
        let (_, _, page) = try await Self.get(replicaURL + "/", token: partnerToken)
        #expect(page.contains("Bewijs dat de server zich misdraagt") && page.contains("The server lost 1 entries."), "\(page.prefix(400))")
        #expect(page.contains("Replica van de coalitieserver \(url) — alleen lezen"), "the dashboard speaks Dutch unless asked otherwise")
    }

    @Test func everyExportedRowIsProvenByAnInclusionProof() async throws {
        let (cli, _, key) = try Self.coalition()
        let rows = try cli.ok(["export", "--ledger", "hf.db", "--format", "jsonl"]).stdout.split(separator: "\n")
        let note = try cli.ok(["checkpoint", "--ledger", "hf.db"]).stdout
        let checkpoint = try Checkpoint.open(note, verifier: try VerifierKey(parsing: key))
        #expect(rows.count == Int(checkpoint.size))
        let store = try SQLiteLedgerStore(path: cli.path("hf.db"))
        let proofs = ProofBuilder(store: store)
        for row in rows {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            let position = try #require(object["position"] as? Int)
            let leafText = try #require(object["leafHash"] as? String)
            let entryText = try #require(object["entry"] as? String)
            let leaf = try #require(TreeHash(base64: leafText))
            let entry = try #require(Data(base64Encoded: entryText))
            #expect(TreeHash.leaf([UInt8](entry)) == leaf, "row \(position): the leaf hash is the hash of the entry bytes")
            #expect(object["organisation"] is String && object["commit"] is String && object["data"] is [String: Any])
            let proof = try await proofs.inclusion(index: UInt64(position), size: checkpoint.size)
            let independent = InclusionProof(
                index: UInt64(position), size: checkpoint.size, leafHash: leaf, root: checkpoint.root, hashes: proof.hashes)
            #expect((try? independent.verify()) != nil, "row \(position) is not proven against the signed checkpoint")
        }
        // Filters and CSV.
        let measurements = try cli.ok(["export", "--ledger", "hf.db", "--format", "csv", "--type", "MeasurementRecorded", "--from", "10"]).stdout
        let lines = measurements.split(separator: "\n")
        #expect(lines.first == "position,stream,version,type,recordedAt,commit,organisation,data,leafHash,entry")
        #expect(lines.count > 1 && lines.dropFirst().allSatisfy { $0.contains(",MeasurementRecorded,") })
        let refused = try cli.run(["export", "--ledger", "hf.db", "--format", "xml"])
        #expect(refused.status != 0 && refused.stderr.contains("xml"))
    }

    static func get(_ url: String, token: String) async throws -> (Int, [String: String], String) {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        // URLSession asks for English by default; a Dutch partner's browser asks for Dutch.
        request.setValue("nl-NL,nl;q=0.9", forHTTPHeaderField: "Accept-Language")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return (http.statusCode, headers, String(decoding: data, as: UTF8.self))
    }
}
