import Foundation

/// The two CSV dialects a table is exported in.
public enum CSVDialect: String, Sendable, CaseIterable {
    /// RFC 4180: `,` between fields, CRLF after every record, `.` in numbers, no byte order mark.
    case rfc4180 = "csv"
    /// For spreadsheets set to Dutch (Excel, LibreOffice): `;` between fields, CRLF, a decimal
    /// comma, and UTF-8 with a byte order mark so that Excel reads the text as UTF-8.
    case dutchSpreadsheet = "csv-nl"

    var separator: Character { self == .rfc4180 ? "," : ";" }

    /// The `Content-Type` of a download in this dialect.
    public var mediaType: String { "text/csv; charset=utf-8; header=present" }
}

extension ReportTable {
    /// The table as CSV in `dialect`: a header row of the English column names, then a record
    /// per row. A field is quoted when it holds the separator, a quote, CR or LF (quotes doubled
    /// inside). Numbers are plain decimals with every digit they have (`0.000125`, never
    /// `1.25e-4`), with a decimal comma in the Dutch dialect; an empty field is no value.
    public func csv(_ dialect: CSVDialect) -> String {
        var text = dialect == .dutchSpreadsheet ? "\u{FEFF}" : ""
        func record(_ fields: [String]) {
            text += fields.map { Self.field($0, dialect) }.joined(separator: String(dialect.separator))
            text += "\r\n"
        }
        record(columns)
        for row in rows {
            record(
                row.map { cell in
                    switch cell {
                    case .text(let value): value
                    case .number(let value):
                        value.map { Self.plainDecimal($0, comma: dialect == .dutchSpreadsheet) } ?? ""
                    }
                })
        }
        return text
    }

    static func field(_ value: String, _ dialect: CSVDialect) -> String {
        guard value.contains(where: { $0 == dialect.separator || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `value` as a plain decimal: Swift's shortest spelling that reads back as the same double,
    /// with any exponent written out (`1e-05` → `0.00001`, `1e+16` → `10000000000000000`).
    public static func plainDecimal(_ value: Double, comma: Bool) -> String {
        guard value.isFinite else { return "" }
        var spelling = "\(value)"
        if spelling.hasSuffix(".0") { spelling.removeLast(2) }
        var negative = false
        if spelling.hasPrefix("-") {
            negative = true
            spelling.removeFirst()
        }
        if let e = spelling.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let exponent = Int(spelling[spelling.index(after: e)...]) ?? 0
            let mantissa = spelling[..<e]
            let point = mantissa.firstIndex(of: ".")
            let digits = mantissa.filter { $0 != "." }
            var integerDigits = (point.map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count) + exponent
            var all = String(digits)
            if integerDigits <= 0 {
                all = String(repeating: "0", count: 1 - integerDigits) + all
                integerDigits = 1
            } else if integerDigits > all.count {
                all += String(repeating: "0", count: integerDigits - all.count)
            }
            let integer = all.prefix(integerDigits)
            var fraction = all.dropFirst(integerDigits)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            spelling = fraction.isEmpty ? String(integer) : integer + "." + fraction
        }
        if negative && spelling != "0" { spelling = "-" + spelling }
        return comma ? spelling.replacingOccurrences(of: ".", with: ",") : spelling
    }
}
