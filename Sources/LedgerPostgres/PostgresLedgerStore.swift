import Foundation
public import LedgerCore
import Logging
import NIOCore
import PostgresNIO
public import ServiceLifecycle

/// The log in PostgreSQL: the server backend, for coalitions whose log must be written by several
/// server processes and live in a managed, replicated database.
///
/// The same rows as the SQLite store, byte for byte. Every append takes one transaction-scoped
/// advisory lock before it reads the log's end, so writers in any number of processes append one
/// after another: positions are gapless and commit in order (no sequences). Triggers refuse
/// UPDATE, DELETE and TRUNCATE on every log table; a server role needs only SELECT and INSERT
/// (`appendOnlyGrants(to:)`).
///
/// The store's connection pool (postgres-nio's `PostgresClient`) is a swift-service-lifecycle
/// `Service`. A server makes the store with `init(unstarted:)`, hands it to its `ServiceGroup`
/// (a Hummingbird `Application`'s `services:`) and calls `prepare()` once the group runs. A
/// one-shot use (a CLI command, a test) opens it with `init(_:)`, which runs the pool in a
/// group of the store's own until `close()`.
public final class PostgresLedgerStore: LedgerStore, Service {
    /// Where the log lives.
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    /// The group that runs the pool when the store runs it itself; nil when the caller's group does.
    let ownGroup: Task<Void, Never>?

