import ChainDomain
import Foundation
import FuzzSupport
import LedgerCore

// libFuzzer target for how the chain domain reads values from signed events: periods, calendar
// dates, measurement figures and the data of every event type. The first byte of an input chooses
// the parser (0: a period, 1: a date, then one per event type, at its current schema below 128 and
// at schema 1 from 128); the rest is the text or the event's data. Every input is either refused
// with an error or accepted, and what is accepted round-trips: its canonical rendering reads back
// to an equal value, and a measurement's figure is read to the same number by Foundation's JSON
// decoder, which the read paths use. A trap anywhere is a failure.

func period(_ text: String) {
    guard let period = Period(text) else { return }
    require(Period(period.description) == period, "the spelling of accepted period \(period) reads differently")
}

func date(_ text: String) {
    guard let date = CalendarDate(text) else { return }
    require(CalendarDate(date.description) == date, "the spelling \(date) of accepted date \"\(text)\" reads differently")
}

struct Figure: Decodable {
    let value: Double
}

func event(_ type: ChainEventType, schema: UInt64, data: [UInt8]) {
    guard let line = try? EventLine(stream: "fuzz", expectedVersion: 0, type: type.rawValue, schema: schema, data: data),
        let event = try? ChainEvent.decode(line)
    else { return }
    let rendered: [UInt8]
    do {
        rendered = try event.data()
    } catch {
        fatalError("accepted \(type.rawValue) data cannot be written again: \(error)")
    }
    let again: ChainEvent
    do {
        again = try ChainEvent.decode(
            EventLine(
                stream: "fuzz", expectedVersion: 0, type: type.rawValue, schema: type.currentSchema,
                data: rendered))
    } catch {
        fatalError("accepted \(type.rawValue) data, written again, is refused: \(error)")
    }
    require(again == event, "accepted \(type.rawValue) data, written again, reads differently")
    switch event {
    case .measurementRecorded(let measurement), .measurementCorrected(let measurement):
        let figure = try? JSONDecoder().decode(Figure.self, from: Data(data))
        require(
            figure?.value == measurement.value,
            "the figure \(measurement.value) of accepted \(type.rawValue) data reads as \(figure.map { "\($0.value)" } ?? "nothing") "
                + "through Foundation's JSON decoder")
    default:
        break
    }
}

// Also libFuzzer's own name for it, which its library expects to find.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzChainValues(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard count > 0, let start else { return 0 }
    let selector = Int(start[0])
    let rest = Array(UnsafeBufferPointer(start: start + 1, count: count - 1))
    let types = ChainEventType.allCases
    switch selector % (2 + types.count) {
    case 0:
        if let text = String(validating: rest, as: UTF8.self) { period(text) }
    case 1:
        if let text = String(validating: rest, as: UTF8.self) { date(text) }
    case let choice:
        let type = types[choice - 2]
        event(type, schema: selector >= 128 ? 1 : type.currentSchema, data: rest)
    }
    return 0
}

runFuzzer(fuzzChainValues)
