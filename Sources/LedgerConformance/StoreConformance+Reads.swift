import Foundation
import LedgerCore

// Cases about reading what was written: entries, proofs, checkpoints, keys, verification.
extension StoreConformance {
    static func reads(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        let signed = coalition.sign(
            by: coalition.founder,
            (0..<10).map {
                TestCoalition.event("kpi/\($0 % 3)", expected: UInt64($0 / 3), "value \($0)")
            })
        let receipt = try await ledger.append(signed)
        let stream = try await store.entries(stream: "kpi/1", fromVersion: 2, limit: 10)
        try expect(stream.map(\.version) == [2, 3] && stream.map(\.position) == [7, 10], "kpi/1 from version 2: \(stream.map(\.position))")
        let page = try await store.entries(from: 4, limit: 3)
        try expect(page.map(\.position) == [4, 5, 6], "a page of 3 from position 4")
        let prefixed = try await store.entries(streamPrefixes: ["organisation/", "kpi/2"], from: 0, limit: 100)
        try expect(
            prefixed.map(\.stream) == ["organisation/gemeente-heuvelstad", "organisation/gemeente-heuvelstad", "kpi/2", "kpi/2", "kpi/2"],
            "prefix reads in position order: \(prefixed.map(\.stream))")
        let commit = try await store.commit(receipt.commit)
        try expect(commit?.first == 3 && commit?.last == 12 && commit?.organisation == coalition.founder, "commit by id")
        try expect(commit?.bytes == signed.bytes && commit?.part == .document, "a commit reads back with its whole document, byte for byte")
        let whole = try await store.commits(from: 0, limit: 10)
        let entries = try await store.entries(from: 0, limit: 100)
        let kept = try await store.keptCommits(from: 0, limit: 10)
        try expect(
            try kept.map { try $0.reassembled(from: entries[Int($0.first)...]) } == whole,
            "the commits as kept, put back together from their entries, are the whole commits")
        try expect(try await store.commits(from: 1, limit: 10).map(\.first) == [3], "commits starting at or after position 1")
        try expect(try await store.commit(CommitID(of: [1, 2, 3])) == nil, "an unknown commit id reads as nil")
        try expect(try await store.entries(from: 13, limit: 5).isEmpty, "nothing beyond the end")
        // Positions, versions and sizes come from requests: the largest read as "beyond the end".
        for far in [UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max] {
            try expect(try await store.entries(from: far, limit: 5).isEmpty, "no entries from \(far)")
            try expect(try await store.entries(stream: "kpi/1", fromVersion: far, limit: 5).isEmpty, "no stream entries from \(far)")
            try expect(try await store.entries(streamPrefixes: ["kpi/"], from: far, limit: 5).isEmpty, "no prefix entries from \(far)")
            try expect(try await store.commits(from: far, limit: 5).isEmpty, "no commits from \(far)")
            try expect(try await store.keptCommits(from: far, limit: 5).isEmpty, "no kept commits from \(far)")
            try expect(try await store.checkpoint(size: far) == nil, "no checkpoint of size \(far)")
            try expect(try await store.checkpoints(fromSize: far, limit: 5).isEmpty, "no checkpoints from \(far)")
        }
    }
    static func proofs(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        for step in 0..<12 {
            _ = try await ledger.append(
                coalition.sign(
                    by: coalition.founder,
                    (0..<3).map {
                        TestCoalition.event("p/\($0)", expected: UInt64(step))
                    }))
        }
        let size = try await store.size()
        let builder = ProofBuilder(store: store)
        for treeSize in [UInt64(1), 2, 3, 7, 8, 9, 16, 17, size] {
            let root = try await builder.root(size: treeSize)
            for index in 0..<treeSize {
                let proof = try await builder.inclusion(index: index, size: treeSize)
                try expect(proof.root == root, "inclusion root at size \(treeSize)")
                try proof.verify()
            }
            for old in 1...treeSize {
                try await builder.consistency(old: old, new: treeSize).verify()
            }
        }
        let checkpoint = try await store.latestCheckpoint()
        let root = try await builder.root(size: size)
        try expect(checkpoint?.size == size && checkpoint?.root == root, "the latest checkpoint signs the current root")
        // A tree larger than the log does not exist yet: every proof of one says so.
        for beyond in [size + 1, size + 16, size * 2 + 3] {
            let attempts: [(String, @Sendable () async throws -> Void)] = [
                ("root", { _ = try await builder.root(size: beyond) }),
                ("inclusion", { _ = try await builder.inclusion(index: 0, size: beyond) }),
                ("consistency", { _ = try await builder.consistency(old: 1, new: beyond) }),
            ]
            for (name, attempt) in attempts {
                do {
                    try await attempt()
                    throw ConformanceFailure(description: "a \(name) proof at size \(beyond) of a log of \(size) was given")
                } catch let error as LedgerError {
                    guard case .outOfRange = error else { throw error }
                    try expect("\(error)".contains("there is no tree of size \(beyond) yet"), "\(name) at \(beyond): \(error)")
                }
            }
        }
        // Positions and sizes from requests, at the edges: refused as out of range, never a trap.
        let edges: [(String, @Sendable () async throws -> Void)] = [
            ("inclusion in the empty tree", { _ = try await builder.inclusion(index: UInt64(Int64.max) - 1, size: 0) }),
            ("inclusion at the largest position", { _ = try await builder.inclusion(index: .max, size: size) }),
            ("consistency from the largest size", { _ = try await builder.consistency(old: .max, new: size) }),
            ("consistency of empty trees", { _ = try await builder.consistency(old: 0, new: 0) }),
        ]
        for (name, attempt) in edges {
            do {
                try await attempt()
                throw ConformanceFailure(description: "\(name) was given a proof")
            } catch let error as LedgerError {
                guard case .outOfRange = error else { throw error }
            }
        }
    }