    /// Makes the pool; `runsOwnPool` starts a group of the store's own that runs it.
    init(_ location: PostgresLocation, connections: Int, logger: Logger, runsOwnPool: Bool) {
        var configuration = location.configuration
        configuration.options.maximumConnections = connections
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration)
        self.location = location
        self.client = client
        self.logger = logger
        if runsOwnPool {
            let group = ServiceGroup(services: [client], logger: logger)
            ownGroup = Task {
                do {
                    try await group.run()
                } catch {
                    logger.error("the connection pool stopped", metadata: ["postgres": "\(location)", "error": "\(error)"])
                }
            }
        } else {
            ownGroup = nil
        }
    }

    deinit { ownGroup?.cancel() }

    /// The statements that give `role` read and append rights on the log and nothing else.
    public static func appendOnlyGrants(to role: String) throws -> [String] {
        guard role.range(of: #"^[a-z_][a-z0-9_]{0,62}$"#, options: .regularExpression) != nil else {
            throw PostgresStoreError.message("\"\(role)\" is not a plain role name (lower-case letters, digits and _)")
        }
        return PostgresSchema.appendOnlyGrants(to: role)
    }

    /// Gives `role` read and append rights on the log and nothing else (`appendOnlyGrants(to:)`),
    /// in one transaction. Needs a connection as the tables' owner.
    public func grantAppendOnly(to role: String) async throws {
        let statements = try Self.appendOnlyGrants(to: role)
        do {
            try await client.withTransaction(logger: logger) { connection in
                for statement in statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
            }
        } catch {
            throw PostgresStoreError.wrap(error, doing: "granting \(role) the append-only rights")
        }
    }

    // MARK: - Writing

    public func append<Outcome: Sendable>(
        _ query: AppendQuery,
        plan: @Sendable (AppendSnapshot) throws -> (AppendPlan, Outcome)
    ) async throws -> Outcome {
        try await client.withConnection { connection in
            try await run(connection, "BEGIN")
            do {
                // Every writer, in every process, waits here for the one before it to commit.
                try await run(connection, "SELECT pg_advisory_xact_lock(\(PostgresSchema.appendLock))")
                var query = query
                while true {
                    let snapshot = try await Self.snapshot(connection, query, logger)
                    let (plan, outcome) = try plan(snapshot)
                    guard !plan.isEmpty else {
                        try await run(connection, "ROLLBACK")
                        return outcome
                    }
                    try await run(connection, "SAVEPOINT plan")
                    do {
                        try await Self.write(plan, after: snapshot.size, connection, logger)
                    } catch let error as PSQLError where error.isUniqueViolation(of: "ledger_entries_stream_version") && !query.assumedNew.isEmpty {
                        // A stream taken as new was not: read every stream and plan again.
                        try await run(connection, "ROLLBACK TO SAVEPOINT plan")
                        query.streams.formUnion(query.assumedNew)
                        query.assumedNew = []
                        continue
                    }
                    try await run(connection, "COMMIT")
                    return outcome
                }
            } catch {
                try? await run(connection, "ROLLBACK")
                throw PostgresStoreError.wrap(error, doing: "appending")
            }
        }
    }

    private func run(_ connection: PostgresConnection, _ sql: PostgresQuery) async throws {
        try await connection.query(sql, logger: logger)
    }

    private static func snapshot(_ connection: PostgresConnection, _ query: AppendQuery, _ logger: Logger) async throws -> AppendSnapshot {
        var size: UInt64 = 0
        var lastRecordedAt: Timestamp?
        let end = try await connection.query("SELECT position, recorded_at FROM ledger_entries ORDER BY position DESC LIMIT 1", logger: logger)
        for try await (position, recorded) in end.decode((Int64, Int64).self) {
            size = UInt64(position) + 1
            lastRecordedAt = Timestamp(milliseconds: recorded)
        }
        let frontier = if let known = query.knownFrontier, known.size == size {
            known
        } else {
            try NodeStorage.frontier(size: size, from: try await Self.hashes(of: NodeStorage.storedFrontierNodes(forSize: size), connection, logger))
        }
        var versions: [String: StreamHead] = [:]
        if !query.streams.isEmpty {
            let streams = Array(query.streams)
            for stream in streams { versions[stream] = .empty }
            let rows = try await connection.query("""
                SELECT stream, MAX(version), MAX(position) FROM ledger_entries WHERE stream = ANY(\(streams)) GROUP BY stream
                """, logger: logger)
            for try await (stream, version, position) in rows.decode((String, Int64, Int64).self) {
                versions[stream] = StreamHead(version: UInt64(version), position: UInt64(position))
            }
        }
        var existing: [CommitID: StoredCommit] = [:]
        if !query.commitIDs.isEmpty {
            let ids = query.commitIDs.map(\.hex)
            for commit in try await commits(connection, logger, where: "id = ANY($1)", [ids]) {
                existing[commit.id] = commit
            }
        }
        var tail: [StoredEntry] = []
        if query.tailStart < size, !query.tailPrefixes.isEmpty {
            tail = try await entries(connection, logger, prefixes: query.tailPrefixes, from: query.tailStart, limit: Int(Int64.max))
        }
        return AppendSnapshot(
            size: size,
            frontier: frontier,
            lastRecordedAt: lastRecordedAt, streamVersions: versions, existingCommits: existing, tail: tail)
    }

    /// Writes a plan's rows: one multi-row INSERT per table (arrays unnested on the server).
    private static func write(_ plan: AppendPlan, after size: UInt64, _ connection: PostgresConnection, _ logger: Logger) async throws {
        precondition(plan.entries.first.map { $0.position == size } ?? true, "a plan appends at the end of the log")
        if !plan.entries.isEmpty {
            var binds = PostgresBindings(capacity: 8)
            binds.append(plan.entries.map { Int64($0.position) })
            binds.append(plan.entries.map(\.stream))
            binds.append(plan.entries.map { Int64($0.version) })
            binds.append(plan.entries.map(\.type))
            binds.append(plan.entries.map(\.commit.hex))
            binds.append(plan.entries.map(\.recordedAt.milliseconds))
            binds.append(plan.entries.map { ByteBuffer(bytes: $0.bytes) })
            binds.append(plan.entries.map { ByteBuffer(bytes: $0.leafHash.bytes) })
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO ledger_entries (position, stream, version, type, commit_id, recorded_at, entry, leaf_hash)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bytea[], $8::bytea[])
                """, binds: binds), logger: logger)
        }
        if !plan.nodes.isEmpty {
            var binds = PostgresBindings(capacity: 2)
            binds.append(plan.nodes.map(\.node.storageKey))
            binds.append(plan.nodes.map { ByteBuffer(bytes: $0.hash.bytes) })
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO ledger_nodes (node_key, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])
                """, binds: binds), logger: logger)
        }
        if !plan.commits.isEmpty {
            let signed = plan.commits.map { plan.signedToKeep(of: $0, after: size) }
            var binds = PostgresBindings(capacity: 9)
            binds.append(plan.commits.map(\.id.hex))
            binds.append(plan.commits.map { Int64($0.first) })
            binds.append(plan.commits.map { Int64($0.last) })
            binds.append(plan.commits.map(\.organisation))
            binds.append(plan.commits.map(\.keyID))
            binds.append(plan.commits.map(\.recordedAt.milliseconds))
            binds.append(signed.map { ByteBuffer(bytes: $0.bytes) })
            binds.append(plan.commits.map { ByteBuffer(bytes: $0.signature) })
            binds.append(signed.map(\.isHeader))
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO ledger_commits (id, first_position, last_position, organisation, key_id, recorded_at, signed, signature,
                                            signed_is_header)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bytea[], $8::bytea[],
                                     $9::boolean[])
                """, binds: binds), logger: logger)
        }
        for checkpoint in plan.checkpoints {
            try await connection.query("""
                INSERT INTO ledger_checkpoints (size, root, note, previous_size)
                VALUES (\(Int64(checkpoint.size)), \(ByteBuffer(bytes: checkpoint.root.bytes)), \(checkpoint.note),
                        (SELECT COALESCE(MAX(size), 0) FROM ledger_checkpoints))
                """, logger: logger)
        }
    }

    // MARK: - Reading

    private func read<T>(_ doing: String, _ work: (PostgresConnection) async throws -> T) async throws -> T {
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
                size = position.map { UInt64($0) + 1 } ?? 0
            }
            return size
        }
    }

    public func entries(from position: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read("reading entries") { connection in
            try await Self.entries(connection, logger, where: "position >= $1", order: "position", [Int64(position)], limit: limit)
        }
    }

    public func entries(stream: String, fromVersion version: UInt64, limit: Int) async throws -> [StoredEntry] {
        try await read("reading a stream") { connection in
            try await Self.entries(connection, logger, where: "stream = $1 AND version >= $2", order: "version", [stream, Int64(version)], limit: limit)
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
            for try await value in rows.decode(Int64?.self) { version = UInt64(value ?? 0) }
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
        try await checkpoints("WHERE size = $1", [Int64(size)]).first
    }

    public func checkpoints(fromSize size: UInt64, limit: Int) async throws -> [StoredCheckpoint] {
        try await checkpoints("WHERE size >= $1 ORDER BY size LIMIT $2", [Int64(size), Int64(limit)])
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
                guard let size = UInt64(exactly: size), previous.map({ $0 >= 0 }) ?? true else {
                    throw LedgerError.corrupted(position: nil, reason: "a stored checkpoint size is below zero: the log was altered")
                }
                result.append(StoredCheckpoint(
                    size: size, root: try TreeHash(stored: Array(root.readableBytesView)), note: note,
                    previousSize: previous.map { UInt64($0) }))
            }
            return result
        }
    }

    private static func entries(_ connection: PostgresConnection, _ logger: Logger, prefixes: [String], from position: UInt64,
                                limit: Int) async throws -> [StoredEntry] {
        guard !prefixes.isEmpty else { return [] }
        var arguments: [any PostgresEncodable & Sendable] = []
        var ranges: [String] = []
        for prefix in prefixes {
            ranges.append("(stream >= $\(arguments.count + 1) AND stream < $\(arguments.count + 2))")
            arguments.append(prefix)
            arguments.append(StreamPrefix.upperBound(of: prefix))
        }
        arguments.append(Int64(position))
        return try await entries(connection, logger, where: "(\(ranges.joined(separator: " OR "))) AND position >= $\(arguments.count)",
                                 order: "position", arguments, limit: limit)
    }

    private static func entries(_ connection: PostgresConnection, _ logger: Logger, where condition: String, order: String,
                                _ arguments: [any PostgresEncodable & Sendable], limit: Int) async throws -> [StoredEntry] {
        var binds = PostgresBindings(capacity: arguments.count + 1)
        for argument in arguments { try binds.append(argument) }
        binds.append(Int64(min(limit, Int(Int64.max))))
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT position, stream, version, type, recorded_at, commit_id, entry, leaf_hash
            FROM ledger_entries WHERE \(condition) ORDER BY \(order) LIMIT $\(arguments.count + 1)
            """, binds: binds), logger: logger)
        var result: [StoredEntry] = []
        for try await (position, stream, version, type, recorded, commit, entry, leaf) in rows.decode(
            (Int64, String, Int64, String, Int64, String, ByteBuffer, ByteBuffer).self) {
            guard let leafHash = TreeHash(bytes: Array(leaf.readableBytesView)) else {
                throw LedgerError.corrupted(position: UInt64(position), reason: "the stored leaf hash is not 32 bytes")
            }
            result.append(StoredEntry(
                position: UInt64(position), stream: stream, version: UInt64(version), type: type,
                recordedAt: Timestamp(milliseconds: recorded), commit: try CommitID(stored: commit),
                bytes: Array(entry.readableBytesView), leafHash: leafHash))
        }
        return result
    }

    private static func keptCommits(_ connection: PostgresConnection, _ logger: Logger, from position: UInt64, limit: Int) async throws -> [StoredCommit] {
        try await commits(connection, logger, where: "first_position >= $1 ORDER BY first_position LIMIT $2", [Int64(position), Int64(limit)])
    }

    /// The commit with its whole document, put back together from its entries if it keeps only
    /// the header.
    private static func whole(_ commit: StoredCommit, _ connection: PostgresConnection, _ logger: Logger) async throws -> StoredCommit {
        guard commit.part == .header else { return commit }
        let entries = try await entries(connection, logger, where: "position >= $1", order: "position", [Int64(commit.first)],
                                        limit: commit.keptEventCount)
        return try commit.reassembled(from: entries[...])
    }

    private static func commits(_ connection: PostgresConnection, _ logger: Logger, where condition: String,
                                _ arguments: [any PostgresEncodable & Sendable]) async throws -> [StoredCommit] {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments { try binds.append(argument) }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT id, first_position, last_position, organisation, key_id, recorded_at, signed, signature, signed_is_header
            FROM ledger_commits WHERE \(condition)
            """, binds: binds), logger: logger)
        var result: [StoredCommit] = []
        for try await (id, first, last, organisation, keyID, recorded, signed, signature, isHeader) in rows.decode(
            (String, Int64, Int64, String, String, Int64, ByteBuffer, ByteBuffer, Bool).self) {
            result.append(StoredCommit(
                id: try CommitID(stored: id), bytes: Array(signed.readableBytesView), part: isHeader ? .header : .document,
                signature: Array(signature.readableBytesView),
                organisation: organisation, keyID: keyID, first: UInt64(first), last: UInt64(last),
                recordedAt: Timestamp(milliseconds: recorded)))
        }
        return result
    }

    private static func hashes(of nodes: [TreeNode], _ connection: PostgresConnection, _ logger: Logger) async throws -> [TreeNode: TreeHash] {
        var result: [TreeNode: TreeHash] = [:]
        let leaves = nodes.filter { $0.level == 0 }.map { Int64($0.index) }
        let interior = nodes.filter { $0.level > 0 }.map(\.storageKey)
        if !leaves.isEmpty {
            let rows = try await connection.query("SELECT position, leaf_hash FROM ledger_entries WHERE position = ANY(\(leaves))", logger: logger)
            for try await (position, hash) in rows.decode((Int64, ByteBuffer).self) {
                result[TreeNode(level: 0, index: UInt64(position))] = try TreeHash(stored: Array(hash.readableBytesView))
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

extension PSQLError {
    /// Whether the server refused a row for breaking the named unique constraint.
    func isUniqueViolation(of constraint: String) -> Bool {
        serverInfo?[.sqlState] == "23505" && serverInfo?[.constraintName] == constraint
    }
}
