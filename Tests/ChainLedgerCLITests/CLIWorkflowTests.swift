import Crypto
import Foundation
import LedgerCore
import Testing

@Suite(.serialized)
struct CLIWorkflowTests {
    @Test func keygenPrintsThePublicParts() throws {
        let cli = try CLIHarness()
        let output = try cli.ok(["keygen", "--name", "stichting-opvang", "--out", "opvang.key"])
        let json = output.json
        let publicKey = try #require(Data(base64Encoded: json["publicKey"] as? String ?? ""))
        #expect(publicKey.count == 32)
        #expect(json["keyId"] as? String == KeyID.of(publicKey))
        let verifier = try VerifierKey(parsing: json["verifierKey"] as? String ?? "")
        #expect(verifier.publicKey == publicKey && verifier.name == "stichting-opvang")
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.path("opvang.key"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "the private key is readable by its owner only")
        #expect(try SigningKey(parsing: String(contentsOfFile: cli.path("opvang.key"), encoding: .utf8)).verifier == verifier)
    }

    @Test func initAppendLogVerify() throws {
        let cli = try CLIHarness.founded()
        let log = try cli.ok(["log", "--ledger", "ledger.db", "--json"]).jsonLines
        #expect(log.map { $0["position"] as? Int } == [0, 1, 2, 3, 4, 5])
        #expect(
            log.map { $0["type"] as? String } == [
                "CoalitionFounded", "OrganisationJoined", "KeyRegistered", "MissionDefined", "MemberRegistered", "MemberChanged",
            ])
        #expect(log.map { $0["version"] as? Int } == [1, 1, 2, 1, 1, 2])
        let renamed = log[5]
        #expect((renamed["data"] as? [String: Any])?["name"] as? String == "Directeur sociaal domein en wonen")
        let leaf = try #require(Data(base64Encoded: renamed["leaf"] as? String ?? ""))
        let entry = try LogEntry(parsing: [UInt8](leaf))
        #expect(entry.position == 5 && entry.event.type == "MemberChanged" && entry.commit.hex == renamed["commit"] as? String)

        let streamOnly = try cli.ok(["log", "--ledger", "ledger.db", "--stream", "member/gemeente-heuvelstad/dir-social", "--json"]).jsonLines
        #expect(streamOnly.map { $0["position"] as? Int } == [4, 5])
        let window = try cli.ok(["log", "--ledger", "ledger.db", "--from", "1", "--to", "3", "--json"]).jsonLines
        #expect(window.map { $0["position"] as? Int } == [1, 2, 3])

