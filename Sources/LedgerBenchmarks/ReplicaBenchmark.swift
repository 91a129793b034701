import ChainDomain
import ChainProjections
import ChainSamples
import ChainServer
import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerClient
import LedgerCore
import LedgerReplica
import LedgerSQLite
import Logging
import NIOConcurrencyHelpers

/// A partner's replica over loopback TCP: `pull` of the whole ledger (every commit admitted by the
/// chain rules, every checkpoint checked) against `verify` of the same ledger in the same run, and
/// follow latency (from the server's acknowledgement to the replica holding the commit) while a
/// writer appends 10 commits a second.
enum ReplicaBenchmark {
    static func run(events: Int, folder: URL, followSeconds: Int) async throws {
        let path = folder.appendingPathComponent("coalition.sqlite").path
        let checkpointKey = try SigningKey.generate(name: "ledger.example/bench")
        let store = try SQLiteLedgerStore(path: path)
        let builder = try await SampleBuilder(store: store, checkpointKey: checkpointKey, seed: 1, start: CalendarDate(1990, 1, 1)!)
        let ledger = builder.ledger
        var synthetic = SyntheticCoalition(seed: 1)
        try await synthetic.write(builder, checkpointKey: checkpointKey.verifier, events: events)
        let size = try await store.size()
        print("replica benchmark: synthetic coalition with \(size) entries in commits of 1,000, served over loopback TCP")

        let verifyStart = Date()
        let verified = try await LedgerVerifier(store: store, domain: ChainRules()).run()
        let verifySeconds = Date().timeIntervalSince(verifyStart)
        Benchmarks.report("verify with the chain rules (the floor)", count: Int(verified.size), seconds: verifySeconds, unit: "events")

        let projector = try Projector(path: path + ".projections", store: store)
        let tokens = AccessTokens(store: try SQLiteAccessTokenStore(path: path + ".access"))
        let token = try await tokens.issue(organisation: SyntheticCoalition.organisation(0), person: "bench", role: .auditor, validFor: 1)
        let service = LedgerService(ledger: ledger, projector: projector, tokens: tokens)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let app = buildApplication(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: logger)
        var factory = EventFactory()
        var writes: [SignedCommit] = []
        for _ in 0..<(followSeconds * 10) {
            let (organisation, measurements) = synthetic.nextMeasurements(count: 5)
            writes.append(try builder.signed(by: organisation, measurements, factory: &factory))
        }
        let commits = writes
        try await app.test(.live) { client in
            let api = LedgerAPI(base: "http://127.0.0.1:\(client.port!)", token: token)
            let replicaPath = folder.appendingPathComponent("replica.sqlite").path
            let replica = try await Replica(path: replicaPath, api: api, domain: ChainRules(), verifierKey: checkpointKey.verifier)
            resetPeakMemory()
            let pullStart = Date()
            let report = try await replica.pull()
            let pullSeconds = Date().timeIntervalSince(pullStart)
            precondition(report.size == size, "the replica holds the whole log")
            Benchmarks.report("pull over loopback into a new replica, verification included", count: Int(size), seconds: pullSeconds, unit: "events")
            let peak = peakMemoryMiB()
            print(
                String(
                    format:
                        "  pull = %.0f %% of the speed of verify (goal ≥ 50 %%); peak resident memory during the pull %.0f MiB (server and replica in one process)",
                    100 * verifySeconds / pullSeconds, peak))
            Benchmarks.headline(
                "pull of a replica against verify of the same ledger", Benchmarks.percent(verifySeconds / pullSeconds), goal: "≥ 50 %")

            try await follow(replica: replica, service: service, commits: commits)
        }
    }

    /// A writer appends 10 commits a second; the following replica notes when it holds each.
    static func follow(replica: Replica<ChainRules>, service: LedgerService, commits: [SignedCommit]) async throws {
        let acknowledged = NIOLockedValueBox<[UInt64: Date]>([:])
        let latencies = NIOLockedValueBox<[Double]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await replica.follow(onPull: { report in
                    let now = Date()
                    acknowledged.withLockedValue { acknowledged in
                        for (size, at) in acknowledged where size <= report.size {
                            latencies.withLockedValue { $0.append(now.timeIntervalSince(at)) }
                            acknowledged[size] = nil
                        }
                    }
                })
            }
            // Let the follower connect before the first commit.
            try await Task.sleep(for: .seconds(1))
            let start = ContinuousClock.now
            for (index, commit) in commits.enumerated() {
                try await Task.sleep(until: start + .milliseconds(100 * index))
                let receipt = try await service.append(commit)
                let at = Date()
                acknowledged.withLockedValue { $0[receipt.size] = at }
            }
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, !acknowledged.withLockedValue({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(20)) }
            group.cancelAll()
        }
        let samples = latencies.withLockedValue { $0 }
        let missed = acknowledged.withLockedValue { $0.count }
        print("follow: \(commits.count) commits of 5 events at 10 commits/s; \(missed) not held within 10 s of the last")
        let p99 = Benchmarks.quantiles("  from the server's acknowledgement to the replica holding the commit", samples)
        Benchmarks.headline("follow latency at 10 commits/s, p99", String(format: "%.0f ms", p99), goal: "< 100 ms")
    }

    /// Resets the kernel's peak resident set size of this process (Linux: `clear_refs` 5), so
    /// that the next reading is the peak of what follows.
    static func resetPeakMemory() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The peak resident set size since the last reset (`VmHWM`), in MiB.
    static func peakMemoryMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return Benchmarks.peakMemoryMiB() }
        return kilobytes / 1024
    }
}
