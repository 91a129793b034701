import ChainDomain
import ChainProjections
import ChainServer
import Foundation
import GRDB
import LedgerClient
import LedgerCore
import LedgerReplica
import LedgerSQLite
import Testing

/// Partners' replicas of a server on loopback: they converge on the server's log, resume after an
/// interruption, follow it live, and refuse, with evidence that holds up offline, a server that
/// shows another history.
@Suite(.serialized)
struct ReplicaTests {
    @Test func twoReplicasConvergeOnTheServersLogAndProjections() async throws {
        let fixture = try await ReplicaFixture.make()
        let (service, token) = try await fixture.server()
        try await ReplicaFixture.serving(service) { port in
            for name in ["a.ledger", "b.ledger"] {
                let replica = try await fixture.replica(name, port: port, token: token, batchEvents: 50)
                let report = try await replica.pull()
                let (size, latest) = (try await service.store.size(), try await service.store.latestCheckpoint())
                #expect(report.before == 0 && report.size == size)
                #expect(report.checkpoint == latest?.note)
            }
        }
        let server = try await fixture.rows("server.ledger")
        let (a, b) = (try await fixture.rows("a.ledger"), try await fixture.rows("b.ledger"))
        let (aSame, bSame) = (a == server, b == server)
        #expect(aSame)
        #expect(bSame)
        let verified = try await LedgerVerifier(store: try SQLiteLedgerStore(path: fixture.path("a.ledger")), domain: ChainRules()).run()
        let latest = try await service.store.latestCheckpoint()
        #expect(verified.root == latest?.root)
        try await service.projector.catchUp()
        let replicaProjector = try Projector(path: fixture.path("a.ledger.projections"), store: try SQLiteLedgerStore(path: fixture.path("a.ledger")))
        try await replicaProjector.catchUp()
        let (mine, theirs) = (try await replicaProjector.digests(), try await service.projector.digests())
        #expect(mine.0 == theirs.0 && mine.1.map { "\($0.projection) \($0.digest)" } == theirs.1.map { "\($0.projection) \($0.digest)" })
        #expect(FileManager.default.fileExists(atPath: fixture.path("a.ledger.replica")))
    }

    @Test func anInterruptedPullResumesWithNoGapAndNoDuplicate() async throws {
        let fixture = try await ReplicaFixture.make()
        let (service, token) = try await fixture.server()
        try await ReplicaFixture.serving(service) { port in
            let replica = try await fixture.replica("a.ledger", port: port, token: token, batchEvents: 20)
            let pulling = Task {
                try await replica.pull { size, _ in if size > 60 { withUnsafeCurrentTask { $0?.cancel() } } }
            }
            _ = await pulling.result
            let interrupted = try await SQLiteLedgerStore(path: fixture.path("a.ledger")).size()
            let size = try await service.store.size()
            #expect(interrupted > 0 && interrupted < size, "the pull stopped part way: \(interrupted)")
            _ = try await LedgerVerifier(store: try SQLiteLedgerStore(path: fixture.path("a.ledger")), domain: ChainRules()).run()
            let resumed = try await fixture.replica("a.ledger", port: port, token: token).pull()
            #expect(resumed.before == interrupted && resumed.size == size)
        }
        let same = try await fixture.rows("a.ledger") == (try await fixture.rows("server.ledger"))
        #expect(same)
    }

    @Test func aFollowingReplicaHoldsANewCommitSoonAfterTheServerAcknowledgedIt() async throws {
        let fixture = try await ReplicaFixture.make()
        let (service, token) = try await fixture.server()
        try await ReplicaFixture.serving(service) { port in
            let replica = try await fixture.replica("a.ledger", port: port, token: token)
            let following = Task { try await replica.follow() }
            defer { following.cancel() }
            let store = try SQLiteLedgerStore(path: fixture.path("a.ledger"))
            try await Self.eventually { try await store.size() == (try await service.store.size()) }
            let receipt = try await service.append(try await fixture.measurement(service, period: "2024-11", value: 77), token: token)
            try await Self.eventually { try await store.size() == receipt.size }
            let latest = try await store.latestCheckpoint()
            #expect(latest?.root == receipt.root)
        }
    }

    /// A server restored from an older backup shows a smaller checkpoint: a rollback.
    @Test func aServerRestoredFromAnOlderBackupIsRefused() async throws {
        let fixture = try await ReplicaFixture.make()
        try fixture.copy("server.ledger", to: "backup.ledger")
        let (service, token) = try await fixture.server()
        try await ReplicaFixture.serving(service) { port in
            _ = try await service.append(try await fixture.measurement(service, period: "2024-11", value: 77), token: token)
            _ = try await fixture.replica("a.ledger", port: port, token: token).pull()
        }
        let (restored, restoredToken) = try await fixture.server("backup.ledger")
        try await Self.expectRefusal(fixture, restored, restoredToken, kind: .rollback)
    }

    /// A server restored from an older backup that went on differently, to the same size.
    @Test func aServerThatContinuedDifferentlyAfterARestoreIsRefused() async throws {
        let fixture = try await ReplicaFixture.make()
        try fixture.copy("server.ledger", to: "backup.ledger")
        let (service, token) = try await fixture.server()
        try await ReplicaFixture.serving(service) { port in
            _ = try await service.append(try await fixture.measurement(service, period: "2024-11", value: 77), token: token)
            _ = try await fixture.replica("a.ledger", port: port, token: token).pull()
        }
        let (restored, restoredToken) = try await fixture.server("backup.ledger")
        try await ReplicaFixture.serving(restored) { port in
            _ = try await restored.append(try await fixture.measurement(restored, period: "2024-11", value: 78), token: restoredToken)
            try await Self.expectRefusal(fixture, port: port, token: restoredToken, kind: .fork)
            // Once it grows further, its larger tree is as inconsistent with the replica's.
            _ = try await restored.append(try await fixture.measurement(restored, period: "2024-10", value: 79), token: restoredToken)
            try await Self.expectRefusal(fixture, port: port, token: restoredToken, kind: .inconsistent)
        }
    }

