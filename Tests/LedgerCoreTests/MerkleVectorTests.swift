import Foundation
import LedgerCore
import Testing

/// The transparency-dev/merkle public vectors (RFC 6962/9162), read unchanged from their folder:
/// every file must be accepted exactly when `wantErr` is false.
struct MerkleVectorTests {
    private struct TreeFile: Decodable {
        let leafInputs: [String]
        let rootHashes: [String]
    }

    private struct InclusionFile: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64?
        let start: UInt64?
        let end: UInt64?
        let root: String
        let leafHash: String
        let proof: [String]?
        let wantErr: Bool
    }

    private struct ConsistencyFile: Decodable {
        let size1: UInt64?
        let size2: UInt64?
        let start: UInt64?
        let end: UInt64?
        let size: UInt64?
        let root1: String
        let root2: String
        let proof: [String]?
        let wantErr: Bool
    }

    private static func bytes(_ base64: String) -> [UInt8] {
        [UInt8](Data(base64Encoded: base64) ?? Data())
    }

    private static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test("roots of trees of 0 to 8 leaves", arguments: FixturePaths.merkleVectorFolders)
    func roots(folder: URL) throws {
        let tree = try JSONDecoder().decode(TreeFile.self, from: Data(contentsOf: folder.appendingPathComponent("tree.json")))
        var range = CompactRange()
        #expect(range.root.hex == tree.rootHashes[0])
        for (index, input) in tree.leafInputs.enumerated() {
            range.append(.leaf(Self.hex(input)))
            #expect(range.root.hex == tree.rootHashes[index + 1], "root of \(index + 1) leaves")
        }
    }

    @Test("inclusion and subtree inclusion proofs", arguments: FixturePaths.merkleVectorFolders)
    func inclusion(folder: URL) throws {
        var checked = 0
        for sub in ["inclusion", "subtreeinclusion"] {
            for file in FixturePaths.jsonFiles(below: folder.appendingPathComponent("testdata/\(sub)")) {
                let vector = try JSONDecoder().decode(InclusionFile.self, from: Data(contentsOf: file))
                let proof = (vector.proof ?? []).map(Self.bytes)
                let accepted: Bool
                if let start = vector.start, let end = vector.end {
                    accepted =
                        (try? ProofVerifier.verifySubtreeInclusion(
                            index: vector.leafIdx, start: start, end: end, leafHash: Self.bytes(vector.leafHash),
                            proof: proof, subtreeRoot: Self.bytes(vector.root))) != nil
                } else {
                    accepted =
                        (try? ProofVerifier.verifyInclusion(
                            index: vector.leafIdx, size: vector.treeSize ?? 0, leafHash: Self.bytes(vector.leafHash),
                            proof: proof, root: Self.bytes(vector.root))) != nil
                }
                #expect(accepted == !vector.wantErr, "\(sub)/\(file.deletingLastPathComponent().lastPathComponent)/\(file.lastPathComponent)")
                checked += 1
            }
        }
        #expect(checked > 200)
    }

    @Test("consistency and subtree consistency proofs", arguments: FixturePaths.merkleVectorFolders)
    func consistency(folder: URL) throws {
        var checked = 0
        for sub in ["consistency", "subtreeconsistency"] {
            for file in FixturePaths.jsonFiles(below: folder.appendingPathComponent("testdata/\(sub)")) {
                let vector = try JSONDecoder().decode(ConsistencyFile.self, from: Data(contentsOf: file))
                let proof = (vector.proof ?? []).map(Self.bytes)
                let accepted: Bool
                if let start = vector.start, let end = vector.end, let size = vector.size {
                    accepted =
                        (try? ProofVerifier.verifySubtreeConsistency(
                            start: start, end: end, size: size, proof: proof,
                            subtreeRoot: Self.bytes(vector.root1), root: Self.bytes(vector.root2))) != nil
                } else {
                    accepted =
                        (try? ProofVerifier.verifyConsistency(
                            oldSize: vector.size1 ?? 0, newSize: vector.size2 ?? 0, proof: proof,
                            oldRoot: Self.bytes(vector.root1), newRoot: Self.bytes(vector.root2))) != nil
                }
                #expect(accepted == !vector.wantErr, "\(sub)/\(file.deletingLastPathComponent().lastPathComponent)/\(file.lastPathComponent)")
                checked += 1
            }
        }
        #expect(checked > 200)
    }
}
