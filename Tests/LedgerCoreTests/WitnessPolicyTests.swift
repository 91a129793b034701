import Foundation
import LedgerCore
import Testing

/// C2SP tlog-policy: parsing, the quorum rule, and refusals that name the line.
struct WitnessPolicyTests {
    static let log = try! SigningKey.generate(name: "ledger.example/heuvelstad")
    static let keys = (1...6).map { try! CosignerKey.generate(name: "witness.example/w\($0)") }

    static var example: String {
        """
        # The spec's example: two groups of three, both needed.
        log \(log.verifier)

        witness X1 \(keys[0].verifier)
        witness X2 \(keys[1].verifier)
        witness X3 \(keys[2].verifier) https://x3.example/witness
        group X-witnesses 2 X1 X2 X3

        witness Y1 \(keys[3].verifier)
        witness Y2 \(keys[4].verifier)
        \twitness Y3   \(keys[5].verifier)
        group Y-witnesses any Y1 Y2 Y3

        group X-and-Y all X-witnesses Y-witnesses
        quorum X-and-Y
        """
    }

    @Test func theSpecsExampleParsesAndRoundTrips() throws {
        let policy = try WitnessPolicy(parsing: Self.example)
        #expect(policy.logs.count == 1 && policy.witnesses.count == 6 && policy.groups.count == 3)
        #expect(policy.witnesses[2].url == "https://x3.example/witness")
        #expect(try WitnessPolicy(parsing: policy.text) == policy)
    }

    @Test(arguments: [
        (["X1", "X2", "Y3"], true), (["X1", "Y1"], false), (["X1", "X2", "X3"], false), (["X2", "X3", "Y1", "Y2"], true), ([], false),
    ])
    func theQuorumRule(_ cosigned: [String], _ satisfied: Bool) throws {
        #expect(try WitnessPolicy(parsing: Self.example).isSatisfied(by: Set(cosigned)) == satisfied)
    }

    @Test func quorumNoneNeedsNoCosignature() throws {
        #expect(try WitnessPolicy(parsing: "log \(Self.log.verifier)\nquorum none\n").isSatisfied(by: []))
    }

    @Test func aCheckpointCosignedByTheQuorumIsAccepted() throws {
        let policy = try WitnessPolicy(parsing: Self.example)
        let body = Checkpoint(origin: "ledger.example/heuvelstad", size: 3, root: .emptyTree).text
        var note = SignedNote.sign(body, with: Self.log).serialized
        #expect(!policy.accepts(try SignedNote(parsing: note)))
        for index in [0, 1, 3] { note += Self.keys[index].line(Self.keys[index].cosign(body: body, timestamp: 1)) }
        #expect(policy.accepts(try SignedNote(parsing: note)))
        #expect(policy.cosigners(of: try SignedNote(parsing: note)) == ["X1", "X2", "Y1"])
    }

    @Test(arguments: [
        ("log not-a-key\nquorum none", 1),
        ("witness W1 \(keys[0].verifier)\nwitness W2 \(keys[0].verifier)\nquorum W1", 2),
        ("witness W1 \(keys[0].verifier)\nwitness W1 \(keys[1].verifier)\nquorum W1", 2),
        ("witness W1 \(log.verifier)\nquorum W1", 1),
        ("group G any W1\nquorum G", 1),
        ("witness W1 \(keys[0].verifier)\ngroup G 2 W1\nquorum G", 2),
        ("witness W1 \(keys[0].verifier)\ngroup G 01 W1\nquorum G", 2),
        ("witness W1 \(keys[0].verifier)\nquorum W1\nquorum W1", 3),
        ("witness W1 \(keys[0].verifier)\nquorum W2", 2),
        ("witness none \(keys[0].verifier)\nquorum none", 1),
        ("witness W1 \(keys[0].verifier)", 0),
        ("frobnicate\nquorum none", 1),
    ])
    func aPolicyThatBreaksARuleIsRefused(_ text: String, _ line: Int) {
        #expect(throws: WitnessPolicy.ParseError.self) { try WitnessPolicy(parsing: text) }
        do {
            _ = try WitnessPolicy(parsing: text)
        } catch {
            #expect(error.line == line, "\(error)")
        }
    }
}
