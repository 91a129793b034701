import ChainDomain
import Foundation
import LedgerCore

/// What every domain command does: read the streams' current versions, turn events into lines
/// that expect them, sign them with the organisation's key and submit them as one commit, to a
/// ledger file or to a server.
struct DomainWriter {
    let target: any CommitTarget
    let organisation: String
    let key: SigningKey

    init(_ options: TargetOptions) async throws {
        key = try options.signingKey()
        target = try await options.open()
        organisation = options.org
    }

    /// The chain state, when the ledger is at hand (not through a server).
    var state: ChainState? {
        get async { await target.chainState() }
    }

    /// Signs and submits `events` as one commit; prints the receipt.
    func commit(_ events: [ChainEvent]) async throws {
        var factory = EventFactory()
        for stream in Set(events.map(\.stream)) {
            factory.versions[stream] = try await target.head(of: stream).version
        }
        let lines: [EventLine]
        do {
            lines = try factory.lines(events)
        } catch {
            throw CLIError("\(error.message): check the ids you gave")
        }
        let commit = SignedCommit.sign(ledger: try await target.ledgerID(), organisation: organisation, key: key, events: lines)
        Terminal.print(try await target.append(commit).json)
    }

    /// The position of the latest event of a stream, if it has one.
    func head(of stream: String) async throws -> UInt64? {
        try await target.head(of: stream).position
    }
}

/// Reading the argument forms of the domain's values.
enum Arguments {
    static func period(_ text: String) throws -> Period {
        guard let period = Period(text) else {
            throw CLIError("\"\(text)\" is not a period: use 2026, 2026-H1, 2026-Q1, 2026-03 or 2026-W05 (or CBS codes 2026JJ00, 2026KW01, 2026MM03)")
        }
        return period
    }

    static func number(_ text: String) throws -> Double {
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            throw CLIError("\"\(text)\" is not a number")
        }
        return value
    }

    static func date(_ text: String) throws -> CalendarDate {
        guard let date = CalendarDate(text) else { throw CLIError("\"\(text)\" is not a date (YYYY-MM-DD)") }
        return date
    }

    static func status(_ text: String) throws -> ObservationStatus {
        guard let status = ObservationStatus(rawValue: text.uppercased()) else {
            throw CLIError("status \"\(text)\" is not A (normal), P (provisional) or E (estimated)")
        }
        return status
    }

    /// Decodes a JSON file into `T`, naming the field at fault.
    static func jsonFile<T: Decodable>(_ path: String, as type: T.Type) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw CLIError("\(path): missing field \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw CLIError("\(path): field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            throw CLIError("\(path): \(context.codingPath.isEmpty ? "not valid JSON" : "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)")")
        }
    }
}
