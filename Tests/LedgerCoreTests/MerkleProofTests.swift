import Foundation
import LedgerConformance
import LedgerCore
import Testing

private struct KnownAnswers: Decodable {
    struct Root: Decodable {
        let size: UInt64
        let root: String
    }
    struct Inclusion: Decodable {
        let index: UInt64
        let size: UInt64
        let leafHash: String
        let proof: [String]
    }
    struct Consistency: Decodable {
        let old: UInt64
        let new: UInt64
        let proof: [String]
    }
    let roots: [Root]
    let inclusion: [Inclusion]
    let consistency: [Consistency]

    static func load() throws -> KnownAnswers {
        let url = FixturePaths.fixtures.appendingPathComponent("vectors/merkle-known-answers.json")
        return try JSONDecoder().decode(KnownAnswers.self, from: Data(contentsOf: url))
    }
}

struct MerkleProofTests {
    /// Roots, inclusion and consistency proofs equal answers computed by an independent
    /// implementation (Python, from the RFC's recursive definitions): sizes 1–9 and powers of two ±1.
    @Test func knownAnswers() async throws {
        let answers = try KnownAnswers.load()
        let tree = MemoryTree(count: 129)
        let builder = ProofBuilder(store: tree)
        for answer in answers.roots {
            #expect(try await builder.root(size: answer.size).base64 == answer.root, "root of \(answer.size)")
        }
        for answer in answers.inclusion {
            let proof = try await builder.inclusion(index: answer.index, size: answer.size)
            #expect(proof.leafHash.base64 == answer.leafHash)
            #expect(proof.hashes.map(\.base64) == answer.proof, "inclusion \(answer.index) in \(answer.size)")
        }
        for answer in answers.consistency {
            let proof = try await builder.consistency(old: answer.old, new: answer.new)
            #expect(proof.hashes.map(\.base64) == answer.proof, "consistency \(answer.old) → \(answer.new)")
        }
        #expect(answers.roots.count >= 20 && answers.inclusion.count > 50 && answers.consistency.count > 50)
    }

    /// Every inclusion proof for every (index, size) and every consistency proof for every
    /// (old, new) up to 64 leaves verifies; changing any one hash or the root makes it fail.
    @Test func everyProofUpTo64LeavesRoundTrips() async throws {
        let tree = MemoryTree(count: 64)
        let builder = ProofBuilder(store: tree)
        for size in UInt64(1)...64 {
            let root = try await builder.root(size: size)
            for index in 0..<size {
                let proof = try await builder.inclusion(index: index, size: size)
                #expect(proof.root == root)
                #expect(throws: Never.self) { try proof.verify() }
                if let first = proof.hashes.first {
                    var tampered = proof.hashes.map(\.bytes)
                    tampered[0][0] ^= 1
                    #expect(throws: ProofError.self) {
                        try ProofVerifier.verifyInclusion(
                            index: index, size: size, leafHash: proof.leafHash.bytes,
                            proof: tampered, root: root.bytes)
                    }
                    _ = first
                }
                #expect(throws: ProofError.self) {
                    try ProofVerifier.verifyInclusion(
                        index: index, size: size, leafHash: TreeHash.emptyTree.bytes,
                        proof: proof.hashes.map(\.bytes), root: root.bytes)
                }
            }
            for old in UInt64(1)...size {
                let proof = try await builder.consistency(old: old, new: size)
                #expect(throws: Never.self) { try proof.verify() }
                if old < size {
                    #expect(throws: ProofError.self) {
                        try ProofVerifier.verifyConsistency(
                            oldSize: old, newSize: size, proof: proof.hashes.map(\.bytes),
                            oldRoot: TreeHash.emptyTree.bytes, newRoot: proof.newRoot.bytes)
                    }
                }
            }
        }
    }

    /// Keys read from storage are untrusted: one that names no node is refused, never a trap.
    @Test(arguments: [
        Int64(1222), // level 6 ending at leaf 19: 20 leaves are no multiple of 64
        Int64(63), // level 63
        Int64(58), // level 58: beyond a 58-bit leaf number
        Int64(-1), // every bit set: level 63
        Int64(bitPattern: UInt64(1) << 63 | 57), // level 57 ending at leaf 2^57: not a subtree's end
        Int64(3 << 6 | 3), // level 3 ending at leaf 3: not a subtree's end (8 leaves end at 7)
    ])
    func malformedStorageKeysNameNoNode(_ key: Int64) {
        #expect(TreeNode(storageKey: key) == nil)
        #expect(throws: LedgerError.self) { try TreeNode(storedKey: key) }
    }

    @Test func theLargestStorageKeysStillNameNodes() {
        let last = TreeNode(level: 0, index: (1 << 58) - 1)
        #expect(TreeNode(storageKey: last.storageKey) == last)
        let top = TreeNode(level: 57, index: 1)
        #expect(TreeNode(storageKey: top.storageKey) == top)
    }

    @Test func nodeStorageKeysRoundTripAndGrowWithTheLog() {
        var previous: Int64 = -1
        var range = CompactRange()
        for index in 0..<1000 {
            range.append(.leaf([UInt8(index & 0xff)])) { node, _ in
                #expect(node.storageKey > previous, "keys grow as nodes complete")
                previous = node.storageKey
                #expect(TreeNode(storageKey: node.storageKey) == node)
            }
        }
        let node = TreeNode(level: 3, index: 5)
        #expect(node.firstLeaf == 40 && node.lastLeaf == 47)
    }

    /// Appending a range as prepared subtrees gives the same tree and the same interior nodes as
    /// appending its leaves one by one, wherever the range starts.
    @Test func subtreesOfARangeAppendLikeItsLeaves() {
        let leaves = (0..<140).map { TreeHash.leaf([UInt8($0), 0x5A]) }
        for start in 0..<70 {
            var base = CompactRange()
            for leaf in leaves[0..<start] { base.append(leaf) }
            for count in 1...70 {
                let range = Array(leaves[start..<(start + count)])
                var oneByOne = base
                var expected: [TreeNode: TreeHash] = [:]
                for leaf in range { oneByOne.append(leaf) { node, hash in expected[node] = hash } }

                var bySubtrees = base
                let cover = SubtreeCover(leaves: range, start: UInt64(start), keep: { _ in true })
                var found = Dictionary(uniqueKeysWithValues: cover.nodes.map { ($0.node, $0.hash) })
                cover.append(to: &bySubtrees) { node, hash in
                    #expect(found.updateValue(hash, forKey: node) == nil, "\(node) completed twice")
                }
                #expect(bySubtrees == oneByOne, "range \(start)..<\(start + count)")
                #expect(found == expected, "range \(start)..<\(start + count)")
            }
        }
    }

    @Test func proofsOutsideTheTreeAreRefused() async throws {
        let builder = ProofBuilder(store: MemoryTree(count: 8))
        await #expect(throws: LedgerError.self) { try await builder.inclusion(index: 8, size: 8) }
        await #expect(throws: LedgerError.self) { try await builder.inclusion(index: 0, size: 9) }
        await #expect(throws: LedgerError.self) { try await builder.consistency(old: 0, new: 8) }
        await #expect(throws: LedgerError.self) { try await builder.consistency(old: 5, new: 4) }
    }
}
