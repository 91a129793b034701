import Foundation
public import LedgerCore

extension ChainRules {
    /// New appends only:
    /// - every number in a domain event is written exactly as the ledger writes that number (the
    ///   shortest spelling that reads back to the same double), so that every reader reads and
    ///   renders what was signed. `1e-400` (which reads as 0), `2e-324`, `0e5`, `91.0` or `1E2` are
    ///   refused; the command line never writes them.
    /// - a measurement (recorded or corrected) is for a period that has begun by the ledger's clock
    ///   (`now`); targets and agreements may lie ahead.
    ///
    /// A ledger that already holds such an event stays readable, verifiable and replicable: this
    /// is not checked on replay.
    public func screen(_ commit: CommitDocument, at now: Timestamp) throws(LedgerError) {
        let today = CalendarDate(dayOf: now)
        for (index, event) in commit.events.enumerated() where !CoreEvent.isCoreStream(event.stream) {
            let data = Array(event.data)
            guard let members = try? JSONScanner.objectMembers(data) else { continue } // `validate` reports unreadable data
            if let problem = Self.nonCanonicalNumber(in: members, of: data, path: "") {
                throw .invalidEvent(index: index, reason: "\(event.type): \(problem)")
            }
            if event.type == ChainEventType.measurementRecorded.rawValue || event.type == ChainEventType.measurementCorrected.rawValue,
                let text = try? JSONFields(data).string("period"), let period = Period(text), period.days.lowerBound > today
            {
                throw .ruleViolation(
                    index: index, rule: "period-has-begun",
                    detail: "period \(period) begins on \(period.days.lowerBound); a figure is recorded once its period has begun "
                        + "(the ledger's clock says \(today))")
            }
        }
    }

    /// The first number in `members` (and the objects they hold) not in the ledger's own spelling.
    static func nonCanonicalNumber(in members: [JSONScanner.Member], of data: [UInt8], path: String) -> String? {
        for member in members {
            let name = path + member.key(in: data)
            switch member.kind {
            case .number:
                let text = String(decoding: data[member.range], as: UTF8.self)
                guard let value = Double(text), value.isFinite, let canonical = Self.spelling(of: value) else {
                    return "field \"\(name)\": \(text) is not a finite number"
                }
                guard canonical == text else {
                    return "field \"\(name)\": \(text) is not written as the ledger writes that number (\(canonical)); it must read back exactly"
                }
            case .object:
                guard let nested = try? JSONScanner.objectMembers(Array(data[member.range])) else { continue }
                if let problem = nonCanonicalNumber(in: nested, of: Array(data[member.range]), path: name + ".") { return problem }
            default:
                continue
            }
        }
        return nil
    }

    /// How the ledger's JSON writes `value`.
    static func spelling(of value: Double) -> String? {
        guard let bytes = try? CanonicalJSON.encode([value], what: "a number") else { return nil }
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }
}
