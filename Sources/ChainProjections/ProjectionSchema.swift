import Foundation
import GRDB

/// The read models' tables. Every versioned table carries the log range in which a row was
/// current: `valid_from` is the position of the event that made it current, `valid_to` the
/// position of the event that replaced it (NULL while current). A row is current "as of" a ledger
/// size P when `valid_from < P AND (valid_to IS NULL OR valid_to >= P)`.
public enum ProjectionSchema {
    /// A table of a projection, with the key its rows are ordered by (for digests) and the
    /// indexes its queries use.
    public struct Table: Sendable {
        public let name: String
        let columns: String
        let orderBy: String
        let indexes: [String]
    }

    /// A projection: a named group of tables with one content digest.
    public struct Projection: Sendable {
        public let name: String
        public let tables: [Table]
    }

    public static let projections: [Projection] = [
        Projection(
            name: "kpi-state",
            tables: [
                Table(
                    name: "kpis",
                    columns: """
                        kpi TEXT NOT NULL, chain TEXT NOT NULL, name TEXT NOT NULL, level TEXT NOT NULL, step TEXT, unit TEXT NOT NULL,
                        direction TEXT NOT NULL, grain TEXT NOT NULL, aggregation TEXT NOT NULL, owner_organisation TEXT NOT NULL,
                        owner_person TEXT NOT NULL, reporters TEXT NOT NULL, retired INTEGER NOT NULL,
                        valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "kpi, valid_from", indexes: ["kpi, valid_from", "chain, valid_from"]),
                Table(
                    name: "kpi_links",
                    columns: """
                        kpi TEXT NOT NULL, target_kind TEXT NOT NULL, target TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER,
                        hypothesis TEXT, lag INTEGER
                        """, orderBy: "kpi, target_kind, target, valid_from", indexes: ["kpi, valid_from", "target, valid_from"]),
                Table(
                    name: "kpi_values",
                    columns: """
                        kpi TEXT NOT NULL, value TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "kpi, valid_from, value", indexes: ["kpi, valid_from"]),
                Table(
                    name: "targets",
                    columns: """
                        kpi TEXT NOT NULL, from_period TEXT NOT NULL, until_period TEXT, first_day TEXT NOT NULL, last_day TEXT,
                        target REAL NOT NULL, red REAL NOT NULL, valid_from INTEGER NOT NULL
                        """, orderBy: "kpi, valid_from", indexes: ["kpi, valid_from"]),
                Table(
                    name: "measurements",
                    columns: """
                        kpi TEXT NOT NULL, period TEXT NOT NULL, first_day TEXT NOT NULL, organisation TEXT NOT NULL, value REAL NOT NULL,
                        status TEXT NOT NULL, source TEXT NOT NULL, note TEXT, supersedes INTEGER, reason TEXT,
                        recorded_at INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "valid_from",
                    indexes: [
                        "kpi, first_day, organisation, valid_from",
                        // For `ReadModels.kpiTreeRevision`: the latest value of a KPI. Partial, so that
                        // SQLite never prefers them for the queries by period, which the first serves.
                        "kpi, valid_from WHERE \(originals)", "kpi, valid_from WHERE \(corrections)",
                        // For method health: the provisional values, few among many. `status` leads, so
                        // that a query naming both the status and the KPI prefers it to the first.
                        "status, kpi, first_day WHERE status = 'P'",
                    ]),
            ]),
        Projection(
            name: "responsibilities",
            tables: [
                Table(
                    name: "organisations",
                    columns: """
                        organisation TEXT NOT NULL, name TEXT NOT NULL, kind TEXT, coordinator INTEGER NOT NULL,
                        valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "organisation, valid_from", indexes: ["organisation, valid_from"]),
                Table(
                    name: "mission",
                    columns: """
                        mission TEXT NOT NULL, goals TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "valid_from", indexes: []),
                Table(
                    name: "policy",
                    columns: """
                        kpi_limit INTEGER NOT NULL, stale_grace_days INTEGER NOT NULL, dialogue_grace_days INTEGER NOT NULL,
                        valid_from INTEGER NOT NULL, valid_to INTEGER, owner_span INTEGER
                        """, orderBy: "valid_from", indexes: []),
                Table(
                    name: "members",
                    columns: """
                        organisation TEXT NOT NULL, person TEXT NOT NULL, name TEXT NOT NULL, management_team INTEGER NOT NULL,
                        department TEXT, valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "organisation, person, valid_from", indexes: ["organisation, person, valid_from"]),
                Table(
                    name: "member_roles",
                    columns: """
                        organisation TEXT NOT NULL, person TEXT NOT NULL, role TEXT NOT NULL, scope TEXT, reason TEXT,
                        valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "organisation, person, role, valid_from", indexes: ["organisation, person, role"]),
                Table(
                    name: "chains",
                    columns: """
                        chain TEXT NOT NULL, name TEXT NOT NULL, customer_need TEXT NOT NULL, customer TEXT NOT NULL, parent TEXT,
                        partners TEXT NOT NULL, cadence TEXT NOT NULL, steps TEXT NOT NULL, retired INTEGER NOT NULL,
                        defined_at INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "chain, valid_from", indexes: ["chain, valid_from"]),
                Table(
                    name: "chain_owners",
                    columns: """
                        chain TEXT NOT NULL, owner_organisation TEXT NOT NULL, owner_person TEXT NOT NULL, reason TEXT NOT NULL,
                        decision TEXT, recorded_at INTEGER NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "chain, valid_from", indexes: ["chain, valid_from"]),
                Table(
                    name: "chain_values",
                    columns: """
                        chain TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, name TEXT NOT NULL, ordinal INTEGER NOT NULL,
                        valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "chain, valid_from, kind, ordinal", indexes: ["chain, valid_from"]),
            ]),
        Projection(
            name: "agreements",
            tables: [
                Table(
                    name: "agreements",
                    columns: """
                        agreement TEXT NOT NULL, latest_version INTEGER NOT NULL, active_version INTEGER, title TEXT NOT NULL,
                        terms TEXT NOT NULL, parties TEXT NOT NULL, valid_from_day TEXT NOT NULL, valid_until_day TEXT NOT NULL,
                        terminated_on TEXT, termination_reason TEXT, valid_from INTEGER NOT NULL, valid_to INTEGER, decision TEXT
                        """, orderBy: "agreement, valid_from", indexes: ["agreement, valid_from"]),
                Table(
                    name: "agreement_signatures",
                    columns: """
                        agreement TEXT NOT NULL, version INTEGER NOT NULL, party TEXT NOT NULL, valid_from INTEGER NOT NULL
                        """, orderBy: "agreement, version, valid_from", indexes: ["agreement, version"]),
                Table(
                    name: "agreement_declines",
                    columns: """
                        agreement TEXT NOT NULL, version INTEGER NOT NULL, party TEXT NOT NULL, reason TEXT NOT NULL, valid_from INTEGER NOT NULL
                        """, orderBy: "agreement, version, valid_from", indexes: ["agreement, version"]),
                Table(
                    name: "obligations",
                    columns: """
                        agreement TEXT NOT NULL, version INTEGER NOT NULL, party TEXT NOT NULL, kpi TEXT NOT NULL, target REAL NOT NULL,
                        from_period TEXT NOT NULL, until_period TEXT NOT NULL, valid_from INTEGER NOT NULL
                        """, orderBy: "agreement, version, party, kpi, from_period", indexes: ["agreement, version", "kpi"]),
                Table(
                    name: "commitments",
                    columns: """
                        agreement TEXT NOT NULL, version INTEGER NOT NULL, commitment TEXT NOT NULL, party TEXT NOT NULL, chain TEXT NOT NULL,
                        text TEXT NOT NULL, due_day TEXT NOT NULL, valid_from INTEGER NOT NULL
                        """, orderBy: "agreement, version, commitment", indexes: ["agreement, version", "chain"]),
                Table(
                    name: "commitment_fulfilments",
                    columns: """
                        agreement TEXT NOT NULL, commitment TEXT NOT NULL, fulfilled_on TEXT NOT NULL, note TEXT,
                        valid_from INTEGER NOT NULL
                        """, orderBy: "agreement, commitment", indexes: ["agreement, commitment"]),
            ]),
        Projection(
            name: "dialogues",
            tables: [
                Table(
                    name: "dialogues",
                    columns: """
                        dialogue TEXT NOT NULL, chain TEXT, day TEXT NOT NULL, reviewed_position INTEGER NOT NULL,
                        participants TEXT NOT NULL, valid_from INTEGER NOT NULL, preparation TEXT, level TEXT NOT NULL,
                        department TEXT
                        """, orderBy: "dialogue", indexes: ["chain, day", "dialogue", "level, day"]),
                Table(
                    name: "dialogue_preparations",
                    columns: """
                        preparation TEXT NOT NULL, chain TEXT NOT NULL, planned_on TEXT NOT NULL, agenda TEXT NOT NULL,
                        invited TEXT NOT NULL, recorded_at INTEGER NOT NULL, valid_from INTEGER NOT NULL
                        """, orderBy: "preparation", indexes: ["preparation", "chain, planned_on"]),
                Table(
                    name: "decisions",
                    columns: """
                        decision TEXT NOT NULL, dialogue TEXT NOT NULL, chain TEXT, text TEXT NOT NULL, rationale TEXT NOT NULL,
                        decided_by_organisation TEXT NOT NULL, decided_by_person TEXT NOT NULL, evidence_positions TEXT NOT NULL,
                        evidence_kpis TEXT NOT NULL, recorded_at INTEGER NOT NULL, valid_from INTEGER NOT NULL
                        """, orderBy: "decision", indexes: ["decision", "chain"]),
                Table(
                    name: "actions",
                    columns: """
                        action TEXT NOT NULL, dialogue TEXT NOT NULL, chain TEXT, text TEXT NOT NULL, owner_organisation TEXT NOT NULL,
                        owner_person TEXT NOT NULL, due TEXT NOT NULL, done_on TEXT, note TEXT, valid_from INTEGER NOT NULL, valid_to INTEGER
                        """, orderBy: "action, valid_from", indexes: ["action, valid_from", "chain"]),
            ]),
        Projection(
            name: "timeline",
            tables: [
                Table(
                    name: "timeline",
                    columns: """
                        first_position INTEGER NOT NULL, recorded_at INTEGER NOT NULL, commit_id TEXT NOT NULL
                        """, orderBy: "first_position", indexes: ["recorded_at", "first_position"])
            ]),
    ]

