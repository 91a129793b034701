import FuzzSupport
import LedgerCore

// libFuzzer target for what organisations sign and what the ledger stores: commit documents,
// event lines and log entries. Every input is either refused with an error or accepted, and what
// is accepted round-trips: composing it again from its parts gives a document that parses to the
// same parts, and a log entry renders back to exactly its bytes. A trap anywhere is a failure.

func sameEvents(_ left: [EventLine], _ right: [EventLine]) -> Bool {
    left.count == right.count
        && zip(left, right).allSatisfy { a, b in
            a.stream == b.stream && a.expectedVersion == b.expectedVersion && a.type == b.type && a.schema == b.schema
                && Array(a.data) == Array(b.data)
        }
}

func commitDocument(_ bytes: [UInt8]) {
    guard let document = try? CommitDocument(parsing: bytes) else { return }
    let composed = CommitDocument.compose(
        ledger: document.ledger, organisation: document.organisation, keyID: document.keyID, time: document.time,
        events: document.events)
    let again: CommitDocument
    do {
        again = try CommitDocument(parsing: composed)
    } catch {
        fatalError("an accepted commit, composed again from its parts, is refused: \(error)")
    }
    require(
        again.ledger == document.ledger && again.organisation == document.organisation && again.keyID == document.keyID
            && again.time == document.time && sameEvents(again.events, document.events),
        "an accepted commit, composed again from its parts, reads differently")
    require(again.bytes == composed, "a composed commit does not keep its bytes")
}

func eventLine(_ bytes: [UInt8]) {
    guard let line = try? EventLine(parsing: bytes) else { return }
    require(Array(line.bytes) == bytes, "an accepted event line does not keep its bytes")
    let composed: EventLine
    do {
        composed = try EventLine(
            stream: line.stream, expectedVersion: line.expectedVersion, type: line.type, schema: line.schema,
            data: Array(line.data))
    } catch {
        fatalError("an accepted event line, composed again from its parts, is refused: \(error)")
    }
    require(sameEvents([composed], [line]), "an accepted event line, composed again from its parts, reads differently")
}

func logEntry(_ bytes: [UInt8]) {
    guard let entry = try? LogEntry(parsing: bytes) else { return }
    require(entry.bytes == bytes, "an accepted log entry renders to other bytes")
    let again: LogEntry
    do {
        again = try LogEntry(parsing: entry.bytes)
    } catch {
        fatalError("the rendering of an accepted log entry is refused: \(error)")
    }
    require(again == entry, "the rendering of an accepted log entry reads differently")
}

// Also libFuzzer's own name for it, which its library expects to find.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCommits(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = input(start, count)
    commitDocument(bytes)
    eventLine(bytes)
    logEntry(bytes)
    return 0
}

runFuzzer(fuzzCommits)