    /// The server's stored log rewritten through SQLite after the replica pulled it: the next
    /// checkpoint the server signs is of a tree whose first entries differ from the replica's, and
    /// its own consistency proof shows it.
    @Test func aServerWhoseStoredLogWasRewrittenIsRefused() async throws {
        let fixture = try await ReplicaFixture.make()
        let (service, token) = try await fixture.server()
        // The last entry a measurement, and alone in the tree's frontier (the log's size not a
        // multiple of 16), so that its stored leaf hash is what the server's next proofs are made of.
        _ = try await service.append(try await fixture.measurement(service, period: "2024-09", value: 70), token: token)
        if try await service.store.size() % 16 == 0 {
            _ = try await service.append(try await fixture.measurement(service, period: "2024-08", value: 71), token: token)
        }
        let held = try await service.store.size()
        try await ReplicaFixture.serving(service) { port in _ = try await fixture.replica("a.ledger", port: port, token: token).pull() }
        let queue = try DatabaseQueue(path: fixture.path("server.ledger"))
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER ledger_entries_refuse_update")
            let entry = try Data.fetchOne(db, sql: "SELECT entry FROM ledger_entries WHERE position = ?", arguments: [held - 1])!
            let changed = Data(String(decoding: entry, as: UTF8.self).replacingOccurrences(of: "\"value\":", with: "\"value\": ").utf8)
            try db.execute(
                sql: "UPDATE ledger_entries SET entry = ?, leaf_hash = ? WHERE position = ?",
                arguments: [changed, Data(TreeHash.leaf([UInt8](changed)).bytes), held - 1])
        }
        try queue.close()
        let (rewritten, rewrittenToken) = try await fixture.server()
        _ = try await rewritten.append(try await fixture.measurement(rewritten, period: "2024-11", value: 77), token: rewrittenToken)
        try await Self.expectRefusal(fixture, rewritten, rewrittenToken, kind: .inconsistent)
    }

    /// A server that answers with a checkpoint the ledger's key did not sign.
    @Test func aServerThatAnswersWithAForgedCheckpointIsRefused() async throws {
        let fixture = try await ReplicaFixture.make()
        let (service, token) = try await fixture.server()
        try await ReplicaFixture.serving(service) { port in _ = try await fixture.replica("a.ledger", port: port, token: token).pull() }
        let forger = try SigningKey.generate(name: fixture.checkpointKey.name)
        let latest = try await service.store.latestCheckpoint()!
        let forged = Checkpoint(origin: fixture.checkpointKey.name, size: latest.size + 1, root: .leaf([1])).signed(by: forger).serialized
        try await ForgingServer.serving(checkpoint: forged) { port in
            try await Self.expectRefusal(fixture, port: port, token: token, kind: .forgedCheckpoint)
        }
    }

    // MARK: - Helpers

    /// Pulls into replica `a.ledger` from `service`: the pull must throw the misbehaviour of
    /// `kind`, append nothing, and leave evidence that holds up offline and refuses a doctored copy.
    static func expectRefusal(_ fixture: ReplicaFixture, _ service: LedgerService, _ token: String, kind: MisbehaviourEvidence.Kind) async throws {
        try await ReplicaFixture.serving(service) { port in try await expectRefusal(fixture, port: port, token: token, kind: kind) }
    }

    static func expectRefusal(_ fixture: ReplicaFixture, port: Int, token: String, kind: MisbehaviourEvidence.Kind) async throws {
        let before = try await fixture.rows("a.ledger")
        let replica = try await fixture.replica("a.ledger", port: port, token: token)
        let files = replica.evidenceFiles
        do {
            let report = try await replica.pull()
            Issue.record("the pull was accepted: \(report)")
        } catch let ReplicaError.misbehaviour(evidence, path) {
            #expect(evidence.kind == kind, "\(evidence.conclusion)")
            #expect(path.contains("evidence") && !files.contains(path) && replica.evidenceFiles.contains(path))
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let read = try MisbehaviourEvidence(parsing: text)
            #expect(read == evidence)
            let finding = try read.verify(with: fixture.checkpointKey.verifier)
            #expect(finding.proves, "\(finding.statement)")
            // A doctored copy: a hash in it replaced.
            var lines = text.components(separatedBy: "\n")
            if kind != .forgedCheckpoint,
                let index = lines.firstIndex(where: {
                    $0.hasPrefix("prefix-root ") || $0.hasPrefix("inclusion ") || $0.hasPrefix("\t") && $0.count == 45
                })
            {
                lines[index] =
                    lines[index].hasPrefix("\t")
                    ? "\t" + String(repeating: "B", count: 43) + "=" : lines[index].replacingOccurrences(of: "=", with: "A=")
                let doctored = try? MisbehaviourEvidence(parsing: lines.joined(separator: "\n"))
                #expect(doctored == nil || (try? doctored!.verify(with: fixture.checkpointKey.verifier)) == nil, "a doctored copy is refused")
            }
        }
        let unchanged = try await fixture.rows("a.ledger") == before
        #expect(unchanged, "the replica appended nothing")
    }

    static func eventually(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<200 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the condition did not hold within 5 s")
    }
}