    static func checkpoints(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        _ = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("c/1", expected: 0)]))
        let stored = try await store.checkpoints(fromSize: 0, limit: 10)
        try expect(stored.map(\.size) == [3, 4], "a checkpoint for each append: \(stored.map(\.size))")
        for checkpoint in stored {
            let opened = try Checkpoint.open(checkpoint.note, verifier: coalition.checkpointKey.verifier)
            try expect(
                opened.size == checkpoint.size && opened.root == checkpoint.root && opened.origin == "ledger.test/heuvelstad",
                "the note states origin, size and root")
        }
        try expect(try await store.checkpoint(size: 4) == stored[1], "checkpoint by size")
        try expect(try await store.checkpoint(size: 5) == nil, "no checkpoint for a size not written")
    }

    static func checkpointChain(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        for step in 0..<3 {
            _ = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("chain/\(step)", expected: 0)]))
        }
        let checkpoints = try await store.checkpoints(fromSize: 0, limit: 100)
        try expect(
            checkpoints.map(\.previousSize) == [0] + checkpoints.dropLast().map { Optional($0.size) },
            "each checkpoint records the size of the one before it: \(checkpoints.map { ($0.size, $0.previousSize) })")
    }

    static func keys(_ harness: any StoreHarness) async throws {
        let (store, ledger, original) = try await founded(harness)
        var coalition = original
        _ = try await ledger.append(try coalition.admit("woonstichting-hoeksteen"))
        let stranger = try SigningKey.generate(name: "stranger")
        let before = try await Fingerprint(store)
        let unknown = try await refusal {
            _ = try await ledger.append(coalition.sign(by: "woonstichting-hoeksteen", [TestCoalition.event("s/1", expected: 0)], key: stranger))
        }
        try expect(unknown == .unknownKey(organisation: "woonstichting-hoeksteen", keyID: KeyID.of(stranger.verifier.publicKey)), "\(unknown)")
        let foreign = try await refusal {
            _ = try await ledger.append(
                coalition.sign(
                    by: coalition.founder, [TestCoalition.event("s/1", expected: 0)],
                    key: coalition.keys["woonstichting-hoeksteen"]))
        }
        guard case .foreignKey = foreign else { throw ConformanceFailure(description: "expected a foreign key: \(foreign)") }
        var forged = coalition.sign(by: coalition.founder, [TestCoalition.event("s/1", expected: 0)])
        var signature = forged.signature
        signature[10] ^= 0x40
        forged = SignedCommit(bytes: forged.bytes, signature: signature)
        let bad = try await refusal { _ = try await ledger.append(forged) }
        guard case .badSignature = bad else { throw ConformanceFailure(description: "expected a bad signature: \(bad)") }
        let member = try await refusal {
            _ = try await ledger.append(
                coalition.sign(
                    by: "woonstichting-hoeksteen",
                    [
                        try EventLine(
                            stream: "organisation/zorggroep-de-brug", expectedVersion: 0, type: "OrganisationJoined",
                            data: CoreEvent.organisationJoinedData(organisation: "zorggroep-de-brug", name: "Zorggroep De Brug"))
                    ]))
        }
        guard case .unauthorised = member else { throw ConformanceFailure(description: "only coordinators admit: \(member)") }
        try expect(try await Fingerprint(store) == before, "refused commits change nothing")

        let hoeksteenKey = coalition.keys["woonstichting-hoeksteen"]!
        _ = try await ledger.append(
            coalition.sign(
                by: coalition.founder,
                [
                    try EventLine(
                        stream: "organisation/woonstichting-hoeksteen", expectedVersion: 2, type: "KeyRevoked",
                        data: CoreEvent.keyRevokedData(
                            organisation: "woonstichting-hoeksteen",
                            keyID: KeyID.of(hoeksteenKey.verifier.publicKey), reason: "laptop lost"))
                ]))
        let revoked = try await refusal {
            _ = try await ledger.append(coalition.sign(by: "woonstichting-hoeksteen", [TestCoalition.event("s/1", expected: 0)]))
        }
        guard case .revokedKey = revoked else { throw ConformanceFailure(description: "expected a revoked key: \(revoked)") }
    }

    static func verifies(_ harness: any StoreHarness) async throws {
        let (store, ledger, original) = try await founded(harness)
        var coalition = original
        _ = try await ledger.append(try coalition.admit("zorggroep-de-brug"))
        for step in 0..<5 {
            _ = try await ledger.append(coalition.sign(by: "zorggroep-de-brug", [TestCoalition.event("v/1", expected: UInt64(step))]))
        }
        let report = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
        let size = try await store.size()
        try expect(report.size == size && report.commits == 7 && report.checkpoints == 7, "verify covers the log: \(report)")
        try expect(report.root == (try await ProofBuilder(store: store).root(size: size)), "verify's root is the tree's root")
    }
}
