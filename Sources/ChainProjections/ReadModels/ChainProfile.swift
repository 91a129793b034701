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

    public let chain: String
    public let name: String
    public let customer: String
    public let customerNeed: String
    public let parent: Nested?
    public let partners: [String]
    /// In the order the customer goes through them.
    public let steps: [ChainStep]
    public let nested: [Nested]
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
            let profiles = rows.map { row in
                let id: String = row["chain"]
                let parent: String? = row["parent"]
                return ChainProfile(
                    chain: id, name: row["name"], customer: row["customer"], customerNeed: row["customer_need"],
                    parent: parent.map { ChainProfile.Nested(chain: $0, name: names[$0] ?? $0) },
                    partners: decodeList(row["partners"], as: [String].self) ?? [],
                    steps: decodeList(row["steps"], as: [ChainStep].self) ?? [],
                    nested: rows.filter { ($0["parent"] as String?) == id }.map { .init(chain: $0["chain"], name: $0["name"]) },
                    moment: moment)
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
