import Foundation
import Testing

@testable import ChainPresentation

/// Both CSV dialects, byte for byte: quoting, separators, record ends, numbers, the BOM.
struct CSVDialectTests {
    static var table: ReportTable {
        var table = ReportTable("sample", columns: ["kpi", "note", "value"])
        table.add(["intake-14d", "plain", .number(91.5)])
        table.add(["a,b", "say \"hi\"", .number(-3)])
        table.add(["semi;colon", "two\nlines", .number(nil)])
        table.add(["crlf", "one\r\ntwo", .number(0.000125)])
        return table
    }

    @Test func rfc4180QuotesCommasQuotesAndLineBreaks() {
        #expect(
            Self.table.csv(.rfc4180)
                == "kpi,note,value\r\nintake-14d,plain,91.5\r\n\"a,b\",\"say \"\"hi\"\"\",-3\r\nsemi;colon,\"two\nlines\",\r\ncrlf,\"one\r\ntwo\",0.000125\r\n"
        )
    }

    @Test func theDutchDialectHasABomSemicolonsAndDecimalCommas() {
        let text = Self.table.csv(.dutchSpreadsheet)
        #expect(Array(text.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(
            text
                == "\u{FEFF}kpi;note;value\r\nintake-14d;plain;91,5\r\na,b;\"say \"\"hi\"\"\";-3\r\n\"semi;colon\";\"two\nlines\";\r\ncrlf;\"one\r\ntwo\";0,000125\r\n"
        )
        #expect(!Self.table.csv(.rfc4180).hasPrefix("\u{FEFF}"), "only the spreadsheet dialect has a BOM")
    }

    @Test(arguments: [
        (1e-05, "0.00001"), (1.25e-4, "0.000125"), (1e16, "10000000000000000"), (-2.5e-7, "-0.00000025"), (120, "120"), (-0.0, "0"),
        (91.5, "91.5"),
    ])
    func numbersArePlainDecimalsWithEveryDigit(value: Double, written: String) {
        #expect(ReportTable.plainDecimal(value, comma: false) == written)
        #expect(ReportTable.plainDecimal(value, comma: true) == written.replacingOccurrences(of: ".", with: ","))
        #expect(Double(written) == value || (value == 0 && written == "0"), "the spelling reads back as the same double")
    }

    @Test func theLargestDoubleIsWrittenOutWhole() {
        let written = ReportTable.plainDecimal(.greatestFiniteMagnitude, comma: false)
        #expect(written.count == 309 && written.hasPrefix("17976931348623157") && Double(written) == .greatestFiniteMagnitude)
    }

    @Test func positionsAreWrittenAsTheWholeNumbersTheyAre() {
        let position: UInt64? = 102
        let missing: UInt64? = nil
        var table = ReportTable("owners", columns: ["until_position", "version"])
        table.add([.count(position), .count(missing)])
        #expect(table.csv(.rfc4180) == "until_position,version\r\n102,\r\n")
    }
}
