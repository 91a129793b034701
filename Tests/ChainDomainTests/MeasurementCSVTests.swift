import ChainDomain
import Foundation
import LedgerCore
import Testing

/// How measurement CSV files are read (`chainledger import`); the command's own tests import
/// the fixture files end to end.
struct MeasurementCSVTests {
    @Test func aSemicolonInsideQuotesDoesNotMakeASpreadsheetFile() throws {
        let rows = try MeasurementCSV.rows(from: Data("intake-14d,2024-03,91.5,\"na overleg; definitief\"\n".utf8))
        #expect(rows.map(\.fields) == [["intake-14d", "2024-03", "91.5", "na overleg; definitief"]])
    }

    @Test func aDutchSpreadsheetFileHasSemicolonsAndDecimalCommas() throws {
        let rows = try MeasurementCSV.rows(from: Data("\u{FEFF}kpi;period;value\r\nintake-14d;2024-Q1;91,5\r\n".utf8))
        #expect(rows.map(\.line) == [2] && rows.map(\.fields) == [["intake-14d", "2024-Q1", "91.5"]])
    }

    @Test(arguments: [
        ("a,2024-01,1\nb,2024-01,\"2\n", "line 2: a quoted field is not closed"),
        ("a,2024-01\n", "line 1: expected the columns kpi,period,value[,note], found 2 fields"),
    ])
    func refusalsNameTheLine(_ text: String, _ message: String) {
        #expect(throws: MeasurementCSV.Refusal.self) { try MeasurementCSV.rows(from: Data(text.utf8)) }
        do {
            _ = try MeasurementCSV.rows(from: Data(text.utf8))
        } catch {
            #expect(error.description == message)
        }
    }
}
