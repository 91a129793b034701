public import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// Who was responsible for what at a moment, with the history of chain ownership.
public struct Responsibilities: Sendable, Codable, Equatable {
    public struct Ownership: Sendable, Codable, Equatable {
        public let owner: PersonRef
        /// The owner's name as registered, and whether they sit in a management team.
        public let name: String?
        public let managementTeam: Bool?
        public let reason: String
        public let decision: String?
        public let since: UInt64
        public let sinceTime: String
        /// The position where the next owner took over (nil while current).
        public let until: UInt64?
    }

    public struct ChainResponsibility: Sendable, Codable, Equatable {
        public let chain: String
        public let name: String
        public let parent: String?
        public let partners: [String]
        public let owner: Ownership?
        /// Every owner up to the moment, oldest first.
        public let history: [Ownership]
        public let kpis: [KpiResponsibility]
        public let agreements: [AgreementParty]
        /// Who links the chain to the strategic level and to each partner's department.
        public let linkingPins: LinkingPins
    }

    public struct KpiResponsibility: Sendable, Codable, Equatable {
        public let kpi: String
        public let owner: PersonRef
        public let reporters: [String]
    }

    public struct AgreementParty: Sendable, Codable, Equatable {
        public let agreement: String
        public let party: String
        /// The KPIs the party's obligations name.
        public let obligations: [String]
        /// The ids of the party's commitments that serve the chain.
        public let commitments: [String]
    }

    public struct MemberRoles: Sendable, Codable, Equatable {
        public let member: PersonRef
        public let name: String
        public let managementTeam: Bool
        public let roles: [String]
    }

    public let moment: Moment
    public let coordinators: [String]
    public let chains: [ChainResponsibility]
    public let members: [MemberRoles]
}

extension ReadModels {
    public func responsibilities(chain: String? = nil, asOf: AsOf = .now) async throws -> Responsibilities {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            let size = Int64(moment.size)
            let coordinators = try String.fetchAll(
                db, sql: "SELECT organisation FROM organisations WHERE \(current) AND coordinator = 1 ORDER BY organisation",
                arguments: [size, size])
            var members: [String: (name: String, managementTeam: Bool)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM members WHERE \(current)", arguments: [size, size]) {
                members["\(row["organisation"] as String)/\(row["person"] as String)"] = (row["name"], (row["management_team"] as Int) == 1)
            }
            var chains: [Responsibilities.ChainResponsibility] = []
            for chainRow in try Self.chains(moment, db) where chain == nil || chainRow.chain == chain {
                let history = try Row.fetchAll(
                    db, sql: "SELECT * FROM chain_owners WHERE chain = ? AND valid_from < ? ORDER BY valid_from",
                    arguments: [chainRow.chain, size]
                ).map { row -> Responsibilities.Ownership in
                    let owner = PersonRef(organisation: row["owner_organisation"], person: row["owner_person"])
                    let member = members["\(owner.organisation)/\(owner.person)"]
                    let until = (row["valid_to"] as Int64?).flatMap { $0 < size ? UInt64($0) : nil }
                    return .init(
                        owner: owner, name: member?.name, managementTeam: member?.managementTeam, reason: row["reason"],
                        decision: row["decision"], since: UInt64(row["valid_from"] as Int64),
                        sinceTime: Timestamp(milliseconds: row["recorded_at"]).description, until: until)
                }
                let kpis = try Row.fetchAll(
                    db, sql: "SELECT * FROM kpis WHERE chain = ? AND \(current) AND retired = 0 ORDER BY kpi",
                    arguments: [chainRow.chain, size, size]
                ).map {
                    Responsibilities.KpiResponsibility(
                        kpi: $0["kpi"], owner: PersonRef(organisation: $0["owner_organisation"], person: $0["owner_person"]),
                        reporters: decodeList($0["reporters"], as: [String].self) ?? [])
                }
                let kpiIDs = Set(kpis.map(\.kpi))
                var parties: [String: [String: [String]]] = [:]
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT o.agreement, o.party, o.kpi FROM obligations o JOIN agreements a ON a.agreement = o.agreement AND o.version = a.latest_version
                        WHERE a.valid_from < ? AND (a.valid_to IS NULL OR a.valid_to >= ?) AND a.terminated_on IS NULL
                        """, arguments: [size, size]) where kpiIDs.contains(row["kpi"])
                {
                    parties[row["agreement"], default: [:]][row["party"], default: []].append(row["kpi"])
                }
                var promised: [String: [String: [String]]] = [:]
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.agreement, c.party, c.commitment FROM commitments c JOIN agreements a ON a.agreement = c.agreement AND c.version = a.latest_version
                        WHERE c.chain = ? AND a.valid_from < ? AND (a.valid_to IS NULL OR a.valid_to >= ?) AND a.terminated_on IS NULL
                        """, arguments: [chainRow.chain, size, size])
                {
                    promised[row["agreement"], default: [:]][row["party"], default: []].append(row["commitment"])
                    // A party with commitments alone is a party of the chain's agreement too.
                    if parties[row["agreement"]]?[row["party"]] == nil { parties[row["agreement"], default: [:]][row["party"]] = [] }
                }
                chains.append(
                    .init(
                        chain: chainRow.chain, name: chainRow.name, parent: chainRow.parent, partners: chainRow.partners,
                        owner: history.last(where: { $0.until == nil }), history: history, kpis: kpis,
                        agreements: parties.sorted { $0.key < $1.key }.flatMap { agreement, byParty in
                            byParty.sorted { $0.key < $1.key }.map {
                                .init(
                                    agreement: agreement, party: $0.key, obligations: $0.value.sorted(),
                                    commitments: (promised[agreement]?[$0.key] ?? []).sorted())
                            }
                        }, linkingPins: try Self.linkingPins(of: chainRow, moment: moment, db)))
            }
            var roles: [String: [String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM member_roles WHERE \(current)", arguments: [size, size]) {
                let scope: String? = row["scope"]
                roles["\(row["organisation"] as String)/\(row["person"] as String)", default: []].append(
                    (row["role"] as String) + (scope.map { " (\($0))" } ?? ""))
            }
            for chain in chains {
                if let owner = chain.owner {
                    roles["\(owner.owner.organisation)/\(owner.owner.person)", default: []].append("chain-owner (\(chain.chain))")
                }
                for kpi in chain.kpis { roles["\(kpi.owner.organisation)/\(kpi.owner.person)", default: []].append("kpi-owner (\(kpi.kpi))") }
            }
            let memberRoles = members.sorted { $0.key < $1.key }.map { key, member -> Responsibilities.MemberRoles in
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                return .init(
                    member: PersonRef(organisation: parts[0], person: parts[1]), name: member.name, managementTeam: member.managementTeam,
                    roles: (roles[key] ?? []).sorted())
            }
            return Responsibilities(moment: moment, coordinators: coordinators, chains: chains, members: memberRoles)
        }
    }
}
