import Foundation
import LedgerConformance
import LedgerCore
import Testing

/// Evidence of each kind, made from two histories that share their first five entries, checked
/// offline with the ledger's verifier key alone; doctored copies are refused.
struct MisbehaviourEvidenceTests {
    static let origin = "ledger.test/heuvelstad"
    static let key = try! SigningKey.generate(name: origin)
    static let shared = (0..<5).map { Array("entry-\($0)".utf8) }
    /// The history the replica holds.
    static let held = MemoryTree(entries: shared + (5..<10).map { Array("held-\($0)".utf8) })
    /// The history the server shows after a fork at position 5.
    static let other = MemoryTree(entries: shared + (5..<10).map { Array("other-\($0)".utf8) })

    static func note(_ tree: MemoryTree, _ size: UInt64, key: SigningKey = key) async throws -> String {
        Checkpoint(origin: origin, size: size, root: try await ProofBuilder(store: tree).root(size: size)).signed(by: key).serialized
    }

    static func consistency(_ tree: MemoryTree, _ old: UInt64, _ new: UInt64) async throws -> (MisbehaviourEvidence.Consistency, TreeHash) {
        let proof = try await ProofBuilder(store: tree).consistency(old: old, new: new)
        return (MisbehaviourEvidence.Consistency(old: old, new: new, hashes: proof.hashes), proof.oldRoot)
    }

