public import Foundation
public import LedgerCore

/// Measurement CSV files, as partners export them from their own systems: the columns
/// `kpi,period,value[,note]` (a header line of those names is skipped), RFC 4180 quoting, UTF-8
/// with or without a byte order mark, LF or CRLF line ends; a file whose first line holds `;` is
/// read as a Dutch spreadsheet's (`;` between fields, a decimal comma in the value).
public enum MeasurementCSV {
    /// A data row and its line number (from 1).
    public struct Row: Sendable, Equatable {
        public let line: Int
        public let fields: [String]
    }

    /// Why a file or a row cannot be imported, naming the line.
    public struct Refusal: PhrasedError, Sendable, Equatable {
        public let phrase: Phrase
        init(_ phrase: Phrase) { self.phrase = phrase }
    }

    /// The data rows of a CSV file, with their line numbers (a header line is skipped).
    public static func rows(from data: Data) throws(Refusal) -> [Row] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw Refusal("the file is not UTF-8 text: save it as CSV UTF-8")
        }
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        guard let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return [] }
        let separator = separator(of: first)
        var rows: [Row] = []
        for (offset, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            var fields = try split(trimmed, separator: separator, line: offset + 1)
            if separator == ";", fields.count >= 3 { fields[2] = fields[2].replacingOccurrences(of: ",", with: ".") }
            if rows.isEmpty, fields.first?.lowercased() == "kpi", fields.count >= 3, fields[1].lowercased() == "period" { continue }
            guard fields.count == 3 || fields.count == 4 else {
                throw Refusal("line \(offset + 1): expected the columns kpi,period,value[,note], found \(fields.count) fields")
            }
            rows.append(Row(line: offset + 1, fields: fields))
        }
        return rows
    }

    /// `;` when the line holds one outside quotes (a Dutch spreadsheet's export), `,` otherwise.
    static func separator(of line: Substring) -> Character {
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() } else if character == ";" && !quoted { return ";" }
        }
        return ","
    }

    /// RFC 4180 fields of one line: quoted fields may hold separators and doubled quotes.
    static func split(_ line: String, separator: Character, line number: Int) throws(Refusal) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if quoted {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex, line[next] == "\"" {
                        current.append("\"")
                        index = next
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" && current.isEmpty {
                quoted = true
            } else if character == separator {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
            index = line.index(after: index)
        }
        guard !quoted else { throw Refusal("line \(number): a quoted field is not closed") }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }

    /// A row as a measurement. With the chain state at hand (a local ledger) the KPI, reporter and
    /// grain are checked here, so that every bad line is named; through a server the server checks.
    public static func measurement(
        _ row: Row, organisation: String, status: ObservationStatus, source: String, state: ChainState?
    ) throws(Refusal) -> Measurement {
        let kpiID = row.fields[0]
        guard let period = Period(row.fields[1]) else { throw Refusal("\"\(row.fields[1])\" is not a period") }
        if let state {
            guard let kpi = state.kpis[kpiID] else { throw Refusal("unknown KPI \"\(kpiID)\"") }
            guard !kpi.retired else { throw Refusal("KPI \(kpiID) is retired") }
            guard kpi.reporters.contains(organisation) else {
                throw Refusal("\(organisation) does not report KPI \(kpiID) (its reporters: \(kpi.reporters.joined(separator: ", ")))")
            }
            guard period.grain == kpi.definition.grain else {
                throw Refusal("KPI \(kpiID) is measured per \(kpi.definition.grain.rawValue); \(period) is a \(period.grain.rawValue)")
            }
        }
        guard let value = Double(row.fields[2]), value.isFinite else { throw Refusal("\"\(row.fields[2])\" is not a number") }
        let note = row.fields.count == 4 && !row.fields[3].isEmpty ? row.fields[3] : nil
        if let note, note.count > DomainIdentifiers.noteLimit {
            throw Refusal("the note holds \(note.count) characters; at most \(DomainIdentifiers.noteLimit) (keep personal data out)")
        }
        return Measurement(kpi: kpiID, period: period, organisation: organisation, value: value, status: status, source: source, note: note)
    }
}
