import ChainDomain
import ChainProjections
import ChainSamples
import ChainServer
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerCore
import LedgerSQLite
import Logging
import NIOCore

/// Server figures over loopback TCP, with a Swift load client (one keep-alive connection per
/// client): appends in signed commits of 1,000 events against the in-process rate, 64 concurrent
/// single-event writers (group commit), and KPI-tree reads at 64 connections.
enum ServerBenchmark {
    static let connections = 64

    static func run(events: Int, folder: URL) async throws {
        let path = folder.appendingPathComponent("server-ledger.sqlite").path
        let checkpointKey = try SigningKey.generate(name: "ledger.example/bench")
        let store = try SQLiteLedgerStore(path: path)
        let builder = try await SampleBuilder(store: store, checkpointKey: checkpointKey, seed: 1, start: CalendarDate(1990, 1, 1)!)
        let ledger = builder.ledger
        var synthetic = SyntheticCoalition(seed: 1)
        try await synthetic.write(builder, checkpointKey: checkpointKey.verifier, events: events)
        let projector = try Projector(path: path + ".projections", store: store)
        try await projector.catchUp()
        let tokens = AccessTokens(store: try SQLiteAccessTokenStore(path: path + ".access"))
        var tokenOf: [String: String] = [:]
        for index in 0..<synthetic.organisations {
            let organisation = SyntheticCoalition.organisation(index)
            tokenOf[organisation] = try await tokens.issue(organisation: organisation, person: "bench", role: .member, validFor: 1)
        }
        let reader = tokenOf[SyntheticCoalition.organisation(0)]!
        print(
            "server benchmark: synthetic coalition with \(try await store.size()) entries, loopback TCP, \(connections) connections for the concurrent phases"
        )

        // Commits of 1,000 measurements: half appended in process, half over HTTP.
        let batches = 40
        var factory = EventFactory()
        var big: [(organisation: String, commit: SignedCommit)] = []
        for _ in 0..<(2 * batches) {
            let (organisation, measurements) = synthetic.nextMeasurements(count: 1000)
            big.append((organisation, try builder.signed(by: organisation, measurements, factory: &factory)))
        }
        let start = Date()
        for (_, commit) in big.prefix(batches) { _ = try await ledger.append(commit) }
        let inProcess = Double(batches * 1000) / Date().timeIntervalSince(start)
        Benchmarks.report(
            "in process: append, commits of 1,000 events, one at a time", count: batches * 1000,
            seconds: Double(batches * 1000) / inProcess, unit: "events")

        // 64 writers of single-event commits, 40 each.
        let perWriter = 40
        var singles: [[(String, SignedCommit)]] = Array(repeating: [], count: connections)
        for index in 0..<(connections * perWriter) {
            let (organisation, measurements) = synthetic.nextMeasurements(count: 1)
            singles[index % connections].append((organisation, try builder.signed(by: organisation, measurements, factory: &factory)))
        }

        // Commits for the writer that runs beside the readers (plenty for the phase).
        var extra: [(String, SignedCommit)] = []
        for _ in 0..<200 {
            let (organisation, measurements) = synthetic.nextMeasurements(count: 10)
            extra.append((organisation, try builder.signed(by: organisation, measurements, factory: &factory)))
        }
        let service = LedgerService(ledger: ledger, projector: projector, tokens: tokens)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        // Its clients share one address and one token: no request limits.
        let app = buildApplication(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0, requests: .none), logger: logger)
        let tokenFor = tokenOf
        let httpCommits = Array(big.suffix(batches))
        let writes = singles
        let writerCommits = extra
        let chainCount = synthetic.chains
        try await app.test(.live) { client in
            let port = client.port!
            // Over HTTP, one client waiting for each receipt (the same as in process).
            let httpStart = Date()
            for (organisation, commit) in httpCommits {
                let response = try await client.execute(
                    uri: "/api/commits", method: .post, headers: bearer(tokenFor[organisation]!), body: body(commit))
                precondition(response.status == .created, "\(response.status)")
            }
            let overHTTP = Double(batches * 1000) / Date().timeIntervalSince(httpStart)
            Benchmarks.report(
                "over HTTP: POST /api/commits, commits of 1,000 events, one at a time", count: batches * 1000,
                seconds: Double(batches * 1000) / overHTTP, unit: "events")
            print(String(format: "  over HTTP = %.0f %% of the in-process rate (goal ≥ 50 %%)", 100 * overHTTP / inProcess))
            Benchmarks.headline("POST /api/commits against appending in process", Benchmarks.percent(overHTTP / inProcess), goal: "≥ 50 %")

            // Concurrent single-event writers.
            let checkpointsBefore = try await store.checkpoints(fromSize: 0, limit: 1_000_000).count
            let writeStart = Date()
            let writeLatencies = try await withClients(port: port) { index, client in
                var latencies: [Double] = []
                for (organisation, commit) in writes[index] {
                    let sent = Date()
                    let response = try await client.post("/api/commits", headers: bearer(tokenFor[organisation]!), body: body(commit))
                    precondition(response.status == .created, "\(response.status) \(response.body.map { String(buffer: $0) } ?? "")")
                    latencies.append(Date().timeIntervalSince(sent))
                }
                return latencies
            }
            let seconds = Date().timeIntervalSince(writeStart)
            let transactions = try await store.checkpoints(fromSize: 0, limit: 1_000_000).count - checkpointsBefore
            Benchmarks.report(
                "over HTTP: \(connections) writers of single-event commits", count: writeLatencies.count, seconds: seconds, unit: "commits")
            print("  in \(transactions) transactions (group commit); goal ≥ 2,000 commits/s")
            Benchmarks.headline(
                "\(connections) HTTP writers of single-event commits",
                String(format: "%.0f commits/s", Double(writeLatencies.count) / seconds), goal: "≥ 2,000 commits/s")
            Benchmarks.quantiles("  commit latency", writeLatencies)

            // KPI-tree reads. First each chain's answer once, computed (nothing cached for this
            // moment yet); then 64 connections reading, with the answers cached; then the same
            // while a writer appends a commit every 100 ms (each moves "now" on once the server
            // has caught up and computed the trees that commit changed).
            let catchUpStart = Date()
            let caughtUp = try await client.execute(uri: "/api/status?as_of=1", method: .get, headers: bearer(reader))
            precondition(caughtUp.status == .ok)
            print(
                String(
                    format: "over HTTP: the first read after the writes above catches the projections up: %.0f ms",
                    Date().timeIntervalSince(catchUpStart) * 1000))
            var computed: [Double] = []
            for chain in 0..<chainCount {
                let sent = Date()
                let response = try await client.execute(uri: "/api/status?chain=chain-\(chain)", method: .get, headers: bearer(reader))
                precondition(response.status == .ok)
                computed.append(Date().timeIntervalSince(sent))
            }
            Benchmarks.quantiles("over HTTP: one chain's KPI tree, computed (first read of each chain at a new moment)", computed)
            let perReader = 300
            for (label, writing) in [("answers cached", false), ("while a writer appends 10 commits/s", true)] {
                let writer =
                    writing
                    ? Task {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                            for (organisation, commit) in writerCommits {
                                try await Task.sleep(for: .milliseconds(100))
                                let response = try await client.post("/api/commits", headers: bearer(tokenFor[organisation]!), body: body(commit))
                                precondition(response.status == .created)
                            }
                        }
                    } : nil
                let readStart = Date()
                let sizesBefore = try await service.store.size()
                let seen = SeenSizes()
                let readLatencies = try await withClients(port: port) { index, client in
                    var latencies: [Double] = []
                    for request in 0..<perReader {
                        let sent = Date()
                        let response = try await client.get("/api/status?chain=chain-\((index + request) % 20)", headers: bearer(reader))
                        precondition(response.status == .ok)
                        latencies.append(Date().timeIntervalSince(sent))
                        if let body = response.body { seen.record(body) }
                    }
                    return latencies
                }
                let sizeAfter = try await service.store.size()
                writer?.cancel()
                _ = await writer?.result
                Benchmarks.report(
                    "over HTTP: GET /api/status?chain=…, \(connections) connections, \(label)", count: readLatencies.count,
                    seconds: Date().timeIntervalSince(readStart), unit: "requests")
                let p99 = Benchmarks.quantiles("  KPI tree latency (goal p99 < 20 ms)", readLatencies)
                Benchmarks.headline(
                    "GET /api/status?chain=… from \(connections) connections, \(label), p99", String(format: "%.1f ms", p99), goal: "< 20 ms")
                let sizes = seen.sizes
                print(
                    "  moments served: \(sizes.count) (log sizes \(sizes.min() ?? 0) to \(sizes.max() ?? 0)); "
                        + "the log grew from \(sizesBefore) to \(sizeAfter) during the reads")
            }
        }
        print(String(format: "peak resident memory: %.0f MiB", Benchmarks.peakMemoryMiB()))
    }

    /// Runs `work` on `connections` clients at once, each on its own connection; returns every
    /// latency they report.
    static func withClients(port: Int, _ work: @escaping @Sendable (Int, TestClient) async throws -> [Double]) async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for index in 0..<connections {
                group.addTask {
                    try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        _ = try await client.getChannel() // connected before the first timed request
                        return try await work(index, client)
                    }
                }
            }
            var all: [Double] = []
            for try await latencies in group { all += latencies }
            return all
        }
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func body(_ commit: SignedCommit) -> ByteBuffer {
        ByteBuffer(
            string: #"{"signed":"\#(Data(commit.bytes).base64EncodedString())","signature":"\#(Data(commit.signature).base64EncodedString())"}"#)
    }
}

/// The log sizes of the moments the answers were about (`"size":N` in the answer's moment,
/// which comes near its end: the keys are sorted).
final class SeenSizes: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<UInt64> = []

    func record(_ body: ByteBuffer) {
        let tail = body.getString(at: body.readerIndex + max(0, body.readableBytes - 256), length: min(256, body.readableBytes)) ?? ""
        guard let range = tail.range(of: "\"size\":", options: .backwards) else { return }
        let digits = tail[range.upperBound...].prefix { $0.isNumber }
        guard let size = UInt64(digits) else { return }
        _ = lock.withLock { seen.insert(size) }
    }

    var sizes: Set<UInt64> { lock.withLock { seen } }
}
