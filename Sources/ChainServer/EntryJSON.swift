import Foundation
import LedgerCore
import NIOCore

/// An entry as the API shows it, written from its stored bytes without re-encoding them: the
/// event's `data` is the signed bytes themselves, so a number is served exactly as it was signed
/// (`1.10` stays `1.10`), and no stored entry can make a read fail. The fields are those of
/// `chainledger log --json`: position, stream, version, type, schema, data, commit, recordedAt,
/// and `leaf`, the entry's exact bytes (base64). An entry whose event no longer reads as an
/// event line (a tampered store) is served with its index columns and `leaf` only, and
/// `"readable": false`.
enum EntryJSON {
    static func write(_ stored: StoredEntry, into buffer: inout ByteBuffer) {
        buffer.writeString("{\"position\":\(stored.position),\"stream\":\(JSONText.quoted(stored.stream)),\"version\":\(stored.version),")
        buffer.writeString("\"type\":\(JSONText.quoted(stored.type)),")
        if let line = try? stored.eventLineBytes(), let event = try? EventLine(parsing: Array(line)) {
            buffer.writeString("\"schema\":\(event.schema),\"data\":")
            buffer.writeBytes(event.data)
            buffer.writeString(",")
        } else {
            buffer.writeString("\"readable\":false,")
        }
        buffer.writeString("\"commit\":\"\(stored.commit.hex)\",\"recordedAt\":\"\(stored.recordedAt)\",")
        buffer.writeString("\"leaf\":\"\(Data(stored.bytes).base64EncodedString())\"}")
    }

    static func bytes(_ stored: StoredEntry) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(stored, into: &buffer)
        return buffer
    }

    /// A page of entries: `{"entries":[…],"next":N,"size":S}`, with `"version"` for a stream.
    static func page(_ entries: [StoredEntry], next: UInt64, size: UInt64, version: UInt64? = nil) -> ByteBuffer {
        var buffer = ByteBuffer(string: "{\"entries\":[")
        for (index, entry) in entries.enumerated() {
            if index > 0 { buffer.writeString(",") }
            write(entry, into: &buffer)
        }
        buffer.writeString("],\"next\":\(next),\"size\":\(size)")
        if let version { buffer.writeString(",\"version\":\(version)") }
        buffer.writeString("}")
        return buffer
    }
}