    static func evidence(_ kind: MisbehaviourEvidence.Kind) async throws -> MisbehaviourEvidence {
        var evidence = MisbehaviourEvidence(
            kind: kind, origin: origin, detected: Timestamp(rfc3339: "2026-12-01T10:00:00Z")!, source: "http://127.0.0.1:8080",
            conclusion: "What the replica concluded.")
        switch kind {
        case .fork:
            evidence.held = try await note(held, 8)
            evidence.shown = try await note(other, 8)
        case .inconsistent:
            evidence.held = try await note(held, 6)
            evidence.shown = try await note(other, 9)
            (evidence.consistency, evidence.prefixRoot) = try await consistency(other, 6, 9)
        case .rollbackFork:
            evidence.held = try await note(held, 9)
            evidence.shown = try await note(other, 7)
            (evidence.consistency, evidence.prefixRoot) = try await consistency(held, 7, 9)
        case .rollback:
            evidence.held = try await note(held, 9)
            evidence.shown = try await note(held, 6)
            evidence.consistency = try await consistency(held, 6, 9).0
        case .unproven:
            evidence.held = try await note(held, 6)
            evidence.shown = try await note(other, 9)
            evidence.consistency = try await consistency(other, 6, 9).0
        case .rewrittenEntry:
            evidence.held = try await note(held, 8)
            let proof = try await ProofBuilder(store: held).inclusion(index: 6, size: 8)
            evidence.inclusion = MisbehaviourEvidence.Inclusion(index: 6, size: 8, leaf: proof.leafHash, hashes: proof.hashes)
            evidence.entries = [MisbehaviourEvidence.ServedEntry(position: 6, bytes: Array("other-6".utf8))]
        case .entriesMismatch:
            evidence.held = try await note(held, 5)
            var frontier = CompactRange()
            for leaf in held.leaves.prefix(5) { frontier.append(leaf) }
            evidence.frontier = frontier.hashes
            evidence.shown = try await note(held, 8)
            evidence.entries = (5..<8).map { MisbehaviourEvidence.ServedEntry(position: UInt64($0), bytes: Array("other-\($0)".utf8)) }
        case .forgedCheckpoint:
            evidence.shown = try await note(held, 8, key: try SigningKey.generate(name: origin))
        case .invalidCommit:
            let author = try SigningKey.generate(name: "gemeente-heuvelstad")
            let event = try EventLine(stream: "chain/x", expectedVersion: 0, type: "NoteTaken", data: Array(#"{"note":"x"}"#.utf8))
            let commit = SignedCommit.sign(ledger: nil, organisation: "gemeente-heuvelstad", key: author, events: [event])
            let entry = LogEntry(
                position: 3, version: 1, recordedAt: Timestamp(milliseconds: 0), commit: CommitID(of: commit.bytes),
                index: 0, event: event
            ).bytes
            let tree = MemoryTree(entries: Array(shared.prefix(3)) + [entry])
            evidence.shown = try await note(tree, 4)
            let proof = try await ProofBuilder(store: tree).inclusion(index: 3, size: 4)
            evidence.inclusion = MisbehaviourEvidence.Inclusion(index: 3, size: 4, leaf: proof.leafHash, hashes: proof.hashes)
            evidence.entries = [MisbehaviourEvidence.ServedEntry(position: 3, bytes: entry)]
            evidence.commit = MisbehaviourEvidence.ServedCommit(signed: commit.bytes, signature: commit.signature)
        }
        return evidence
    }

    @Test(arguments: MisbehaviourEvidence.Kind.allCases)
    func everyKindReadsBackAndVerifiesOffline(_ kind: MisbehaviourEvidence.Kind) async throws {
        let evidence = try await Self.evidence(kind)
        let text = evidence.text
        #expect(text.hasPrefix("chainledger.evidence/1\nkind \(kind.rawValue)\n"))
        let read = try MisbehaviourEvidence(parsing: text)
        #expect(read == evidence)
        #expect(read.text == text)
        let finding = try read.verify(with: Self.key.verifier)
        #expect(finding.proves == (kind != .unproven), "\(finding.statement)")
        #expect(!finding.statement.isEmpty)
    }

    /// What the server served but did not sign: these lines stand as the replica recorded them,
    /// and a change to them cannot show. Every other line the evidence holds is checked.
    static func unsigned(_ kind: MisbehaviourEvidence.Kind) -> Set<String> {
        switch kind {
        case .forgedCheckpoint: ["shown"]
        case .unproven: ["consistency"]
        case .rewrittenEntry, .entriesMismatch: ["entry"]
        case .invalidCommit: ["commit"]
        default: []
        }
    }

    /// Every line after the header changed in turn (one character of it): the copy no longer
    /// reads, or no longer holds up, unless the line is one the server served without a signature.
    @Test(arguments: MisbehaviourEvidence.Kind.allCases)
    func doctoredCopiesAreRefused(_ kind: MisbehaviourEvidence.Kind) async throws {
        let evidence = try await Self.evidence(kind)
        let lines = evidence.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.firstIndex(of: "")!
        var part = ""
        var refused = 0
        for index in (header + 1)..<(lines.count - 1) {
            if !lines[index].hasPrefix("\t") { part = String(lines[index].prefix { $0 != " " }) }
            var doctored = lines
            doctored[index] = Self.changedOneCharacter(lines[index])
            guard doctored[index] != lines[index] else { continue }
            let text = doctored.joined(separator: "\n")
            if let read = try? MisbehaviourEvidence(parsing: text), let finding = try? read.verify(with: Self.key.verifier) {
                #expect(Self.unsigned(kind).contains(part), "line \(index + 1) (\(part)) changed and still holds: \(finding.statement)")
            } else {
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    /// A character of the line changed to another of the same class, so that the line keeps its
    /// shape (base64 stays base64, digits stay digits).
    static func changedOneCharacter(_ line: String) -> String {
        var characters = Array(line)
        guard let index = characters.indices.last(where: { characters[$0].isLetter || characters[$0].isNumber }) else { return line }
        let character = characters[index]
        characters[index] = character.isNumber ? (character == "1" ? "2" : "1") : (character == "Q" ? "R" : "Q")
        return String(characters)
    }

    @Test func evidenceOfOneLedgerDoesNotHoldForAnother() async throws {
        let other = try SigningKey.generate(name: Self.origin).verifier
        let evidence = try await Self.evidence(.fork)
        #expect(throws: EvidenceCheckError.self) { try evidence.verify(with: other) }
    }

    @Test(arguments: [
        ("", "does not end in a newline"),
        ("chainledger.evidence/2\n", "the first line is not"),
        ("chainledger.evidence/1\nkind odd\n", "unknown kind"),
        ("chainledger.evidence/1\nkind fork\norigin o\ndetected yesterday\nsource s\nconclusion c\n\n", "not an RFC 3339 time"),
        (
            "chainledger.evidence/1\nkind fork\norigin o\ndetected 2026-12-01T10:00:00Z\nsource s\nconclusion c\n\nshown\n\tx\nheld\n\tx\n",
            "out of order or repeated"
        ),
        (
            "chainledger.evidence/1\nkind fork\norigin o\ndetected 2026-12-01T10:00:00Z\nsource s\nconclusion c\n\nentry 07 AA==\n",
            "is not a number"
        ),
        (
            "chainledger.evidence/1\nkind fork\norigin o\ndetected 2026-12-01T10:00:00Z\nsource s\nconclusion c\n\nentry 7 AB==\n",
            "not canonical base64"
        ),
    ])
    func malformedFilesAreRefusedWithTheLine(_ text: String, _ message: String) {
        #expect {
            try MisbehaviourEvidence(parsing: text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
