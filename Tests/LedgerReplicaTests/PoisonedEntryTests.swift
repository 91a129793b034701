import ChainDomain
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
import Testing

/// A ledger that already holds a number no reader renders as signed (`1e-400`, written before
/// admission refused such numbers) stays readable and replicable: every read route serves the
/// stored bytes as they are, following delivers past it, and a replica pulls and verifies it.
struct PoisonedEntryTests {
    @Test func everyReadRouteServesTheStoredEntryAsItIs() async throws {
        let fixture = try await ReplicaFixture.make()
        // Written as a ledger without the rule wrote it.
        let writer = try await Ledger(
            store: try SQLiteLedgerStore(path: fixture.path("server.ledger")), domain: OpenDomain(), checkpointKey: fixture.checkpointKey)
        let measurement = ChainEvent.measurementRecorded(
            Measurement(
                kpi: "intake-14d", period: Period("2024-02")!, organisation: "stichting-opvang-heuvelstad", value: 91, status: .normal,
                source: "test"))
        var factory = EventFactory(versions: [measurement.stream: try await writer.store.version(of: measurement.stream)])
        let good = try #require(try factory.lines([measurement]).first)
        let text = String(decoding: good.data, as: UTF8.self)
        #expect(text.contains(#""value":91"#))
        let line = try EventLine(
            stream: good.stream, expectedVersion: good.expectedVersion, type: good.type, schema: good.schema,
            data: Array(text.replacingOccurrences(of: #""value":91"#, with: #""value":1e-400"#).utf8))
        let receipt = try await writer.append(
            SignedCommit.sign(
                ledger: try await writer.ledgerID(), organisation: "stichting-opvang-heuvelstad", key: fixture.keys["stichting-opvang-heuvelstad"]!,
                events: [line]))
        let position = receipt.first
        let stored = try #require(try await writer.store.entries(from: position, limit: 1).first)

        let (service, token) = try await fixture.server()
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let app = buildApplication(service: service, settings: ServerSettings(host: "127.0.0.1", port: 0), logger: quiet)
        try await app.test(.live) { client in
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            func leaf(_ uri: String, _ path: (Any) -> Any?) async throws -> String? {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == .ok, "\(uri): \(response.status) \(String(buffer: response.body))")
                #expect(String(buffer: response.body).contains("1e-400"), "\(uri) serves the number as signed")
                return path(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? String
            }
            let expected = Data(stored.bytes).base64EncodedString()
            #expect(try await leaf("/api/log/\(position)") { ($0 as? [String: Any])?["leaf"] } == expected)
            let page = try await leaf("/api/log?from=\(position - 1)&limit=3") {
                (($0 as? [String: Any])?["entries"] as? [[String: Any]])?.first { $0["position"] as? Int == Int(position) }?["leaf"]
            }
            #expect(page == expected)
            let stream = try await leaf("/api/stream?id=\(line.stream.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") {
                (($0 as? [String: Any])?["entries"] as? [[String: Any]])?.first { $0["position"] as? Int == Int(position) }?["leaf"]
            }
            #expect(stream == expected)

            // Following delivers it and what comes after it.
            let api = LedgerAPI(base: "http://127.0.0.1:\(client.port!)", token: token)
            let later = "measurement/intake-14d/2024-01/stichting-opvang-heuvelstad"
            _ = try await service.append(
                try await fixture.measurement(service, period: "2024-01", value: 80, expected: try await service.store.version(of: later)))
            let size = try await service.store.size()
            let seen = NIOLockedValueBox<UInt64>(0)
            let following = Task {
                try await api.follow(from: position) { last in
                    seen.withLockedValue { $0 = last }
                    if last + 1 >= size { throw CancellationError() }
                }
            }
            _ = await following.result
            #expect(seen.withLockedValue { $0 } == size - 1)

            // A replica pulls it and verifies it, byte for byte.
            let replica = try await fixture.replica("partner.ledger", port: client.port!, token: token)
            #expect(try await replica.pull().size == size)
            let copy = try #require(try await SQLiteLedgerStore(path: fixture.path("partner.ledger")).entries(from: position, limit: 1).first)
            #expect(copy.bytes == stored.bytes)
            _ = try await LedgerVerifier(store: try SQLiteLedgerStore(path: fixture.path("partner.ledger")), domain: ChainRules()).run()
        }
    }
}