        let verify = try cli.ok(["verify", "--ledger", "ledger.db", "--json"]).json
        #expect(verify["ok"] as? Bool == true && verify["size"] as? Int == 6 && verify["commits"] as? Int == 3)
        #expect(try cli.ok(["verify", "--ledger", "ledger.db"]).stdout.hasPrefix("ok: 6 entries in 3 commits"))
    }

    @Test func resendingACommitIsANoOp() throws {
        let cli = try CLIHarness.founded()
        let key = try SigningKey(parsing: String(contentsOfFile: cli.path("founder.key"), encoding: .utf8))
        let ledgerID = try #require(
            CommitID(hex: cli.ok(["log", "--ledger", "ledger.db", "--json", "--to", "0"]).jsonLines[0]["commit"] as? String ?? ""))
        _ = key
        _ = ledgerID
        let line = CLIHarness.member("policy-officer").replacingOccurrences(of: #""stream""#, with: #""expectedVersion":0,"stream""#)
        let first = try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: line
        ).json
        #expect(first["first"] as? Int == 6 && first["duplicate"] as? Bool == false)
        // The same events signed again make a new commit (the signing time differs); a stale version refuses it.
        let again = try cli.run(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: line)
        #expect(again.status == 1 && again.stderr.contains("version conflict on stream \"member/gemeente-heuvelstad/policy-officer\""))
    }

    /// An auditor re-checks every commit with a plain Ed25519 implementation and SHA-256, from the
    /// `commits --json` output alone.
    @Test func commitsCarryWhatAnAuditorNeeds() throws {
        let cli = try CLIHarness.founded()
        let commits = try cli.ok(["commits", "--ledger", "ledger.db", "--json"]).jsonLines
        #expect(commits.count == 3)
        for commit in commits {
            let signed = try #require(Data(base64Encoded: commit["signed"] as? String ?? ""))
            let signature = try #require(Data(base64Encoded: commit["signature"] as? String ?? ""))
            let publicKey = try Curve25519.Signing.PublicKey(
                rawRepresentation: try #require(Data(base64Encoded: commit["publicKey"] as? String ?? "")))
            #expect(publicKey.isValidSignature(signature, for: signed))
            #expect(SHA256.hash(data: signed).map { String(format: "%02x", $0) }.joined() == commit["id"] as? String)
        }
        #expect(commits.map { $0["first"] as? Int } == [0, 3, 5] && commits.map { $0["last"] as? Int } == [2, 4, 5])
    }

    @Test func checkpointsAndProofsVerifyIndependently() throws {
        let cli = try CLIHarness.founded()
        let note = try cli.ok(["checkpoint", "--ledger", "ledger.db"]).stdout
        let verifier = try VerifierKey(
            parsing: try cli.ok(["checkpoint", "--ledger", "ledger.db", "--verifier-key"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines))
        let checkpoint = try Checkpoint.open(note, verifier: verifier)
        #expect(checkpoint.origin == "ledger.example/heuvelstad" && checkpoint.size == 6)

        let log = try cli.ok(["log", "--ledger", "ledger.db", "--json"]).jsonLines
        for position in 0..<6 {
            let proof = try cli.ok(["prove", "inclusion", "--ledger", "ledger.db", "--position", "\(position)", "--json"]).json
            let leaf = TreeHash.leaf([UInt8](Data(base64Encoded: log[position]["leaf"] as? String ?? "")!))
            #expect(proof["leafHash"] as? String == leaf.base64)
            #expect(proof["root"] as? String == checkpoint.root.base64)
            try ProofVerifier.verifyInclusion(
                index: UInt64(position), size: 6, leafHash: leaf.bytes,
                proof: (proof["proof"] as? [String] ?? []).map { [UInt8](Data(base64Encoded: $0)!) }, root: checkpoint.root.bytes)
        }
        let earlier = try cli.ok(["prove", "inclusion", "--ledger", "ledger.db", "--position", "1", "--size", "3", "--json"]).json
        #expect(earlier["size"] as? Int == 3)
        let consistency = try cli.ok(["prove", "consistency", "--ledger", "ledger.db", "--old", "3", "--json"]).json
        #expect(consistency["new"] as? Int == 6 && consistency["newRoot"] as? String == checkpoint.root.base64)
        try ProofVerifier.verifyConsistency(
            oldSize: 3, newSize: 6, proof: (consistency["proof"] as? [String] ?? []).map { [UInt8](Data(base64Encoded: $0)!) },
            oldRoot: [UInt8](Data(base64Encoded: consistency["oldRoot"] as? String ?? "")!), newRoot: checkpoint.root.bytes)
    }

    @Test func membersJoinAndSignWithTheirOwnKeys() throws {
        let cli = try CLIHarness.founded()
        let member = try cli.ok(["keygen", "--name", "woonstichting-hoeksteen", "--out", "hoeksteen.key"]).json
        let publicKey = member["publicKey"] as? String ?? ""
        let keyID = member["keyId"] as? String ?? ""
        try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: """
                {"stream":"organisation/woonstichting-hoeksteen","type":"OrganisationJoined","data":{"organisation":"woonstichting-hoeksteen","name":"Woonstichting Hoeksteen","kind":"housing-corporation"}}
                {"stream":"organisation/woonstichting-hoeksteen","type":"KeyRegistered","data":{"organisation":"woonstichting-hoeksteen","key":"\(keyID)","publicKey":"\(publicKey)"}}
                """)
        let appended = try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "woonstichting-hoeksteen", "--key", "hoeksteen.key", "-"],
            input:
                #"{"stream":"member/woonstichting-hoeksteen/director","type":"MemberRegistered","data":{"organisation":"woonstichting-hoeksteen","person":"director","name":"Directeur","managementTeam":true}}"#
        )
        #expect(appended.json["first"] as? Int == 8)
        try cli.ok(
            ["append", "--ledger", "ledger.db", "--org", "gemeente-heuvelstad", "--key", "founder.key", "-"],
            input: """
                {"stream":"organisation/woonstichting-hoeksteen","type":"KeyRevoked","data":{"organisation":"woonstichting-hoeksteen","key":"\(keyID)","reason":"key lost"}}
                """)
        let refused = try cli.run(
            ["append", "--ledger", "ledger.db", "--org", "woonstichting-hoeksteen", "--key", "hoeksteen.key", "-"],
            input:
                #"{"stream":"member/woonstichting-hoeksteen/secretary","type":"MemberRegistered","data":{"organisation":"woonstichting-hoeksteen","person":"secretary","name":"Secretaris","managementTeam":false}}"#
        )
        #expect(refused.status == 1 && refused.stderr.contains("was revoked at position 9"))
        try cli.ok(["verify", "--ledger", "ledger.db"])
    }
}
