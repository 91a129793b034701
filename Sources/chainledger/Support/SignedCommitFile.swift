import Foundation
import LedgerCore

/// A signed commit kept in a file, exactly as the API takes it: `{"signed": base64, "signature":
/// base64}`. What a writing command keeps when a server gave no answer, and what `submit` sends.
enum SignedCommitFile {
    static func body(_ commit: SignedCommit) -> Data {
        Data(SubmissionBody(signed: commit.bytes, signature: commit.signature).body + Array("\n".utf8))
    }

    /// Writes the commit to `commit-<id>.json` in the current folder; returns the file's name.
    static func keep(_ commit: SignedCommit) throws -> String {
        let name = "commit-\(CommitID(of: commit.bytes).hex).json"
        do {
            try body(commit).write(to: URL(fileURLWithPath: name), options: .atomic)
        } catch {
            throw CLIError("cannot keep the signed commit in \(name): \(error.localizedDescription)")
        }
        return name
    }

    static func read(_ path: String) throws -> SignedCommit {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        do {
            let submission = try SubmissionBody(parsing: [UInt8](data))
            return SignedCommit(bytes: submission.signed, signature: submission.signature)
        } catch {
            throw CLIError("\(path) is not a signed commit: \(error)")
        }
    }
}
