import FuzzSupport
import LedgerCore

// libFuzzer target for the evidence format (`chainledger.evidence/1`). Every input is either
// refused with an error or accepted, and an accepted file reads the same from its rendering. A trap
// anywhere is a failure.

// Also libFuzzer's own name for it, which its library expects to find.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzEvidence(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = input(start, count)
    // Evidence files are UTF-8 text; other bytes never reach the parser.
    guard let text = String(validating: bytes, as: UTF8.self), let evidence = try? MisbehaviourEvidence(parsing: text) else { return 0 }
    let again: MisbehaviourEvidence
    do {
        again = try MisbehaviourEvidence(parsing: evidence.text)
    } catch {
        fatalError("the rendering of accepted evidence is refused: \(error)")
    }
    if again != evidence { fatalError("the rendering of accepted evidence reads differently") }
    return 0
}

runFuzzer(fuzzEvidence)
