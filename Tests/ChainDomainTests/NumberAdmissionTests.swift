import ChainDomain
import ChainTestSupport
import Foundation
import LedgerConformance
import LedgerCore
import LedgerSQLite
import Testing

/// A member cannot poison the log with a number no reader renders as signed: new appends take
/// numbers only in the ledger's own spelling, and a ledger that already holds one stays readable.
struct NumberAdmissionTests {
    static func line(_ value: String, period: String = "2026-01") throws -> EventLine {
        try EventLine(
            stream: "measurement/intake/\(period)/opvang", expectedVersion: 0, type: "MeasurementRecorded", schema: 1,
            data: Array(#"{"kpi":"intake","period":"\#(period)","organisation":"opvang","value":\#(value)}"#.utf8))
    }

    @Test(arguments: ["1e-400", "-1e-400", "2e-324", "0e5", "91.0", "1E2", "9.1e1"])
    func aNumberThatDoesNotReadBackAsSignedIsRefused(_ value: String) async throws {
        let fixture = try await DomainFixture.make()
        let before = try await fixture.fingerprint()
        await #expect {
            _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [try Self.line(value)]))
        } throws: { error in
            "\(error)".contains("field \"value\": \(value) is not")
        }
        #expect(try await fixture.fingerprint() == before)
    }

    @Test(arguments: ["91", "87.5", "0", "-3.25", "100"])
    func aNumberInTheLedgersSpellingIsAccepted(_ value: String) async throws {
        let fixture = try await DomainFixture.make()
        _ = try await fixture.ledger.append(fixture.coalition.sign(by: "opvang", [try Self.line(value)]))
    }

    @Test func aLedgerThatAlreadyHoldsSuchANumberStaysReadableAndVerifiable() async throws {
        let fixture = try await DomainFixture.make()
        // Written before the rule, as a ledger without it wrote it.
        let unscreened = try await Ledger(store: fixture.store, domain: OpenDomain(), checkpointKey: fixture.coalition.checkpointKey)
        let receipt = try await unscreened.append(fixture.coalition.sign(by: "opvang", [try Self.line("1e-400")]))
        let stored = try #require(try await fixture.store.entries(from: receipt.first, limit: 1).first)
        #expect(String(decoding: try stored.entry().event.data, as: UTF8.self).contains("1e-400"))
        _ = try await LedgerVerifier(store: fixture.store, domain: ChainRules()).run()
        let reopened = try await Ledger(store: fixture.store, domain: ChainRules())
        #expect(try await reopened.store.size() == receipt.last + 1)
    }
}
