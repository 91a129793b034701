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

/// The housing-first sample behind a server, with tokens for a coordinator, a member and an auditor.
/// The ledger's clock stands at 1 June 2027, so that the tests report the periods after the sample's
/// story (which ends in December 2026), and commits are signed at its time.
struct ServerFixture {
    static let time = ManualTime(Timestamp(rfc3339: "2027-06-01T09:00:00Z")!)
    let service: LedgerService
    let keys: [String: SigningKey]
    let coordinator: String
    let shelter: String
    let auditor: String

    static func make() async throws -> ServerFixture {
        let store = try SQLiteLedgerStore.inMemory()
        let checkpointKey = try SigningKey.generate(name: "ledger.test/server")
        let keys = try await Samples.write("housing-first", into: store, checkpointKey: checkpointKey)
        let ledger = try await Ledger(store: store, domain: ChainRules(), checkpointKey: checkpointKey, clock: .manual(Self.time))
        let projector = try Projector(database: DatabaseQueue(), store: store)
        let tokens = AccessTokens(store: try SQLiteAccessTokenStore.inMemory())
        let service = LedgerService(ledger: ledger, projector: projector, tokens: tokens)
        return ServerFixture(
            service: service, keys: keys,
            coordinator: try await tokens.issue(organisation: "gemeente-heuvelstad", person: "coordinator", role: .coordinator, validFor: 30),
            shelter: try await tokens.issue(organisation: "stichting-opvang-heuvelstad", person: "intake-lead", role: .member, validFor: 30),
            auditor: try await tokens.issue(organisation: "zorggroep-de-brug", person: "controller", role: .auditor, validFor: 30))
    }

    var app: some ApplicationProtocol {
        buildApplication(service: service, settings: ServerSettings(), logger: Logger(label: "test"))
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// `headers` asking for the English pages.
    static func english(_ headers: HTTPFields = [:]) -> HTTPFields {
        var headers = headers
        headers[.acceptLanguage] = "en"
        return headers
    }

    /// A signed commit of one measurement by the shelter.
    func shelterMeasurement(
        period: String, value: Double, expected: UInt64 = 0, kpi: String = "intake-14d",
        organisation: String = "stichting-opvang-heuvelstad", time: Timestamp? = nil
    ) async throws -> SignedCommit {
        let measurement = ChainEvent.measurementRecorded(
            Measurement(
                kpi: kpi, period: Period(period)!, organisation: organisation, value: value, status: .normal, source: "test"))
        var factory = EventFactory(versions: [measurement.stream: expected])
        return SignedCommit.sign(
            ledger: try await service.ledger.ledgerID(), organisation: "stichting-opvang-heuvelstad",
            key: keys["stichting-opvang-heuvelstad"]!, time: time ?? Self.time.current, events: try factory.lines([measurement]))
    }

    static func body(_ commit: SignedCommit) -> ByteBuffer {
        ByteBuffer(
            string: #"{"signed":"\#(Data(commit.bytes).base64EncodedString())","signature":"\#(Data(commit.signature).base64EncodedString())"}"#)
    }

    func fingerprint() async throws -> (UInt64, TreeHash?) {
        (try await service.store.size(), try await service.store.latestCheckpoint()?.root)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }
}
