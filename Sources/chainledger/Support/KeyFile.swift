import Foundation
import LedgerCore

/// Private key files in the signed-note `PRIVATE+KEY+…` format.
enum KeyFile {
    static func readPrivate(_ path: String) throws -> SigningKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("cannot read the key file \(path)")
        }
        do {
            return try SigningKey(parsing: text)
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }

    /// Writes a private key readable by its owner only; refuses to replace an existing file.
    static func write(_ key: SigningKey, to path: String) throws {
        try write(text: key.fileText, to: path)
    }

    /// A witness's cosigner key file.
    static func readCosigner(_ path: String) throws -> CosignerKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("cannot read the key file \(path)")
        }
        do {
            return try CosignerKey(parsing: text)
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }

    /// Writes a private key file's text readable by its owner only; never replaces a file.
    static func write(text: String, to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(path) already exists; a key file is never overwritten: choose another path")
        }
        let created = FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw CLIError("cannot write the key file \(path)") }
    }
}
