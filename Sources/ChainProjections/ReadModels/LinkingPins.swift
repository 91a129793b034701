public import ChainDomain
import Foundation
import GRDB
import LedgerCore

/// The linking pins of a chain (*linking pins*, the method's word): the people who connect its own
/// dialogues with the two other steering levels. A person links the chain to a level when they took
/// part in one of the chain's last three dialogues and in one of the last three dialogues at that
/// level: the coalition's strategic dialogues, or a partner's department dialogues about the chain.
public struct LinkingPins: Sendable, Codable, Equatable {
    public struct Department: Sendable, Codable, Equatable {
        /// The partner organisation.
        public let organisation: String
        /// How many dialogues its department has held about the chain.
        public let dialogues: Int
        /// Who links the chain to this department.
        public let pins: [PersonRef]
    }

    /// Who links the chain to the strategic level.
    public let strategic: [PersonRef]
    /// Per partner of the chain: who links it to that partner's department.
    public let departments: [Department]
    /// When there is no linking pin to the strategic level: the day from which there has been none
    /// (the dialogue that ended the last one, or the chain's first day).
    public let strategicMissingSince: CalendarDate?
    /// When no partner's department has a linking pin: the day from which there has been none.
    public let departmentMissingSince: CalendarDate?
}

extension ReadModels {
    /// How many of the latest dialogues at a level count: for a linking pin, and for a partner absent
    /// from the chain's dialogues.
    static let recentDialogues = 3

    /// Chain `chain`'s linking pins at `moment`.
    static func linkingPins(of chain: ChainRow, moment: Moment, _ db: Database) throws -> LinkingPins {
        let sittings = try Row.fetchAll(
            db,
            sql: """
                SELECT dialogue, level, department, day, participants FROM dialogues
                WHERE (chain = ? OR level = 'strategic') AND valid_from < ? ORDER BY valid_from
                """, arguments: [chain.chain, Int64(moment.size)]
        ).map { row in
            Sitting(
                dialogue: row["dialogue"], level: SteeringLevel(rawValue: row["level"]) ?? .chain, department: row["department"],
                day: row["day"], participants: Set(decodeList(row["participants"], as: [PersonRef].self) ?? []))
        }
        let firstDay = try day(ofPosition: Int64(chain.definedAt), db) ?? moment.day
        // The pins after each dialogue, in ledger order; the days on which the latest run without
        // a pin began.
        var held = Held()
        var strategicMissingSince: CalendarDate? = firstDay
        var departmentMissingSince: CalendarDate? = firstDay
        for sitting in sittings {
            held.add(sitting)
            let day = CalendarDate(sitting.day) ?? firstDay
            let strategic = !held.pins(to: held.strategic).isEmpty
            let department = chain.partners.contains { !held.pins(to: held.departments[$0] ?? []).isEmpty }
            strategicMissingSince = strategic ? nil : strategicMissingSince ?? max(day, firstDay)
            departmentMissingSince = department ? nil : departmentMissingSince ?? max(day, firstDay)
        }
        return LinkingPins(
            strategic: held.pins(to: held.strategic),
            departments: chain.partners.map { partner in
                let dialogues = held.departments[partner] ?? []
                return .init(organisation: partner, dialogues: dialogues.count, pins: held.pins(to: dialogues))
            },
            strategicMissingSince: strategicMissingSince, departmentMissingSince: departmentMissingSince)
    }

    /// A dialogue as the linking pins read it.
    private struct Sitting {
        let dialogue: String
        let level: SteeringLevel
        let department: String?
        let day: String
        let participants: Set<PersonRef>
    }

    /// The dialogues held so far, per level, each list in the order they were held.
    private struct Held {
        var chain: [Sitting] = []
        var strategic: [Sitting] = []
        var departments: [String: [Sitting]] = [:]

        mutating func add(_ sitting: Sitting) {
            switch sitting.level {
            case .chain: Self.insert(sitting, into: &chain)
            case .strategic: Self.insert(sitting, into: &strategic)
            case .department: if let department = sitting.department { Self.insert(sitting, into: &departments[department, default: []]) }
            }
        }

        /// Who took part in one of the chain's latest dialogues and one of `other`'s, sorted.
        func pins(to other: [Sitting]) -> [PersonRef] {
            let own = Self.latest(chain)
            return Self.latest(other).filter { own.contains($0) }.sorted { ($0.organisation, $0.person) < ($1.organisation, $1.person) }
        }

        private static func latest(_ sittings: [Sitting]) -> Set<PersonRef> {
            Set(sittings.suffix(recentDialogues).flatMap(\.participants))
        }

        /// Keeps `sittings` in the order of the days held (a dialogue may be recorded after a later one).
        private static func insert(_ sitting: Sitting, into sittings: inout [Sitting]) {
            let index = sittings.lastIndex { ($0.day, $0.dialogue) <= (sitting.day, sitting.dialogue) }.map { $0 + 1 } ?? 0
            sittings.insert(sitting, at: index)
        }
    }
}
