import ChainServer
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerConformance
import LedgerCore
import LedgerWitness
import Logging
import Testing

/// The witness's `add-checkpoint` (C2SP tlog-witness): every status the spec names, the
/// transparency-dev consistency vectors, and concurrent requests that race.
struct WitnessTests {
    /// A witness of one log, with its record in a fresh folder.
    struct Fixture {
        let folder: URL
        let log: SigningKey
        let key: CosignerKey
        let witness: Witness

        init(time: UInt64 = 1_800_000_000) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("chainledger-witness-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            log = try SigningKey.generate(name: "ledger.example/heuvelstad")
            key = try CosignerKey.generate(name: "witness.example/w1")
            witness = Witness(
                key: key, logs: [(log.name, log.verifier)], state: try WitnessState(path: folder.appendingPathComponent("witness.db").path),
                evidenceBeside: folder.appendingPathComponent("witness.db").path, now: { time })
        }

        func note(size: UInt64, root: TreeHash, origin: String? = nil, signer: SigningKey? = nil) -> String {
            Checkpoint(origin: origin ?? log.name, size: size, root: root).signed(by: signer ?? log).serialized
        }

        func body(old: UInt64, proof: [TreeHash] = [], note: String) -> [UInt8] {
            Array((["old \(old)"] + proof.map(\.base64)).joined(separator: "\n").utf8) + Array("\n\n\(note)".utf8)
        }

        func add(old: UInt64, proof: [TreeHash] = [], size: UInt64, root: TreeHash) async -> WitnessAnswer {
            await witness.addCheckpoint(body(old: old, proof: proof, note: note(size: size, root: root)))
        }

