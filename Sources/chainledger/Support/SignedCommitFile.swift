import Foundation
import LedgerCore

/// A signed commit kept in a file, exactly as the API takes it: `{"signed": base64, "signature":
/// base64}`. What a writing command keeps when a server gave no answer, and what `submit` sends.
enum SignedCommitFile {
    static func body(_ commit: SignedCommit) -> Data {
        Data(#"{"signed":"\#(Data(commit.bytes).base64EncodedString())","signature":"\#(Data(commit.signature).base64EncodedString())"}"#.utf8)
            + Data("\n".utf8)
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
        struct Body: Decodable {
            let signed: String
            let signature: String
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        guard let body = try? JSONDecoder().decode(Body.self, from: data), let signed = Data(canonicalBase64: body.signed),
            let signature = Data(canonicalBase64: body.signature)
        else {
            throw CLIError(#"\#(path) is not a signed commit ({"signed": base64, "signature": base64})"#)
        }
        return SignedCommit(bytes: [UInt8](signed), signature: [UInt8](signature))
    }
}
