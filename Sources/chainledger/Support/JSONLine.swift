import Foundation
import LedgerCore

/// A JSON object written member by member, in a fixed order, with raw JSON allowed for values
/// that are already JSON (an event's data as signed).
struct JSONLine {
    private var members: [String] = []

    mutating func string(_ key: String, _ value: String) { members.append("\(quote(key)):\(quote(value))") }
    mutating func optionalString(_ key: String, _ value: String?) { members.append("\(quote(key)):\(value.map(quote) ?? "null")") }
    mutating func number(_ key: String, _ value: some BinaryInteger) { members.append("\(quote(key)):\(value)") }
    mutating func bool(_ key: String, _ value: Bool) { members.append("\(quote(key)):\(value)") }
    mutating func raw(_ key: String, _ json: String) { members.append("\(quote(key)):\(json)") }
    mutating func strings(_ key: String, _ values: [String]) {
        members.append("\(quote(key)):[\(values.map(quote).joined(separator: ","))]")
    }

    var text: String { "{" + members.joined(separator: ",") + "}" }

    private func quote(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

extension AppendReceipt {
    var json: String {
        var line = JSONLine()
        line.string("commit", commit.hex)
        line.number("first", first)
        line.number("last", last)
        line.number("size", size)
        line.string("root", root.base64)
        line.bool("duplicate", duplicate)
        return line.text
    }
}