        var evidence: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.contains(".evidence-") }
        }
    }

    static let tree = MemoryTree(count: 40)

    static func root(_ size: UInt64) async throws -> TreeHash {
        try await ProofBuilder(store: tree).root(size: size)
    }

    static func proof(_ old: UInt64, _ new: UInt64) async throws -> [TreeHash] {
        try await ProofBuilder(store: tree).consistency(old: old, new: new).hashes
    }

    @Test func aConsistentCheckpointIsCosignedAndKept() async throws {
        let fixture = try Fixture()
        let first = await fixture.add(old: 0, size: 10, root: try await Self.root(10))
        #expect(first.status == 200, "\(first.body)")
        #expect(first.body.hasPrefix("\u{2014} witness.example/w1 ") && first.body.hasSuffix("\n"))
        // The line is a cosignature/v1 of the checkpoint by the witness's key, at its time.
        let cosigned = try SignedNote(parsing: fixture.note(size: 10, root: try await Self.root(10)) + first.body)
        #expect(fixture.key.verifier.cosignatureTime(on: cosigned) == 1_800_000_000)
        let next = await fixture.add(old: 10, proof: try await Self.proof(10, 25), size: 25, root: try await Self.root(25))
        #expect(next.status == 200, "\(next.body)")
        // The same checkpoint again: old equals the size, same root, empty proof.
        let again = await fixture.add(old: 25, size: 25, root: try await Self.root(25))
        #expect(again.status == 200, "\(again.body)")
        // For monitors: the latest, with the log's signature and the witness's cosignature.
        let latest = try #require(try await fixture.witness.latest(originHash: Witness.originHash(fixture.log.name)))
        let kept = try SignedNote(parsing: latest)
        #expect(try Checkpoint(text: kept.text).size == 25)
        try kept.verify(by: fixture.log.verifier)
        #expect(fixture.key.verifier.cosignatureTime(on: kept) != nil)
        #expect(kept.signatures.filter { $0.name == fixture.key.name }.count == 1)
        #expect(try await fixture.witness.latest(originHash: Witness.originHash("other.example/log")) == nil)
    }

    /// Each refusal the spec names, and that none of them changes the record.
    @Test func everyRefusalTheSpecNames() async throws {
        let fixture = try Fixture()
        #expect(await fixture.add(old: 0, size: 10, root: try await Self.root(10)).status == 200)
        let held = try await fixture.witness.latest(originHash: Witness.originHash(fixture.log.name))
        let root20 = try await Self.root(20)
        let proof = try await Self.proof(10, 20)
        let stranger = try SigningKey.generate(name: fixture.log.name)
        let cases: [(String, [UInt8], Int)] = [
            ("no old line", Array("\n\(fixture.note(size: 20, root: root20))".utf8), 400),
            ("old with a leading zero", Array("old 010\n\n\(fixture.note(size: 20, root: root20))".utf8), 400),
            ("a proof line that is no hash", Array("old 10\nnot-base64\n\n\(fixture.note(size: 20, root: root20))".utf8), 400),
            ("64 proof lines", fixture.body(old: 10, proof: Array(repeating: root20, count: 64), note: fixture.note(size: 20, root: root20)), 400),
            ("no checkpoint", Array("old 10\n\n".utf8), 400),
            (
                "a root that is no hash",
                Array("old 10\n\n".utf8) + Array(SignedNote.sign("\(fixture.log.name)\n20\nV3JvbmdSb290\n", with: fixture.log).serialized.utf8), 400
            ),
            ("old above the size", fixture.body(old: 30, note: fixture.note(size: 20, root: root20)), 400),
            ("an unknown origin", fixture.body(old: 10, proof: proof, note: fixture.note(size: 20, root: root20, origin: "other.example/log")), 404),
            (
                "signed by an unknown key",
                fixture.body(old: 10, proof: proof, note: fixture.note(size: 20, root: root20, signer: try .generate(name: "x"))), 403
            ),
            ("a trusted key's name and ID with a bad signature", Self.forged(fixture.note(size: 20, root: root20)), 403),
            (
                "a stranger's key under the log's name",
                fixture.body(old: 10, proof: proof, note: fixture.note(size: 20, root: root20, signer: stranger)), 403
            ),
            (
                "an old size the witness does not hold",
                fixture.body(old: 5, proof: try await Self.proof(5, 20), note: fixture.note(size: 20, root: root20)), 409
            ),
            ("a proof that does not verify", fixture.body(old: 10, proof: proof.reversed(), note: fixture.note(size: 20, root: root20)), 422),
            ("no proof", fixture.body(old: 10, note: fixture.note(size: 20, root: root20)), 422),
            ("the same size with another root", fixture.body(old: 10, note: fixture.note(size: 10, root: root20)), 422),
        ]
        for (what, body, status) in cases {
            let answer = await fixture.witness.addCheckpoint(body)
            #expect(answer.status == status, "\(what): \(answer.status) \(answer.body)")
            #expect(!answer.body.isEmpty, "\(what) says why")
            #expect(try await fixture.witness.latest(originHash: Witness.originHash(fixture.log.name)) == held, "\(what) leaves the record as it was")
        }
        let conflict = await fixture.witness.addCheckpoint(fixture.body(old: 0, note: fixture.note(size: 20, root: root20)))
        #expect(conflict == WitnessAnswer(status: 409, contentType: "text/x.tlog.size", body: "10\n"))
        // A signed checkpoint inconsistent with what the witness cosigned is kept as evidence.
        #expect(fixture.evidence.count == 2, "\(fixture.evidence)")
    }

    @Test func theEmptyTree() async throws {
        let fixture = try Fixture()
        #expect(await fixture.add(old: 0, size: 0, root: try await Self.root(5)).status == 422)
        #expect(await fixture.add(old: 0, size: 0, root: TreeHash.emptyTree).status == 200)
        // From old size 0 the proof must be empty.
        #expect(await fixture.add(old: 0, proof: [TreeHash.emptyTree], size: 5, root: try await Self.root(5)).status == 422)
        #expect(await fixture.add(old: 0, size: 5, root: try await Self.root(5)).status == 200)
    }

    /// The note with the log's signature line kept but its signature bytes changed.
    static func forged(_ note: String) -> [UInt8] {
        var lines = note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = lines.firstIndex { $0.hasPrefix("\u{2014} ") }!
        var blob = Data(base64Encoded: String(lines[index].split(separator: " ")[2]))!
        blob[blob.count - 1] ^= 1
        let name = lines[index].split(separator: " ")[1]
        lines[index] = "\u{2014} \(name) \(blob.base64EncodedString())"
        return Array(("old 0\n\n" + lines.joined(separator: "\n")).utf8)
    }

    struct Vector: Decodable, CustomStringConvertible {
        let size1: UInt64
        let size2: UInt64
        let root1: String
        let root2: String
        let proof: [String]?
        let desc: String
        let wantErr: Bool
        var file = ""
        var description: String { "\(file): \(desc)" }

        enum CodingKeys: String, CodingKey { case size1, size2, root1, root2, proof, desc, wantErr }
    }

    static let vectors: [Vector] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/vectors/transparency-dev-merkle/testdata/consistency")
        var found: [Vector] = []
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for url in files.sorted(by: { $0.path < $1.path }) where url.pathExtension == "json" {
            guard var vector = try? JSONDecoder().decode(Vector.self, from: Data(contentsOf: url)) else { continue }
            vector.file = url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
            found.append(vector)
        }
        return found
    }()

    @Test func theVectorsAreThere() {
        #expect(Self.vectors.count > 50)
    }

    /// Each transparency-dev consistency vector as a witness meets it: it holds the tree of
    /// `size1` with `root1` and is shown `size2` with `root2` and the proof. Vectors whose roots
    /// are no hashes do not apply: a witness never holds such a root, and a checkpoint carrying
    /// one is malformed (400, in `everyRefusalTheSpecNames`).
    @Test(arguments: vectors.filter { $0.size1 > 0 && TreeHash(base64: $0.root1) != nil && TreeHash(base64: $0.root2) != nil })
    func aWitnessAnswersTheConsistencyVector(_ vector: Vector) async throws {
        let fixture = try Fixture()
        let root1 = try #require(TreeHash(base64: vector.root1))
        let root2 = try #require(TreeHash(base64: vector.root2))
        #expect(await fixture.add(old: 0, size: vector.size1, root: root1).status == 200)
        let proof = try (vector.proof ?? []).map { try #require(Data(base64Encoded: $0)) }
        let body =
            Array(((["old \(vector.size1)"] + proof.map { $0.base64EncodedString() }).joined(separator: "\n")).utf8)
            + Array("\n\n\(fixture.note(size: vector.size2, root: root2))".utf8)
        let answer = await fixture.witness.addCheckpoint(body)
        let expected = !vector.wantErr ? 200 : vector.size1 > vector.size2 ? 400 : proof.contains { $0.count != 32 } ? 400 : 422
        #expect(answer.status == expected, "\(answer.body)")
    }

    /// Many requests at once, each from the size it saw: the record only grows, every 200 is
    /// for a size at least the one before, and each request's answer says what it found.
    @Test func concurrentRequestsNeverRollTheRecordBack() async throws {
        let fixture = try Fixture()
        #expect(await fixture.add(old: 0, size: 1, root: try await Self.root(1)).status == 200)
        var requests: [(old: UInt64, new: UInt64, body: [UInt8])] = []
        for new in UInt64(2)...40 {
            for old in [UInt64(1), new / 2, new - 1] where old >= 1 {
                requests.append(
                    (
                        old, new,
                        fixture.body(old: old, proof: try await Self.proof(old, new), note: fixture.note(size: new, root: try await Self.root(new)))
                    ))
            }
        }
        requests.shuffle()
        let answers = await withTaskGroup(of: (UInt64, UInt64, WitnessAnswer).self) { group in
            for request in requests {
                group.addTask { (request.old, request.new, await fixture.witness.addCheckpoint(request.body)) }
            }
            var answers: [(UInt64, UInt64, WitnessAnswer)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        let accepted = answers.filter { $0.2.status == 200 }
        #expect(!accepted.isEmpty)
        #expect(answers.allSatisfy { $0.2.status == 200 || $0.2.status == 409 }, "\(answers.filter { $0.2.status != 200 && $0.2.status != 409 })")
        // Each accepted request moved the record on from the size it named: they chain.
        let kept = try #require(try await fixture.witness.latest(originHash: Witness.originHash(fixture.log.name)))
        let size = try Checkpoint(text: SignedNote(parsing: kept).text).size
        #expect(size == accepted.map(\.1).max())
        var chain: [UInt64: UInt64] = [:]
        for (old, new, _) in accepted where old != new { chain[old] = new }
        var cursor: UInt64 = 1
        while let next = chain[cursor] { cursor = next }
        #expect(cursor == size, "the accepted requests form one chain from 1 to \(size)")
    }

    @Test func theHTTPInterface() async throws {
        let fixture = try Fixture()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = buildWitnessApplication(witness: fixture.witness, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger)
        let root10 = try await Self.root(10)
        try await app.test(.router) { client in
            let first = try await client.execute(
                uri: "/add-checkpoint", method: .post, body: ByteBuffer(bytes: fixture.body(old: 0, note: fixture.note(size: 10, root: root10))))
            #expect(first.status == .ok)
            #expect(String(buffer: first.body).hasPrefix("\u{2014} witness.example/w1 "))
            let conflict = try await client.execute(
                uri: "/add-checkpoint", method: .post, body: ByteBuffer(bytes: fixture.body(old: 0, note: fixture.note(size: 10, root: root10))))
            #expect(conflict.status == .conflict)
            #expect(conflict.headers[.contentType] == "text/x.tlog.size")
            #expect(String(buffer: conflict.body) == "10\n")
            let monitored = try await client.execute(uri: "/\(Witness.originHash(fixture.log.name))/checkpoint", method: .get)
            #expect(monitored.status == .ok && String(buffer: monitored.body).contains("\n10\n"))
            let unknown = try await client.execute(uri: "/\(Witness.originHash("nobody"))/checkpoint", method: .get)
            #expect(unknown.status == .notFound)
        }
    }
}
