import Foundation
import LedgerCore
import NIOCore

/// A commit as a replica mirrors it, written straight into the response: its whole signed
/// document and signature (base64), and where and when the ledger recorded it. The keys are
/// those a JSON encoder with sorted keys writes: first, id, key, last, organisation,
/// recordedAt, signature, signed.
enum CommitJSON {
    static func write(_ commit: StoredCommit, into buffer: inout ByteBuffer) {
        buffer.writeString("{\"first\":\(commit.first),\"id\":\"\(commit.id.hex)\",\"key\":\(JSONText.quoted(commit.keyID)),")
        buffer.writeString("\"last\":\(commit.last),\"organisation\":\(JSONText.quoted(commit.organisation)),")
        buffer.writeString("\"recordedAt\":\"\(commit.recordedAt)\",\"signature\":\"\(Data(commit.signature).base64EncodedString())\",")
        buffer.writeString("\"signed\":\"")
        buffer.writeString(Data(commit.bytes).base64EncodedString())
        buffer.writeString("\"}")
    }

    /// A page of commits: `{"commits":[…],"next":N,"size":S}`.
    static func page(_ commits: [StoredCommit], next: UInt64, size: UInt64) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(commits.reduce(64) { $0 + $1.bytes.count * 4 / 3 + 400 })
        buffer.writeString("{\"commits\":[")
        for (index, commit) in commits.enumerated() {
            if index > 0 { buffer.writeString(",") }
            write(commit, into: &buffer)
        }
        buffer.writeString("],\"next\":\(next),\"size\":\(size)}")
        return buffer
    }
}
