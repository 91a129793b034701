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
                    } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                        // The plan was made against what the log holds up to its size, so a row it
                        // cannot add is one nobody appended: the log was altered.
                        throw LedgerError.corrupted(
                            position: snapshot.size,
                            reason:
                                "the log holds a row beyond its end (\(error.serverInfo?[.constraintName] ?? "a unique constraint")): it was altered outside the ledger; nothing was appended, and a verification names what changed"
                        )
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

    static func snapshot(_ connection: PostgresConnection, _ query: AppendQuery, _ logger: Logger) async throws -> AppendSnapshot {
        var size: UInt64 = 0
        var lastRecordedAt: Timestamp?
        let end = try await connection.query("SELECT position, recorded_at FROM ledger_entries ORDER BY position DESC LIMIT 1", logger: logger)
        for try await (position, recorded) in end.decode((Int64, Int64).self) {
            size = try StoredValue.size(afterHighest: position, column: "ledger_entries.position")
            lastRecordedAt = Timestamp(milliseconds: recorded)
        }
        let frontier =
            if let known = query.knownFrontier, known.size == size {
                known
            } else {
                try NodeStorage.frontier(
                    size: size, from: try await Self.hashes(of: NodeStorage.storedFrontierNodes(forSize: size), connection, logger))
            }
        var versions: [String: StreamHead] = [:]
        if !query.streams.isEmpty {
            let streams = Array(query.streams)
            for stream in streams { versions[stream] = .empty }
            let rows = try await connection.query(
                // One index lookup per stream, not a scan of each stream's entries.
                """
                SELECT s.stream, e.version, e.position FROM unnest(\(streams)::text[]) AS s(stream)
                CROSS JOIN LATERAL (
                    SELECT version, position FROM ledger_entries WHERE stream = s.stream ORDER BY version DESC LIMIT 1
                ) AS e
                """, logger: logger)
            for try await (stream, version, position) in rows.decode((String, Int64, Int64).self) {
                versions[stream] = StreamHead(
                    version: try StoredValue.unsigned(version, column: "ledger_entries.version", position: nil),
                    position: try StoredValue.unsigned(position, column: "ledger_entries.position", position: nil))
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
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO ledger_entries (position, stream, version, type, commit_id, recorded_at, entry, leaf_hash)
                        SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bytea[], $8::bytea[])
                        """, binds: binds), logger: logger)
        }
        if !plan.nodes.isEmpty {
            var binds = PostgresBindings(capacity: 2)
            binds.append(plan.nodes.map(\.node.storageKey))
            binds.append(plan.nodes.map { ByteBuffer(bytes: $0.hash.bytes) })
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
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
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO ledger_commits (id, first_position, last_position, organisation, key_id, recorded_at, signed, signature,
                                                    signed_is_header)
                        SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], $7::bytea[], $8::bytea[],
                                             $9::boolean[])
                        """, binds: binds), logger: logger)
        }
        for checkpoint in plan.checkpoints {
            try await connection.query(
                """
                INSERT INTO ledger_checkpoints (size, root, note, previous_size)
                VALUES (\(Int64(checkpoint.size)), \(ByteBuffer(bytes: checkpoint.root.bytes)), \(checkpoint.note),
                        (SELECT COALESCE(MAX(size), 0) FROM ledger_checkpoints))
                """, logger: logger)
        }
    }
}

extension PSQLError {
    /// Whether the server refused a row for breaking the named unique constraint.
    func isUniqueViolation(of constraint: String) -> Bool {
        serverInfo?[.sqlState] == "23505" && serverInfo?[.constraintName] == constraint
    }
}