    static var tables: [Table] { projections.flatMap(\.tables) }

    /// The names of `table`'s columns, in their order.
    static func columnNames(of table: String) -> [String] {
        guard let names = columnNamesByTable[table] else { preconditionFailure("no projection table \(table)") }
        return names
    }

    private static let columnNamesByTable: [String: [String]] = Dictionary(
        uniqueKeysWithValues: tables.map { table in
            (table.name, table.columns.split(separator: ",").compactMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) })
        })

    /// Creates every table under `suffix` (empty for the live tables).
    static func create(_ db: Database, suffix: String) throws {
        for table in tables {
            try db.execute(sql: "CREATE TABLE \(table.name)\(suffix) (\(table.columns))")
        }
    }

    /// Creates the indexes of the tables under `suffix`. Index names carry `generation`, so that a
    /// rebuild's indexes (made before its tables replace the live ones) never collide with the
    /// live tables' indexes.
    static func createIndexes(_ db: Database, suffix: String, generation: String, only: (@Sendable (Table) -> Bool)? = nil) throws {
        for table in tables where only?(table) ?? true {
            for (number, index) in table.indexes.enumerated() {
                try db.execute(sql: "CREATE INDEX \(indexName(table, number, generation)) ON \(table.name)\(suffix) \(definition(index))")
            }
        }
    }

    static func indexName(_ table: Table, _ number: Int, _ generation: String) -> String {
        "\(table.name)_index_\(number)_\(generation)"
    }

    /// The conditions of the measurements' two partial indexes: the values as first recorded, and
    /// the corrections of them.
    static let originals = "supersedes IS NULL", corrections = "supersedes IS NOT NULL"

    /// The partial index of the measurements that correct another (`corrections`).
    static func correctionsIndex(generation: String) -> String {
        let measurements = tables.first { $0.name == "measurements" }!
        let number = measurements.indexes.firstIndex { $0.hasSuffix("WHERE \(corrections)") }!
        return indexName(measurements, number, generation)
    }

    /// "(columns)" or "(columns) WHERE condition".
    static func definition(_ index: String) -> String {
        guard let split = index.range(of: " WHERE ") else { return "(\(index))" }
        return "(\(index[..<split.lowerBound]))\(index[split.lowerBound...])"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("projections-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE projection_state (
                        name TEXT PRIMARY KEY,       -- "log": how far the live tables have read the log
                        position INTEGER NOT NULL,   -- entries applied (the next position to read)
                        ledger TEXT                  -- the ledger's genesis commit id
                    )
                    """)
            try db.execute(sql: "INSERT INTO projection_state (name, position) VALUES ('log', 0)")
            try create(db, suffix: "")
            try createIndexes(db, suffix: "", generation: "0")
        }
        // The KPI-tree revision (`ReadModels.kpiTreeRevision`) seeks the latest measurement of a
        // KPI. Files made by v1 get the index here; newer files and rebuilds get it from the list.
        migrator.registerMigration("projections-v2-measurements-by-kpi") { db in
            let measurements = tables.first { $0.name == "measurements" }!
            for number in 1...2 {
                try db.execute(
                    sql: "CREATE INDEX IF NOT EXISTS measurements_index_\(number)_0 ON measurements \(definition(measurements.indexes[number]))")
            }
        }
        // How each rebuild ended (`Projector.lastRebuild()`, shown in `/metrics`); not a projection.
        migrator.registerMigration("projections-v3-rebuilds") { db in
            try db.execute(
                sql: """
                    CREATE TABLE projection_rebuilds (
                        finished_at REAL NOT NULL,   -- seconds since 1970 (UTC)
                        seconds REAL NOT NULL,       -- how long it took
                        outcome TEXT NOT NULL,       -- swapped, drift or failed
                        position INTEGER NOT NULL,   -- the position the rebuilt tables reached
                        detail TEXT                  -- the drift or the error
                    )
                    """)
        }
        // Dialogue preparations (`DialoguePrepared`) and the preparation a dialogue cites. Files made
        // before get the empty table and the column; no event of theirs held either.
        migrator.registerMigration("projections-v4-dialogue-preparations") { db in
            // A file made by this version already has both (from projections-v1).
            try addColumnIfMissing("preparation TEXT", to: "dialogues", db)
            try createIfMissing("dialogue_preparations", db)
        }
        // Customer values (`CustomerValuesSet`), the values chain KPIs measure (`KpiValuesSet`) and the
        // links' hypotheses and lags (`KpiLinked` schema 2). Files made before held none of them.
        migrator.registerMigration("projections-v5-values-and-hypotheses") { db in
            try addColumnIfMissing("hypothesis TEXT", to: "kpi_links", db)
            try addColumnIfMissing("lag INTEGER", to: "kpi_links", db)
            try createIfMissing("chain_values", db)
            try createIfMissing("kpi_values", db)
        }
        // Declined agreements (`AgreementDeclined`) and the decision an amendment cites (`AgreementAmended`
        // schema 2).
        migrator.registerMigration("projections-v6-agreement-declines") { db in
            try addColumnIfMissing("decision TEXT", to: "agreements", db)
            try createIfMissing("agreement_declines", db)
        }
        // Commitments without a KPI (`AgreementProposed` schema 2, `AgreementAmended` schema 3) and
        // their fulfilment (`CommitmentFulfilled`). Files made before held none.
        migrator.registerMigration("projections-v7-commitments") { db in
            try createIfMissing("commitments", db)
            try createIfMissing("commitment_fulfilments", db)
        }
        // Method health reads the provisional values through their own index.
        migrator.registerMigration("projections-v8-provisional-values") { db in
            let measurements = tables.first { $0.name == "measurements" }!
            try db.execute(
                sql: "CREATE INDEX IF NOT EXISTS \(indexName(measurements, 3, "0")) ON measurements \(definition(measurements.indexes[3]))")
        }
        // The steering levels (`DialogueHeld` schema 3): each dialogue's level and department, and no
        // chain for a strategic dialogue or its decisions and actions. SQLite cannot drop NOT NULL
        // from a column, so the three tables are made again; their rows (all at the chain level)
        // are kept.
        migrator.registerMigration("projections-v9-steering-levels") { db in
            for name in ["dialogues", "decisions", "actions"] {
                try remake(name, db, filling: ["level": "'chain'"])
            }
        }
        // The owner's span of control (`PolicySet` schema 2). Files made before held no span.
        migrator.registerMigration("projections-v10-owner-span") { db in
            try addColumnIfMissing("owner_span INTEGER", to: "policy", db)
        }
        return migrator
    }

    /// For a migration: makes live table `name` again in its current definition, with its indexes,
    /// keeping its rows; `filling` gives the value of each column the old table lacks.
    private static func remake(_ name: String, _ db: Database, filling: [String: String]) throws {
        let table = tables.first { $0.name == name }!
        let old = Set(try db.columns(in: name).map(\.name))
        let columns = columnNames(of: table).filter { old.contains($0) || filling[$0] != nil }
        try db.execute(sql: "CREATE TABLE \(name)_remade (\(table.columns))")
        try db.execute(
            sql: """
                INSERT INTO \(name)_remade (\(columns.joined(separator: ", ")))
                SELECT \(columns.map { old.contains($0) ? $0 : filling[$0]! }.joined(separator: ", ")) FROM \(name)
                """)
        try db.execute(sql: "DROP TABLE \(name)")
        try db.execute(sql: "ALTER TABLE \(name)_remade RENAME TO \(name)")
        for (number, index) in table.indexes.enumerated() {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(indexName(table, number, "0")) ON \(name) \(definition(index))")
        }
    }

    /// The column names of `table` as its definition lists them.
    private static func columnNames(of table: Table) -> [String] {
        table.columns.split(separator: ",").map { String($0.drop { $0.isWhitespace }.prefix { !$0.isWhitespace }) }
    }

    /// For a migration: adds `column` (its name and type) to a live table made before it had it. A file
    /// made by a later version has it from projections-v1.
    private static func addColumnIfMissing(_ column: String, to table: String, _ db: Database) throws {
        let name = String(column.prefix { !$0.isWhitespace })
        if try !db.columns(in: table).contains(where: { $0.name == name }) {
            try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(column)")
        }
    }

    /// For a migration: creates a live table, and its indexes, that a file made before it lacks.
    private static func createIfMissing(_ name: String, _ db: Database) throws {
        let table = tables.first { $0.name == name }!
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS \(name) (\(table.columns))")
        for (number, index) in table.indexes.enumerated() {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(indexName(table, number, "0")) ON \(name) \(definition(index))")
        }
    }
}
