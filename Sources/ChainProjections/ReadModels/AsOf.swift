public import ChainDomain
import Foundation
package import GRDB
public import LedgerCore

/// The moment a question is asked about: now, a ledger position (size), or a recorded time.
public enum AsOf: Sendable, Equatable {
    case now
    /// The ledger as it was with this many entries.
    case position(UInt64)
    /// The ledger as it was at this recorded time.
    case time(Timestamp)
    /// A moment resolved before (by `ReadModels.resolve`): answers about it never change, since
    /// the log only grows, so they may be cached under it.
    case moment(Moment)

    /// Reads `--as-of`: a whole number is a position; `YYYY-MM-DD` is the end of that day (UTC);
    /// an RFC 3339 time (`Z` or any offset, `T` and `Z` in either case) is that time.
    public init?(argument: String) {
        if let position = UInt64(argument) {
            self = .position(position)
        } else if let day = CalendarDate(argument) {
            self = .time(Timestamp(milliseconds: Int64(day.day + 1) * 86_400_000 - 1))
        } else if let time = Self.time(argument.uppercased()) {
            self = .time(time)
        } else {
            return nil
        }
    }

    /// An RFC 3339 time, read as UTC after taking off its offset (`+01:00`, `-20:45`).
    private static func time(_ text: String) -> Timestamp? {
        if text.hasSuffix("Z") { return Timestamp(rfc3339: text) }
        let bytes = Array(text.utf8)
        guard bytes.count > 6, bytes[bytes.count - 3] == UInt8(ascii: ":") else { return nil }
        let sign = bytes[bytes.count - 6]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let hours = Int64(String(decoding: bytes[(bytes.count - 5)..<(bytes.count - 3)], as: UTF8.self)),
            let minutes = Int64(String(decoding: bytes[(bytes.count - 2)...], as: UTF8.self)), hours < 24, minutes < 60,
            let local = Timestamp(rfc3339: String(decoding: bytes[..<(bytes.count - 6)], as: UTF8.self) + "Z")
        else { return nil }
        let offset = (hours * 60 + minutes) * 60_000
        return Timestamp(milliseconds: sign == UInt8(ascii: "+") ? local.milliseconds - offset : local.milliseconds + offset)
    }
}

/// A resolved moment: the ledger size the answer reflects, and the calendar day that counts for
/// deadlines (overdue dialogues and actions, expired agreements, stale KPIs).
public struct Moment: Sendable, Codable, Hashable {
    /// Entries 0 ..< size are taken into account.
    public let size: UInt64
    /// The recorded time of the last entry taken into account.
    public let recordedAt: String?
    /// The day deadlines are measured against.
    public let day: CalendarDate
}

/// Why a question about the read models could not be answered.
public struct ReadModelError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// What was not found, for the catalogues: `no-chain`, `no-kpi`, `no-decision`, `beyond-log`.
    public let code: String
    /// The values `description` names, by name.
    public let facts: [String: String]

    public init(_ description: String, code: String = "read-model", facts: [String: String] = [:]) {
        self.description = description
        self.code = code
        self.facts = facts
    }
}

extension ReadModels {
    /// Turns an `AsOf` into a moment the read models can answer for.
    public func resolve(_ asOf: AsOf) async throws -> Moment {
        try await database.read { db in try Self.resolve(asOf, db) }
    }

    /// The days on which the ledger's first and last applied entries were recorded; `nil` for
    /// an empty ledger.
    public func recordedDays() async throws -> ClosedRange<CalendarDate>? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(recorded_at), MAX(recorded_at) FROM timeline"),
                let first = row[0] as Int64?, let last = row[1] as Int64?
            else { return nil }
            let days = CalendarDate(dayOf: Timestamp(milliseconds: first))...CalendarDate(dayOf: Timestamp(milliseconds: max(first, last)))
            return days
        }
    }

    static func resolve(_ asOf: AsOf, _ db: Database) throws -> Moment {
        let applied = UInt64(try Int64.fetchOne(db, sql: "SELECT position FROM projection_state WHERE name = 'log'") ?? 0)
        let size: UInt64
        var day: CalendarDate?
        switch asOf {
        case .now:
            size = applied
            day = .today
        case .position(let position):
            guard position <= applied else {
                throw ReadModelError(
                    "position \(position) lies beyond the ledger (\(applied) entries)", code: "beyond-log",
                    facts: ["position": "\(position)", "size": "\(applied)"])
            }
            size = position
        case .time(let time):
            // The log as it stood at `time`: up to the first commit recorded after it.
            let next = try Int64.fetchOne(db, sql: "SELECT MIN(first_position) FROM timeline WHERE recorded_at > ?", arguments: [time.milliseconds])
            size = next.map { UInt64($0) } ?? applied
            day = CalendarDate(dayOf: time)
        case .moment(let moment):
            guard moment.size <= applied else {
                throw ReadModelError(
                    "position \(moment.size) lies beyond the ledger (\(applied) entries)", code: "beyond-log",
                    facts: ["position": "\(moment.size)", "size": "\(applied)"])
            }
            return moment
        }
        let recorded =
            size == 0
            ? nil
            : try Int64.fetchOne(
                db, sql: "SELECT recorded_at FROM timeline WHERE first_position < ? ORDER BY first_position DESC LIMIT 1",
                arguments: [Int64(size)])
        let recordedAt = recorded.map { Timestamp(milliseconds: $0) }
        let resolvedDay = day ?? recordedAt.map(CalendarDate.init(dayOf:)) ?? .today
        return Moment(size: size, recordedAt: recordedAt?.description, day: resolvedDay)
    }
}

extension CalendarDate {
    /// Today (UTC), by the system clock: the day deadlines are measured against for `AsOf.now`. The
    /// chain domain reads no clock; the read models and the interfaces on them do.
    public static var today: CalendarDate { CalendarDate(dayOf: .now()) }
}

/// The SQL condition for rows current at ledger size `?` (bind the size twice).
let current = "valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)"

/// Decodes a JSON column.
func decodeList<T: Decodable>(_ text: String?, as type: T.Type) -> T? {
    guard let text else { return nil }
    return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
}

/// Queries on the read models.
public final class ReadModels: Sendable {
    /// The projections' database (package only, so that GRDB stays out of the public API).
    package let database: any DatabaseReader

    /// Queries on the projections in `database` (a `Projector` hands them out as `readModels`).
    package init(database: any DatabaseReader) {
        self.database = database
    }
}
