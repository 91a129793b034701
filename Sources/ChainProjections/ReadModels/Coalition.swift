public import ChainDomain
import Foundation
import GRDB

/// The coalition at a moment: its mission, goals and member organisations.
public struct CoalitionOverview: Sendable, Codable, Equatable {
    public struct Organisation: Sendable, Codable, Equatable {
        public let organisation: String
        public let name: String
        public let kind: String?
        public let coordinator: Bool
    }

    public let moment: Moment
    public let mission: String?
    public let goals: [Goal]
    public let organisations: [Organisation]
}

extension ReadModels {
    public func coalition(asOf: AsOf = .now) async throws -> CoalitionOverview {
        try await database.read { db in
            let moment = try Self.resolve(asOf, db)
            let size = Int64(moment.size)
            let mission = try Row.fetchOne(db, sql: "SELECT mission, goals FROM mission WHERE \(current)", arguments: [size, size])
            let organisations = try Row.fetchAll(
                db, sql: "SELECT * FROM organisations WHERE \(current) ORDER BY organisation", arguments: [size, size]
            ).map {
                CoalitionOverview.Organisation(
                    organisation: $0["organisation"], name: $0["name"], kind: $0["kind"], coordinator: ($0["coordinator"] as Int) == 1)
            }
            return CoalitionOverview(
                moment: moment, mission: mission?["mission"], goals: decodeList(mission?["goals"], as: [Goal].self) ?? [],
                organisations: organisations)
        }
    }
}
