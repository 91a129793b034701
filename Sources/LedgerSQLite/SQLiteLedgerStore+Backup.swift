import Foundation
import GRDB

extension SQLiteLedgerStore {
    /// Copies the whole ledger into a new SQLite file at `path` through SQLite's online backup
    /// API: one read transaction, so the copy is the ledger at one moment, while writers in other
    /// processes go on appending (the write-ahead log lets them). The copy is then opened as a
    /// ledger (WAL, `synchronous = FULL`); verify it before relying on it.
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        do {
            try writer.backup(to: destination)
            try destination.close()
        } catch {
            try? destination.close()
            throw error
        }
    }
}
