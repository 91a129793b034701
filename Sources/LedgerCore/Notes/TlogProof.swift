public import Foundation

/// An offline-verifiable proof that an entry is in the ledger and that witnesses saw the tree
/// that holds it (C2SP tlog-proof): the entry's index, its inclusion proof and the cosigned
/// checkpoint. The ledger's receipts put the entry's own bytes in the `extra` line, so that the
/// proof carries what it proves; a verifier trusts them only because their leaf hash is proven.
public struct TlogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"

    /// Opaque extra data: here, the entry bytes the leaf hashes (`chainledger.entry/1`).
    public let extra: Data?
    public let index: UInt64
    /// From the leaf's sibling up to the root's child.
    public let hashes: [TreeHash]
    /// The checkpoint note, verbatim, with the ledger's signature and the cosignatures.
    public let checkpoint: String

    public init(extra: Data?, index: UInt64, hashes: [TreeHash], checkpoint: String) {
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
    }

    /// Why a proof cannot be read or does not hold.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The proof in its text form (file extension `.tlog-proof`).
    public var text: String {
        var lines = [Self.header]
        if let extra { lines.append("extra \(extra.base64EncodedString())") }
        lines.append("index \(index)")
        lines += hashes.map(\.base64)
        return lines.joined(separator: "\n") + "\n\n" + checkpoint
    }

    /// Reads a proof's text form.
    public init(parsing text: String) throws(Failure) {
        guard let blank = text.range(of: "\n\n") else { throw Failure("no empty line before the checkpoint") }
        var lines = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(Self.header) else { throw Failure("the first line must be \(Self.header)") }
        var extra: Data?
        if let line = lines.first, line.hasPrefix("extra ") {
            guard let data = Data(canonicalBase64: line.dropFirst(6)) else { throw Failure("the extra line is not base64") }
            extra = data
            lines = lines.dropFirst()
        }
        guard let line = lines.popFirst(), line.hasPrefix("index "), let index = UInt64(line.dropFirst(6)), String(index) == line.dropFirst(6) else {
            throw Failure("an index line (`index N`, in decimal) must follow")
        }
        var hashes: [TreeHash] = []
        for line in lines {
            guard let hash = TreeHash(base64: String(line)) else { throw Failure("\"\(line)\" is not a base64 SHA-256 hash") }
            hashes.append(hash)
        }
        self.init(extra: extra, index: index, hashes: hashes, checkpoint: String(text[blank.upperBound...]))
    }

    /// Verifies the proof offline: the checkpoint is signed by one of the policy's logs and
    /// cosigned as its quorum requires, and the inclusion proof binds `leafHash` (by default the
    /// hash of the extra data) at `index` to the checkpoint's root. Returns the checkpoint.
    @discardableResult
    public func verify(policy: WitnessPolicy, leafHash given: TreeHash? = nil) throws(Failure) -> Checkpoint {
        let note: SignedNote
        let checkpoint: Checkpoint
        do {
            note = try SignedNote(parsing: self.checkpoint)
            checkpoint = try Checkpoint(text: note.text)
        } catch {
            throw Failure("the checkpoint cannot be read: \(error)")
        }
        guard policy.logs.contains(where: { (try? note.verify(by: $0.key)) != nil }) else {
            throw Failure("the checkpoint is not signed by a log the policy names")
        }
        let cosigners = policy.cosigners(of: note)
        guard policy.isSatisfied(by: cosigners) else {
            throw Failure("the cosignatures (\(cosigners.sorted().joined(separator: ", "))) do not meet the policy's quorum \(policy.quorum)")
        }
        guard let leaf = given ?? extra.map({ TreeHash.leaf([UInt8]($0)) }) else { throw Failure("no leaf to prove: the proof has no extra data") }
        do {
            try ProofVerifier.verifyInclusion(
                index: index, size: checkpoint.size, leafHash: leaf.bytes, proof: hashes.map(\.bytes), root: checkpoint.root.bytes)
        } catch {
            throw Failure("the inclusion proof for index \(index) does not lead to the checkpoint's root: \(error)")
        }
        return checkpoint
    }
}
