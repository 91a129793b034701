public import ChainDomain
import GRDB
import LedgerCore

/// A chain as the method starts from it: its customer and the need it serves, its ordered steps
/// and the organisations that carry them out, and the chains nested in it.
public struct ChainProfile: Sendable, Codable, Equatable {
    public struct Nested: Sendable, Codable, Equatable {
        public let chain: String
        public let name: String
    }

    /// One of the chain's values, with the active chain KPIs that measure it.
    public struct Value: Sendable, Codable, Equatable {
        public let value: String
        public let name: String
        /// KPI ids, in order; empty when no chain KPI measures the value.
        public let kpis: [String]
    }

    public let chain: String
    public let name: String
    public let customer: String
    public let customerNeed: String
    public let parent: Nested?
    public let partners: [String]
    /// In the order the customer goes through them.
    public let steps: [ChainStep]
    public let nested: [Nested]
    /// What the customers value (*klantwaarden*), in the owner's order; empty until set.
    public let customerValues: [Value]
    /// What the chain itself must safeguard (*interne waarden*).
    public let internalValues: [Value]
    public let moment: Moment
}

extension ReadModels {
    /// Every chain's profile as of `asOf`, parents before the chains nested in them.
    public func chainProfiles(asOf: AsOf = .now) async throws -> [ChainProfile] {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM chains WHERE \(current) AND retired = 0 ORDER BY chain",
                arguments: [Int64(moment.size), Int64(moment.size)])
            let names = Dictionary(rows.map { ($0["chain"] as String, $0["name"] as String) }, uniquingKeysWith: { first, _ in first })
            let values = try Self.chainValues(moment, db)
            let profiles = rows.map { row in
                let id: String = row["chain"]
                let parent: String? = row["parent"]
                return ChainProfile(
                    chain: id, name: row["name"], customer: row["customer"], customerNeed: row["customer_need"],
                    parent: parent.map { ChainProfile.Nested(chain: $0, name: names[$0] ?? $0) },
                    partners: decodeList(row["partners"], as: [String].self) ?? [],
                    steps: decodeList(row["steps"], as: [ChainStep].self) ?? [],
                    nested: rows.filter { ($0["parent"] as String?) == id }.map { .init(chain: $0["chain"], name: $0["name"]) },
                    customerValues: values[id]?.customer ?? [], internalValues: values[id]?.internal ?? [], moment: moment)
            }
            // Depth-first from the top-level chains, so that a nested chain follows its parent.
            var ordered: [ChainProfile] = []
            func visit(_ profile: ChainProfile) {
                guard !ordered.contains(where: { $0.chain == profile.chain }) else { return }
                ordered.append(profile)
                for child in profile.nested { if let nested = profiles.first(where: { $0.chain == child.chain }) { visit(nested) } }
            }
            for profile in profiles where profile.parent == nil || names[profile.parent!.chain] == nil { visit(profile) }
            for profile in profiles { visit(profile) }
            return ordered
        }
    }

    /// Every chain's current values as of a moment, each with the active KPIs of the chain that measure it.
    static func chainValues(_ moment: Moment, _ db: Database) throws -> [String: (customer: [ChainProfile.Value], internal: [ChainProfile.Value])] {
        let size = Int64(moment.size)
        var measuring: [String: [String]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT k.chain, v.value, v.kpi FROM kpi_values v JOIN kpis k ON k.kpi = v.kpi
                WHERE v.valid_from < ?1 AND (v.valid_to IS NULL OR v.valid_to >= ?1)
                  AND k.valid_from < ?1 AND (k.valid_to IS NULL OR k.valid_to >= ?1) AND k.retired = 0
                ORDER BY v.kpi
                """, arguments: [size])
        {
            measuring["\(row["chain"] as String)/\(row["value"] as String)", default: []].append(row["kpi"])
        }
        var values: [String: (customer: [ChainProfile.Value], internal: [ChainProfile.Value])] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT chain, kind, value, name FROM chain_values WHERE valid_from < ?1 AND (valid_to IS NULL OR valid_to >= ?1)
                ORDER BY chain, kind, ordinal
                """, arguments: [size])
        {
            let chain: String = row["chain"]
            let id: String = row["value"]
            let value = ChainProfile.Value(value: id, name: row["name"], kpis: measuring["\(chain)/\(id)"] ?? [])
            if row["kind"] as String == "customer" {
                values[chain, default: ([], [])].customer.append(value)
            } else {
                values[chain, default: ([], [])].internal.append(value)
            }
        }
        return values
    }

    /// One chain's profile as of `asOf`.
    public func chainProfile(chain: String, asOf: AsOf = .now) async throws -> ChainProfile {
        let moment = try await resolve(asOf)
        guard let profile = try await chainProfiles(asOf: .moment(moment)).first(where: { $0.chain == chain }) else {
            throw ReadModelError(
                "there is no chain \(chain) at position \(moment.size)", code: "no-chain", facts: ["chain": chain, "position": "\(moment.size)"])
        }
        return profile
    }
}
