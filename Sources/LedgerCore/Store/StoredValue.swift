/// Values a store reads back, which may have been altered outside the program: each is checked
/// before it is trusted, and anything out of range is `LedgerError.corrupted`, naming the column.
package enum StoredValue {
    /// A position, version or size: a non-negative integer.
    package static func unsigned(_ value: Int64, column: String, position: UInt64?) throws(LedgerError) -> UInt64 {
        guard let unsigned = UInt64(exactly: value) else {
            throw .corrupted(position: position, reason: "the stored \(column) is \(value), below zero: the log was altered")
        }
        return unsigned
    }

    /// The log's size from its highest stored position.
    package static func size(afterHighest position: Int64, column: String) throws(LedgerError) -> UInt64 {
        let highest = try unsigned(position, column: column, position: nil)
        guard highest < UInt64(Int64.max) else {
            throw .corrupted(position: nil, reason: "the stored \(column) is \(highest), past any log: the log was altered")
        }
        return highest + 1
    }
}
