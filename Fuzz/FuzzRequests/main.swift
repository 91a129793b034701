import Foundation
import FuzzSupport
import LedgerCore

// libFuzzer target for the API's request decoding: the body of `POST /api/commits` (and of a
// kept `commit-<id>.json`). Every input is either refused with a reason or accepted, and an
// accepted body, written out again, reads back to the same commit bytes and signature. A trap
// anywhere is a failure.

// Also libFuzzer's own name for it, which its library expects to find.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzRequests(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = input(start, count)
    guard let body = try? SubmissionBody(parsing: bytes) else { return 0 }
    let again: SubmissionBody
    do {
        again = try SubmissionBody(parsing: body.body)
    } catch {
        fatalError("the rendering of an accepted body is refused: \(error)")
    }
    require(again == body, "the rendering of an accepted body reads differently")
    return 0
}

runFuzzer(fuzzRequests)
