/// One table of a read model as it is exported: a name (`kpis`, `owners`, …), English column
/// names, and rows of cells that know whether they hold a number. The dashboard's download links
/// and the read commands' `--format csv|csv-nl` write the same tables.
public struct ReportTable: Sendable, Equatable {
    /// A cell: text, or a number (`nil`: no value), so that each dialect writes numbers its way.
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        case text(String)
        case number(Double?)

        public init(stringLiteral value: String) { self = .text(value) }
    }

    /// The table's name, as `--table` and the download link's `table=` name it.
    public let name: String
    public let columns: [String]
    public private(set) var rows: [[Cell]] = []

    public init(_ name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }

    /// Adds a row; it must have a cell for every column.
    public mutating func add(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "a row of \(name) has \(cells.count) cells for \(columns.count) columns")
        rows.append(cells)
    }
}

extension ReportTable.Cell {
    /// A text, or an empty cell for `nil`.
    public static func text(_ value: String?) -> Self { .text(value ?? "") }

    /// A whole number.
    public static func count(_ value: some BinaryInteger) -> Self { .number(Double(value)) }

    /// A whole number, or an empty cell for `nil`. (Not `.number(value.map(Double.init))`: for a
    /// `UInt64` that picks `Double(bitPattern:)`.)
    public static func count<Integer: BinaryInteger>(_ value: Integer?) -> Self { .number(value.map { Double($0) }) }

    /// `true`/`false` written as `yes`/`no`.
    public static func flag(_ value: Bool) -> Self { .text(value ? "yes" : "no") }
}
