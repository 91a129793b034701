import Foundation
import LedgerCore

// Cases about appending: positions, versions, atomicity, concurrency, group commit, time.
extension StoreConformance {
    static func appendAndRead(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        try expect(try await store.size() == 3, "the genesis commit holds 3 events")
        let first = try await ledger.append(
            coalition.sign(
                by: coalition.founder,
                [
                    TestCoalition.event("chain/a", expected: 0), TestCoalition.event("chain/b", expected: 0),
                    TestCoalition.event("chain/a", expected: 1),
                ]))
        try expect(first.first == 3 && first.last == 5 && first.size == 6 && !first.duplicate, "positions 3…5, got \(first)")
        let second = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("chain/a", expected: 2)]))
        try expect(second.first == 6 && second.last == 6, "the next commit starts at 6, got \(second)")
        let all = try await store.entries(from: 0, limit: 100)
        try expect(all.map(\.position) == Array(0...6), "positions are 0…6 without gaps: \(all.map(\.position))")
        try expect(try await store.version(of: "chain/a") == 3, "chain/a has 3 events")
        try expect(try await store.version(of: "chain/b") == 1, "chain/b has 1 event")
        try expect(try await store.version(of: "chain/none") == 0, "an unknown stream is at version 0")
        for entry in all {
            try expect(entry.leafHash == TreeHash.leaf(entry.bytes), "the leaf hash of \(entry.position) is SHA-256(0x00 ‖ bytes)")
            let parsed = try entry.entry()
            try expect(
                parsed.position == entry.position && parsed.version == entry.version && parsed.event.stream == entry.stream,
                "the entry bytes of \(entry.position) agree with its columns")
        }
        let root = try await ProofBuilder(store: store).root(size: 7)
        try expect(root == second.root, "the receipt's root is the tree's root")
    }
    static func idempotency(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        let commit = coalition.sign(by: coalition.founder, [TestCoalition.event("chain/a", expected: 0)])
        let original = try await ledger.append(commit)
        _ = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("chain/b", expected: 0)]))
        let before = try await Fingerprint(store)
        let again = try await ledger.append(commit)
        try expect(
            again.duplicate && again.first == original.first && again.last == original.last,
            "the re-sent commit returns its original positions: \(again)")
        try expect(try await Fingerprint(store) == before, "a re-sent commit writes nothing")
        let other = try await Ledger(store: harness.connect(to: store), domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        let viaOther = try await other.append(commit)
        try expect(viaOther.duplicate && viaOther.first == original.first, "re-sent through another connection: still a duplicate")
    }

    static func conflict(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        _ = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("chain/a", expected: 0)]))
        let before = try await Fingerprint(store)
        let error = try await refusal {
            _ = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("chain/a", expected: 0)]))
        }
        try expect(error == .versionConflict(stream: "chain/a", expected: 0, actual: 1), "conflict names stream and versions: \(error)")
        try expect(
            "\(error)".contains("chain/a") && "\(error)".contains("expects version 0") && "\(error)".contains("version 1"),
            "the message names the stream and both versions: \(error)")
        try expect(try await Fingerprint(store) == before, "a refused commit changes nothing")
    }

    static func atomicity(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        let before = try await Fingerprint(store)
        let error = try await refusal {
            _ = try await ledger.append(
                coalition.sign(
                    by: coalition.founder,
                    [
                        TestCoalition.event("chain/a", expected: 0), TestCoalition.event("chain/b", expected: 0),
                        TestCoalition.event("chain/a", expected: 5),
                    ]))
        }
        try expect(error == .versionConflict(stream: "chain/a", expected: 5, actual: 1), "the third event conflicts: \(error)")
        try expect(try await Fingerprint(store) == before, "no event of a refused commit is stored")
        _ = try await ledger.append(coalition.sign(by: coalition.founder, [TestCoalition.event("chain/a", expected: 0)]))
        try expect(try await store.size() == 4, "the ledger goes on where it was")
    }

    static func failedPlan(_ harness: any StoreHarness) async throws {
        let (store, _, _) = try await founded(harness)
        let before = try await Fingerprint(store)
        struct Stop: Error {}
        do {
            let _: Int = try await store.append(AppendQuery(commitIDs: [], streams: ["x"], tailStart: 0, tailPrefixes: [])) { snapshot in
                try expect(snapshot.size == 3 && snapshot.streamVersions["x"] == .empty, "the snapshot shows the log as it is")
                throw Stop()
            }
            throw ConformanceFailure(description: "the store swallowed the plan's error")
        } catch is Stop {}
        try expect(try await Fingerprint(store) == before, "a failed plan leaves the store unchanged")
    }

    static func race(_ harness: any StoreHarness) async throws {
        let (store, _, coalition) = try await founded(harness)
        let writers = try await (0..<2).asyncMap { _ in
            try await Ledger(store: harness.connect(to: store), domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        }
        let commits = (0..<2).map { index in
            coalition.sign(by: coalition.founder, [TestCoalition.event("chain/contested", expected: 0, "writer \(index)")])
        }
        let results = await withTaskGroup(of: Result<AppendReceipt, any Error>.self) { group in
            for (writer, commit) in zip(writers, commits) {
                group.addTask { await Result(catching: { try await writer.append(commit) }) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = results.filter { if case .success = $0 { true } else { false } }
        let conflicts = results.filter {
            if case .failure(let error as LedgerError) = $0, case .versionConflict("chain/contested", 0, 1) = error { return true }
            return false
        }
        try expect(winners.count == 1 && conflicts.count == 1, "one winner and one conflict: \(results)")
        let size = try await store.size()
        let version = try await store.version(of: "chain/contested")
        try expect(size == 4 && version == 1, "exactly one event was stored")
        _ = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
    }

    static func concurrentWriters(_ harness: any StoreHarness) async throws {
        let (store, _, coalition) = try await founded(harness)
        let writers = try await (0..<4).asyncMap { _ in
            try await Ledger(store: harness.connect(to: store), domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, writer) in writers.enumerated() {
                group.addTask {
                    for step in 0..<10 {
                        _ = try await writer.append(
                            coalition.sign(
                                by: coalition.founder,
                                [
                                    TestCoalition.event("writer/\(index)", expected: UInt64(2 * step)),
                                    TestCoalition.event("writer/\(index)", expected: UInt64(2 * step + 1)),
                                ]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = try await store.entries(from: 0, limit: 1000)
        try expect(entries.map(\.position) == Array(0..<83), "83 gapless positions, got \(entries.count)")
        for index in 0..<4 {
            let versions = try await store.entries(stream: "writer/\(index)", fromVersion: 1, limit: 100).map(\.version)
            try expect(versions == Array(1...20), "writer/\(index) holds versions 1…20")
        }
        let report = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
        try expect(report.size == 83 && report.commits == 41, "verify covers every commit: \(report)")
    }

    static func writerBehind(_ harness: any StoreHarness) async throws {
        let (store, ahead, coalition) = try await founded(harness)
        let behind = try await Ledger(store: harness.connect(to: store), domain: OpenDomain(), checkpointKey: coalition.checkpointKey)
        let own = try await behind.append(coalition.sign(by: coalition.founder, [TestCoalition.event("behind/1", expected: 0)]))
        // Three events this writer does not know of: it prepares its next commit for position 4.
        for step in 0..<3 {
            _ = try await ahead.append(coalition.sign(by: coalition.founder, [TestCoalition.event("ahead/1", expected: UInt64(step))]))
        }
        let next = try await behind.append(
            coalition.sign(
                by: coalition.founder,
                [
                    TestCoalition.event("behind/1", expected: 1), TestCoalition.event("behind/2", expected: 0),
                ]))
        try expect(own.first == 3 && next.first == 7 && next.last == 8 && next.size == 9, "appended at the log's end: \(own), \(next)")
        let stored = try await store.entries(from: 7, limit: 2)
        let entries = try stored.map { try $0.entry() }
        try expect(
            entries.map(\.position) == [7, 8] && entries.map(\.version) == [2, 1],
            "the entries carry the positions and versions they were stored with: \(entries.map { ($0.position, $0.version) })")
        let report = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
        try expect(report.size == 9, "verify covers all nine entries: \(report)")
    }

    static func groupCommit(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        let good1 = coalition.sign(by: coalition.founder, [TestCoalition.event("g/1", expected: 0)])
        let stale = coalition.sign(by: coalition.founder, [TestCoalition.event("g/1", expected: 0, "again")])
        let good2 = coalition.sign(by: coalition.founder, [TestCoalition.event("g/2", expected: 0), TestCoalition.event("g/1", expected: 1)])
        let results = try await ledger.append([good1, stale, good2, good1])
        guard case .success(let first) = results[0], case .failure(let error) = results[1],
            case .success(let third) = results[2], case .success(let repeated) = results[3]
        else { throw ConformanceFailure(description: "unexpected group results \(results)") }
        try expect(first.first == 3 && third.first == 4 && third.last == 5, "accepted commits are packed: \(first), \(third)")
        try expect(error == .versionConflict(stream: "g/1", expected: 0, actual: 1), "the stale commit conflicts: \(error)")
        try expect(repeated.duplicate && repeated.first == 3, "a commit repeated within the batch is a duplicate")
        let checkpoints = try await store.checkpoints(fromSize: 0, limit: 10).map(\.size)
        try expect(checkpoints == [3, 6], "one checkpoint per transaction: \(checkpoints)")

        // A commit that takes an existing stream for new is refused; the rest of its group is kept.
        let before = try await Fingerprint(store)
        let retaken = coalition.sign(by: coalition.founder, [TestCoalition.event("g/2", expected: 0, "again")])
        let fresh = coalition.sign(by: coalition.founder, [TestCoalition.event("g/3", expected: 0)])
        let second = try await ledger.append([retaken, fresh])
        guard case .failure(let retakenError) = second[0], case .success(let freshReceipt) = second[1] else {
            throw ConformanceFailure(description: "unexpected group results \(second)")
        }
        try expect(retakenError == .versionConflict(stream: "g/2", expected: 0, actual: 1), "g/2 exists: \(retakenError)")
        try expect(freshReceipt.first == before.size && freshReceipt.last == before.size, "the fresh commit is written: \(freshReceipt)")
        try expect(try await store.size() == before.size + 1, "only the fresh commit's event was added")
    }

    static func concurrentAppendsGroup(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        let commits = (0..<20).map { coalition.sign(by: coalition.founder, [TestCoalition.event("group/\($0)", expected: 0)]) }
        let receipts = try await withThrowingTaskGroup(of: AppendReceipt.self) { group in
            for commit in commits { group.addTask { try await ledger.append(commit) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try expect(Set(receipts.map(\.first)) == Set(3..<23), "20 commits at positions 3…22: \(receipts.map(\.first).sorted())")
        let checkpoints = try await store.checkpoints(fromSize: 4, limit: 100)
        try expect(
            checkpoints.count < 20 && checkpoints.last?.size == 23,
            "concurrent commits were grouped into fewer transactions: \(checkpoints.count) checkpoints")
        _ = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
    }

    static func cancelledAppend(_ harness: any StoreHarness) async throws {
        let (store, ledger, coalition) = try await founded(harness)
        let before = try await Fingerprint(store)
        let commit = coalition.sign(by: coalition.founder, [TestCoalition.event("cancelled/1", expected: 0)])
        let attempt = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ledger.append(commit)
        }
        let outcome = await attempt.result
        guard case .failure(is CancellationError) = outcome else {
            throw ConformanceFailure(description: "a cancelled append ends with CancellationError: \(outcome)")
        }
        try expect(try await Fingerprint(store) == before, "a cancelled append leaves the store unchanged")
        let receipt = try await ledger.append(commit)
        try expect(receipt.first == before.size && !receipt.duplicate, "the same commit is written when sent again: \(receipt)")
    }

    static func drivenClock(_ harness: any StoreHarness) async throws {
        let store = try await harness.makeStore()
        var coalition = try TestCoalition()
        let time = ManualTime(Timestamp(rfc3339: "2025-01-31T12:00:00Z")!)
        let ledger = try await Ledger(store: store, domain: OpenDomain(), checkpointKey: coalition.checkpointKey, clock: .manual(time))
        _ = try await ledger.append(try coalition.genesis(time: time.current))
        time.set(Timestamp(rfc3339: "2025-02-28T12:00:00Z")!)
        let february = try await ledger.append(
            coalition.sign(by: coalition.founder, [TestCoalition.event("clock/1", expected: 0)], time: time.current))
        time.set(Timestamp(rfc3339: "2025-02-01T12:00:00Z")!)
        let earlier = try await ledger.append(
            coalition.sign(by: coalition.founder, [TestCoalition.event("clock/2", expected: 0)], time: time.current))
        let recorded = try await store.entries(from: 0, limit: 100).map { try $0.entry().recordedAt.description }
        try expect(recorded.first == "2025-01-31T12:00:00.000Z", "the genesis is recorded at the clock's time: \(recorded)")
        try expect(recorded[Int(february.first)] == "2025-02-28T12:00:00.000Z", "a commit is recorded at the clock's time: \(recorded)")
        try expect(
            recorded[Int(earlier.first)] == "2025-02-28T12:00:00.000Z",
            "a clock set back records no earlier than the commit before: \(recorded)")
        _ = try await LedgerVerifier(store: store, domain: OpenDomain()).run()
    }
}
