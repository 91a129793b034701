import ChainDomain
import Foundation
import FuzzSupport
import LedgerCore

// libFuzzer target for the measurement CSV importer (`chainledger import`). Every input is either
// refused with a reason or read into rows; every row is either refused or becomes a measurement
// whose event reads back equal from its signed bytes; and the rows, written out again as RFC 4180
// CSV, read back to the same fields. A trap anywhere is a failure.

func csv(_ fields: [String]) -> String {
    fields.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
}

// Also libFuzzer's own name for it, which its library expects to find.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzImport(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = input(start, count)
    guard let rows = try? MeasurementCSV.rows(from: Data(bytes)) else { return 0 }
    for row in rows {
        require(row.fields.count == 3 || row.fields.count == 4, "a row of \(row.fields.count) fields was accepted")
        guard let measurement = try? MeasurementCSV.measurement(row, organisation: "fuzz", status: .normal, source: "fuzz", state: nil)
        else { continue }
        let event = ChainEvent.measurementRecorded(measurement)
        let type = ChainEventType.measurementRecorded
        guard let data = try? event.data(),
            let line = try? EventLine(stream: "fuzz", expectedVersion: 0, type: type.rawValue, schema: type.currentSchema, data: data)
        else { continue }
        require((try? ChainEvent.decode(line)) == event, "the event of an imported row reads back differently")
    }
    // Fields without the characters a line or a field is split on, or trimmed, come back as written.
    let plain = rows.filter { row in
        row.fields.allSatisfy { field in
            !field.contains(where: { $0.isNewline || $0 == "\u{FEFF}" }) && field == field.trimmingCharacters(in: .whitespaces)
        } && row.fields.first?.lowercased() != "kpi"
    }
    guard !plain.isEmpty else { return 0 }
    let text = plain.map { csv($0.fields) }.joined(separator: "\n")
    guard let again = try? MeasurementCSV.rows(from: Data(text.utf8)) else {
        fatalError("rows written out as CSV are refused: \(text.debugDescription)")
    }
    require(again.map(\.fields) == plain.map(\.fields), "rows written out as CSV read back differently: \(text.debugDescription)")
    return 0
}

runFuzzer(fuzzImport)
