import Foundation
import LedgerCore

extension Witness {
    /// A parsed `add-checkpoint` request body: the old size, the consistency proof and the note.
    struct Submission: Sendable {
        let old: UInt64
        let proof: [[UInt8]]
        let note: SignedNote
        let checkpoint: Checkpoint
    }

    /// Answers `POST add-checkpoint` as tlog-witness specifies: 400 for a malformed body or an
    /// old size above the checkpoint's, 404 for an unknown origin, 403 when no trusted key's
    /// signature verifies (or one that names a trusted key fails), 409 (with the size it holds,
    /// `text/x.tlog.size`) when the old size is not the size it last cosigned, 422 when the tree
    /// is not consistent with that one; otherwise 200 with its cosignature line.
    public func addCheckpoint(_ body: [UInt8]) async -> WitnessAnswer {
        let submission: Submission
        do {
            submission = try Self.parse(body)
        } catch {
            return .refusal(400, error.description)
        }
        let checkpoint = submission.checkpoint
        guard let keys = logs[checkpoint.origin] else { return .refusal(404, "this witness does not witness the log \(checkpoint.origin)") }
        var trusted = false
        for key in keys {
            guard submission.note.signatures.contains(where: { $0.name == key.name && $0.keyHash == key.keyHash }) else { continue }
            do {
                try submission.note.verify(by: key)
                trusted = true
            } catch {
                return .refusal(403, "the checkpoint's signature by \(key.name) does not verify")
            }
        }
        guard trusted else { return .refusal(403, "the checkpoint carries no signature by a key this witness trusts for \(checkpoint.origin)") }
        guard submission.old <= checkpoint.size else {
            return .refusal(400, "the old size \(submission.old) is larger than the checkpoint's size \(checkpoint.size)")
        }
        if let validate, let refusal = await validate(checkpoint) { return refusal }
        do {
            return try await state.advance(origin: checkpoint.origin) { held in
                let heldSize = held?.size ?? 0
                guard submission.old == heldSize else {
                    return .refuse(WitnessAnswer(status: 409, contentType: "text/x.tlog.size", body: "\(heldSize)\n"))
                }
                if let problem = self.inconsistency(submission, held: held) {
                    if let held, let evidence = problem.evidence { self.keep(evidence(held)) }
                    return .refuse(.refusal(422, problem.reason))
                }
                let cosignature = self.key.cosign(body: submission.note.text, timestamp: self.now())
                let line = self.key.line(cosignature)
                let kept = WitnessState.Record(
                    size: checkpoint.size, root: checkpoint.root, note: Self.withoutOwnLines(submission.note, key: self.key) + line)
                return .accept(kept, WitnessAnswer(status: 200, contentType: "text/plain; charset=utf-8", body: line))
            }
        } catch {
            return .refusal(500, "the witness could not keep its record: \(error)")
        }
    }

    /// Why the submitted tree is not consistent with the held one, and the evidence to keep
    /// (signed checkpoints that contradict each other), if any.
    nonisolated func inconsistency(
        _ submission: Submission, held: WitnessState.Record?
    ) -> (reason: String, evidence: ((WitnessState.Record) -> MisbehaviourEvidence)?)? {
        let checkpoint = submission.checkpoint
        if checkpoint.size == 0, checkpoint.root != TreeHash.emptyTree {
            return ("a checkpoint of size 0 must have the root of the empty tree", nil)
        }
        if submission.old == 0 {
            return submission.proof.isEmpty ? nil : ("from the old size 0 the consistency proof must be empty", nil)
        }
        guard let held else { return ("this witness holds no checkpoint of size \(submission.old)", nil) }
        let shown = submission.note.serialized
        func evidence(_ kind: MisbehaviourEvidence.Kind, _ conclusion: String) -> (WitnessState.Record) -> MisbehaviourEvidence {
            { held in
                var found = MisbehaviourEvidence(
                    kind: kind, origin: checkpoint.origin, detected: Timestamp(milliseconds: Int64(self.now()) * 1000), source: "add-checkpoint",
                    conclusion: conclusion, held: held.note, shown: shown)
                if kind != .fork {
                    found.consistency = MisbehaviourEvidence.Consistency(
                        old: held.size, new: checkpoint.size, hashes: submission.proof.compactMap { TreeHash(bytes: $0) })
                }
                return found
            }
        }
        if checkpoint.size == held.size {
            guard checkpoint.root == held.root else {
                return (
                    "the checkpoint's root differs from the one this witness cosigned at size \(held.size)",
                    evidence(.fork, "The log signed two trees of \(held.size) entries with different roots.")
                )
            }
            return submission.proof.isEmpty ? nil : ("between equal sizes the consistency proof must be empty", nil)
        }
        do {
            try ProofVerifier.verifyConsistency(
                oldSize: held.size, newSize: checkpoint.size, proof: submission.proof, oldRoot: held.root.bytes, newRoot: checkpoint.root.bytes)
            return nil
        } catch {
            return (
                "the consistency proof from size \(held.size) to \(checkpoint.size) does not verify: \(error)",
                evidence(.unproven, "The log could not prove that its tree of \(checkpoint.size) entries extends the one the witness cosigned.")
            )
        }
    }

    /// Writes evidence beside the witness's record; a failure to write is not the log's concern.
    nonisolated func keep(_ evidence: MisbehaviourEvidence) {
        guard let evidencePrefix else { return }
        _ = try? evidence.write(besideLedger: evidencePrefix)
    }

    /// The note without any line of the witness's own key (its earlier cosignatures are replaced).
    static func withoutOwnLines(_ note: SignedNote, key: CosignerKey) -> String {
        let lines = note.serialized.split(separator: "\n", omittingEmptySubsequences: false)
        let own = "\u{2014} \(key.name) "
        return lines.filter { !$0.hasPrefix(own) }.joined(separator: "\n")
    }

    // MARK: - Parsing

    struct MalformedRequest: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads `old N`, up to 63 base64 hashes, an empty line, and the checkpoint note.
    static func parse(_ body: [UInt8]) throws(MalformedRequest) -> Submission {
        guard let text = String(validating: body, as: UTF8.self) else { throw MalformedRequest(description: "the body is not UTF-8") }
        guard let blank = text.range(of: "\n\n") else { throw MalformedRequest(description: "no empty line before the checkpoint") }
        let header = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        let noteText = String(text[blank.upperBound...])
        guard let first = header.first, first.hasPrefix("old "), let old = UInt64(first.dropFirst(4)), String(old) == first.dropFirst(4) else {
            throw MalformedRequest(description: "the first line must be \"old\", a space and a tree size in decimal")
        }
        let proofLines = header.dropFirst()
        guard proofLines.count <= 63 else { throw MalformedRequest(description: "more than 63 consistency proof lines") }
        var proof: [[UInt8]] = []
        for line in proofLines {
            guard let hash = Data(canonicalBase64: line), hash.count == 32 else {
                throw MalformedRequest(description: "\"\(line)\" is not a base64 SHA-256 hash")
            }
            proof.append([UInt8](hash))
        }
        do {
            let note = try SignedNote(parsing: noteText)
            return Submission(old: old, proof: proof, note: note, checkpoint: try Checkpoint(text: note.text))
        } catch {
            throw MalformedRequest(description: "the checkpoint is not a signed checkpoint note: \(error)")
        }
    }
}
