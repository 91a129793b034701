import LedgerCore
import NIOCore

/// Rows in the text format of `COPY … FROM STDIN`: fields separated by tabs, rows ended by a
/// newline, backslash escapes in text, `bytea` as `\x` and hex digits. The PostgreSQL benchmark's
/// COPY floor sends the ledger's entries this way.
struct CopyText {
    private(set) var buffer: ByteBuffer
    private var rowStarted = false

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func field(_ value: Int64) {
        separate()
        buffer.writeString(String(value))
    }

    /// Text, with the characters COPY treats specially escaped.
    mutating func field(_ text: String) {
        separate()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeInteger(UInt16(0x5C5C))
            case UInt8(ascii: "\t"): buffer.writeString("\\t")
            case UInt8(ascii: "\n"): buffer.writeString("\\n")
            case UInt8(ascii: "\r"): buffer.writeString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// Bytes as `bytea` hex input (`\x…`, its backslash escaped for COPY).
    mutating func field(bytes: [UInt8]) {
        separate()
        buffer.writeString("\\\\x")
        let digits: StaticString = "0123456789abcdef"
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bytes.count * 2) { target in
            digits.withUTF8Buffer { digits in
                for (index, byte) in bytes.enumerated() {
                    target[2 * index] = digits[Int(byte >> 4)]
                    target[2 * index + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return bytes.count * 2
        }
    }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        rowStarted = false
    }

    private mutating func separate() {
        if rowStarted { buffer.writeInteger(UInt8(ascii: "\t")) }
        rowStarted = true
    }
}

extension CopyText {
    /// Entries as COPY rows, in the column order of ledger_entries.
    static func rows(_ entries: [StoredEntry]) -> ByteBuffer {
        var rows = CopyText(capacity: entries.reduce(0) { $0 + 2 * $1.bytes.count + 200 })
        for entry in entries {
            rows.field(Int64(entry.position))
            rows.field(entry.stream)
            rows.field(Int64(entry.version))
            rows.field(entry.type)
            rows.field(entry.commit.hex)
            rows.field(entry.recordedAt.milliseconds)
            rows.field(bytes: entry.bytes)
            rows.field(bytes: entry.leafHash.bytes)
            rows.endRow()
        }
        return rows.buffer
    }
}
