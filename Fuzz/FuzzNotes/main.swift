import FuzzSupport
import LedgerCore

// libFuzzer target for signed notes, checkpoints and verifier keys. Every input is either refused
// with an error or accepted; an accepted note or key is spelled exactly as the ledger spells it
// (so that two byte-different notes can never both check), and an accepted checkpoint reads the
// same from its rendering. A trap anywhere is a failure.

func signedNote(_ text: String) {
    guard let note = try? SignedNote(parsing: text) else { return }
    require(note.serialized == text, "an accepted note serializes to other bytes")
    require((try? SignedNote(parsing: note.serialized)) == note, "the serialization of an accepted note reads differently")
}

func checkpoint(_ text: String) {
    guard let checkpoint = try? Checkpoint(text: text) else { return }
    require((try? Checkpoint(text: checkpoint.text)) == checkpoint, "the text of an accepted checkpoint reads differently")
}

func verifierKey(_ text: String) {
    guard let key = try? VerifierKey(parsing: text) else { return }
    require(key.description == text, "an accepted verifier key is spelled otherwise by the ledger: \(key)")
    require((try? VerifierKey(parsing: key.description)) == key, "the spelling of an accepted verifier key reads differently")
}

// Also libFuzzer's own name for it, which its library expects to find.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzNotes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = input(start, count)
    // Notes and keys are UTF-8 text; other bytes never reach these parsers.
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    signedNote(text)
    checkpoint(text)
    verifierKey(text)
    return 0
}

runFuzzer(fuzzNotes)
