import Foundation
public import LedgerCore
import Logging
import NIOCore
import PostgresNIO

/// Reading the log back. Every value read is checked before it is trusted: someone with the
/// database's owner role can store a negative number where a position belongs.
extension PostgresLedgerStore {
    func read<T>(_ doing: String, _ work: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await work(connection) }
        } catch {
            throw PostgresStoreError.wrap(error, doing: doing)
        }
    }

    public func size() async throws -> UInt64 {
        try await read("reading the log's size") { connection in
            var size: UInt64 = 0
            for try await position in try await connection.query("SELECT MAX(position) FROM ledger_entries", logger: logger).decode(Int64?.self) {
                size = try position.map { try StoredValue.size(afterHighest: $0, column: "ledger_entries.position") } ?? 0
            }
            return size
        }
    }

    public func entries(from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read("reading entries") { connection in
            try await Self.entries(connection, logger, where: "position >= $1", order: "position", [Int64(clamping: position)], limit: limit)
        }
    }

    public func entries(stream: String, fromVersion version: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read("reading a stream") { connection in
            try await Self.entries(
                connection, logger, where: "stream = $1 AND version >= $2", order: "version", [stream, Int64(clamping: version)], limit: limit)
        }
    }

    public func entries(streamPrefixes prefixes: [String], from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read("reading streams") { connection in
            try await Self.entries(connection, logger, prefixes: prefixes, from: position, limit: limit)
        }
    }

    public func version(of stream: String) async throws -> UInt64 {
        try await read("reading a stream's version") { connection in
            var version: UInt64 = 0
            let rows = try await connection.query("SELECT MAX(version) FROM ledger_entries WHERE stream = \(stream)", logger: logger)
            for try await value in rows.decode(Int64?.self) {
                version = try StoredValue.unsigned(value ?? 0, column: "ledger_entries.version", position: nil)
            }
            return version
        }
    }

    public func commit(_ id: CommitID) async throws -> StoredCommit? {
        try await read("reading a commit") { connection in
            guard let kept = try await Self.commits(connection, logger, where: "id = $1", [id.hex]).first else { return nil }
            return try await Self.whole(kept, connection, logger)
        }
    }

    public func commits(from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await read("reading commits") { connection in
            var whole: [StoredCommit] = []
            for kept in try await Self.keptCommits(connection, logger, from: position, limit: limit) {
                whole.append(try await Self.whole(kept, connection, logger))
            }
            return whole
        }
    }

    public func keptCommits(from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await read("reading commits") { connection in
            try await Self.keptCommits(connection, logger, from: position, limit: limit)
        }
    }

    public func hashes(of nodes: [TreeNode]) async throws -> [TreeNode: TreeHash] {
        try await read("reading tree nodes") { connection in try await Self.hashes(of: nodes, connection, logger) }
    }

    public func storedNodes(fromKey key: Int64, limit: Int) async throws -> [(node: TreeNode, hash: TreeHash)] {
        try await read("reading tree nodes") { connection in
            var result: [(node: TreeNode, hash: TreeHash)] = []
            let rows = try await connection.query(
                "SELECT node_key, hash FROM ledger_nodes WHERE node_key >= \(key) ORDER BY node_key LIMIT \(Int64(limit))", logger: logger)
            for try await (nodeKey, hash) in rows.decode((Int64, ByteBuffer).self) {
                result.append((try TreeNode(storedKey: nodeKey), try TreeHash(stored: Array(hash.readableBytesView))))
            }
            return result
        }
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await checkpoints("ORDER BY size DESC LIMIT 1", []).first
    }

    public func checkpoint(size: UInt64) async throws -> StoredCheckpoint? {
        try await checkpoints("WHERE size = $1", [Int64(clamping: size)]).first
    }

    public func checkpoints(fromSize size: UInt64, limit: Int) async throws -> [StoredCheckpoint] {
        try await checkpoints("WHERE size >= $1 ORDER BY size LIMIT $2", [Int64(clamping: size), Int64(limit)])
    }

    // MARK: - Rows

    private func checkpoints(_ condition: String, _ arguments: [Int64]) async throws -> [StoredCheckpoint] {
        try await read("reading checkpoints") { connection in
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments { binds.append(argument) }
            var result: [StoredCheckpoint] = []
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT size, root, note, previous_size FROM ledger_checkpoints \(condition)", binds: binds),
                logger: logger)
            for try await (size, root, note, previous) in rows.decode((Int64, ByteBuffer, String, Int64?).self) {
                let size = try StoredValue.unsigned(size, column: "ledger_checkpoints.size", position: nil)
                let previous = try previous.map { try StoredValue.unsigned($0, column: "ledger_checkpoints.previous_size", position: nil) }
                result.append(
                    StoredCheckpoint(
                        size: size, root: try TreeHash(stored: Array(root.readableBytesView)), note: note, previousSize: previous))
            }
            return result
        }
    }

    static func entries(
        _ connection: PostgresConnection, _ logger: Logger, prefixes: [String], from position: UInt64,
        limit: Int
    ) async throws -> [StoredEntry] {
        guard !prefixes.isEmpty else { return [] }
        var arguments: [any PostgresEncodable & Sendable] = []
        var ranges: [String] = []
        for prefix in prefixes {
            ranges.append("(stream >= $\(arguments.count + 1) AND stream < $\(arguments.count + 2))")
            arguments.append(prefix)
            arguments.append(StreamPrefix.upperBound(of: prefix))
        }
        arguments.append(Int64(clamping: position))
        return try await entries(
            connection, logger, where: "(\(ranges.joined(separator: " OR "))) AND position >= $\(arguments.count)",
            order: "position", arguments, limit: limit)
    }

    static func entries(
        _ connection: PostgresConnection, _ logger: Logger, where condition: String, order: String,
        _ arguments: [any PostgresEncodable & Sendable], limit: Int
    ) async throws -> [StoredEntry] {
        var binds = PostgresBindings(capacity: arguments.count + 1)
        for argument in arguments { try binds.append(argument) }
        binds.append(Int64(min(limit, Int(Int64.max))))
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT position, stream, version, type, recorded_at, commit_id, entry, leaf_hash
                    FROM ledger_entries WHERE \(condition) ORDER BY \(order) LIMIT $\(arguments.count + 1)
                    """, binds: binds), logger: logger)
        var result: [StoredEntry] = []
        for try await (position, stream, version, type, recorded, commit, entry, leaf) in rows.decode(
            (Int64, String, Int64, String, Int64, String, ByteBuffer, ByteBuffer).self)
        {
            let position = try StoredValue.unsigned(position, column: "ledger_entries.position", position: nil)
            guard let leafHash = TreeHash(bytes: Array(leaf.readableBytesView)) else {
                throw LedgerError.corrupted(position: position, reason: "the stored leaf hash is not 32 bytes")
            }
            result.append(
                StoredEntry(
                    position: position, stream: stream,
                    version: try StoredValue.unsigned(version, column: "ledger_entries.version", position: position), type: type,
                    recordedAt: Timestamp(milliseconds: recorded), commit: try CommitID(stored: commit),
                    bytes: Array(entry.readableBytesView), leafHash: leafHash))
        }
        return result
    }

    static func keptCommits(_ connection: PostgresConnection, _ logger: Logger, from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await commits(
            connection, logger, where: "first_position >= $1 ORDER BY first_position LIMIT $2", [Int64(clamping: position), Int64(limit)])
    }

    /// The commit with its whole document, put back together from its entries if it keeps only
    /// the header.
    static func whole(_ commit: StoredCommit, _ connection: PostgresConnection, _ logger: Logger) async throws -> StoredCommit {
        guard commit.part == .header else { return commit }
        let entries = try await entries(
            connection, logger, where: "position >= $1", order: "position", [Int64(clamping: commit.first)],
            limit: commit.keptEventCount)
        return try commit.reassembled(from: entries[...])
    }

    static func commits(
        _ connection: PostgresConnection, _ logger: Logger, where condition: String,
        _ arguments: [any PostgresEncodable & Sendable]
    ) async throws -> [StoredCommit] {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments { try binds.append(argument) }
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT id, first_position, last_position, organisation, key_id, recorded_at, signed, signature, signed_is_header
                    FROM ledger_commits WHERE \(condition)
                    """, binds: binds), logger: logger)
        var result: [StoredCommit] = []
        for try await (id, first, last, organisation, keyID, recorded, signed, signature, isHeader) in rows.decode(
            (String, Int64, Int64, String, String, Int64, ByteBuffer, ByteBuffer, Bool).self)
        {
            result.append(
                StoredCommit(
                    id: try CommitID(stored: id), bytes: Array(signed.readableBytesView), part: isHeader ? .header : .document,
                    signature: Array(signature.readableBytesView),
                    organisation: organisation, keyID: keyID,
                    first: try StoredValue.unsigned(first, column: "ledger_commits.first_position", position: nil),
                    last: try StoredValue.unsigned(last, column: "ledger_commits.last_position", position: nil),
                    recordedAt: Timestamp(milliseconds: recorded)))
        }
        return result
    }

    static func hashes(of nodes: [TreeNode], _ connection: PostgresConnection, _ logger: Logger) async throws -> [TreeNode: TreeHash] {
        var result: [TreeNode: TreeHash] = [:]
        let leaves = nodes.filter { $0.level == 0 }.map { Int64($0.index) }
        let interior = nodes.filter { $0.level > 0 }.map(\.storageKey)
        if !leaves.isEmpty {
            let rows = try await connection.query("SELECT position, leaf_hash FROM ledger_entries WHERE position = ANY(\(leaves))", logger: logger)
            for try await (position, hash) in rows.decode((Int64, ByteBuffer).self) {
                let position = try StoredValue.unsigned(position, column: "ledger_entries.position", position: nil)
                result[TreeNode(level: 0, index: position)] = try TreeHash(stored: Array(hash.readableBytesView))
            }
        }
        if !interior.isEmpty {
            let rows = try await connection.query("SELECT node_key, hash FROM ledger_nodes WHERE node_key = ANY(\(interior))", logger: logger)
            for try await (key, hash) in rows.decode((Int64, ByteBuffer).self) {
                result[try TreeNode(storedKey: key)] = try TreeHash(stored: Array(hash.readableBytesView))
            }
        }
        return result
    }
}
