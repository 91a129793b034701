import Foundation
public import LedgerCore

/// A domain event, decoded from its signed bytes and upcast to the current data layout.
public enum ChainEvent: Sendable, Equatable {
    case missionDefined(MissionDefined)
    case policySet(PolicySet)
    case memberRegistered(MemberRegistered)
    case memberChanged(MemberRegistered)
    case roleGranted(RoleChange)
    case roleRevoked(RoleChange)
    case chainDefined(ChainDefinition)
    case chainChanged(ChainDefinition)
    case chainOwnerAssigned(ChainOwnerAssigned)
    case chainRetired(Retirement)
    case kpiDefined(KpiDefinition)
    case kpiLinked(KpiLink)
    case kpiUnlinked(KpiLink)
    case kpiOwnerAssigned(KpiOwnerAssigned)
    case kpiReportersSet(KpiReportersSet)
    case targetSet(TargetSet)
    case kpiRetired(Retirement)
    case measurementRecorded(Measurement)
    case measurementCorrected(Measurement)
    case agreementProposed(AgreementTerms)
    case agreementSigned(AgreementSigned)
    case agreementAmended(AgreementTerms)
    case agreementDeclined(AgreementDeclined)
    case agreementTerminated(AgreementTerminated)
    case commitmentFulfilled(CommitmentFulfilled)
    case dialogueHeld(DialogueHeld)
    case actionCompleted(ActionCompleted)
    case dialoguePrepared(DialoguePrepared)
    case customerValuesSet(CustomerValuesSet)
    case kpiValuesSet(KpiValuesSet)

    /// The fields each type's data may hold (unknown fields are refused, so that signed data means
    /// one thing).
    static let fields: [ChainEventType: [String]] = [
        .missionDefined: ["mission", "goals"],
        .policySet: ["kpiLimitPerChain", "staleGraceDays", "dialogueGraceDays", "ownerSpan"],
        .memberRegistered: ["organisation", "person", "name", "managementTeam", "department"],
        .memberChanged: ["organisation", "person", "name", "managementTeam", "department"],
        .roleGranted: ["organisation", "person", "role", "scope", "reason"],
        .roleRevoked: ["organisation", "person", "role", "scope", "reason"],
        .chainDefined: ["chain", "name", "customerNeed", "customer", "parent", "partners", "cadence", "steps"],
        .chainChanged: ["chain", "name", "customerNeed", "customer", "parent", "partners", "cadence", "steps"],
        .chainOwnerAssigned: ["chain", "owner", "reason", "decision"],
        .chainRetired: ["chain", "reason"],
        .kpiDefined: [
            "kpi", "chain", "name", "level", "step", "unit", "direction", "grain", "aggregation", "owner",
            "reporters", "contributesTo", "goals",
        ],
        .kpiLinked: ["kpi", "to", "goal", "hypothesis", "lag"],
        .kpiUnlinked: ["kpi", "to", "goal"],
        .kpiOwnerAssigned: ["kpi", "owner", "reason"],
        .kpiReportersSet: ["kpi", "reporters"],
        .targetSet: ["kpi", "from", "until", "target", "red"],
        .kpiRetired: ["kpi", "reason"],
        .agreementProposed: ["agreement", "version", "title", "terms", "parties", "obligations", "validFrom", "validUntil", "commitments"],
        .agreementSigned: ["agreement", "version", "party"],
        .agreementAmended: [
            "agreement", "version", "title", "terms", "parties", "obligations", "validFrom", "validUntil", "reason", "decision", "commitments",
        ],
        .agreementDeclined: ["agreement", "version", "party", "reason"],
        .agreementTerminated: ["agreement", "reason", "effective"],
        .commitmentFulfilled: ["agreement", "commitment", "fulfilledOn", "note"],
        .dialogueHeld: [
            "dialogue", "chain", "level", "department", "date", "participants", "reviewedPosition", "decisions", "actions", "preparation",
        ],
        .actionCompleted: ["dialogue", "action", "completedOn", "note"],
        .dialoguePrepared: ["preparation", "chain", "plannedOn", "agenda", "invited"],
        .customerValuesSet: ["chain", "customerValues", "internalValues"],
        .kpiValuesSet: ["kpi", "values"],
    ]

    /// Decodes an event of a domain type. `schema` older than the current one is upcast.
    public static func decode(_ event: EventLine) throws(FormatError) -> ChainEvent {
        guard let type = ChainEventType(rawValue: event.type) else {
            throw FormatError(message: "\(event.type) is not an event type of the chain domain")
        }
        guard event.schema >= 1, event.schema <= type.currentSchema else {
            throw FormatError(message: "\(event.type) has schema 1…\(type.currentSchema), not \(event.schema)")
        }
        let data = Array(event.data)
        switch type {
        case .measurementRecorded, .measurementCorrected:
            return try decodeMeasurement(type, schema: event.schema, data: data)
        case .dialogueHeld where event.schema < 3:
            // Schema 1 predates the citation of a preparation; schemas 1 and 2 predate the steering
            // levels, and name their chain.
            let present = try JSONFields(
                data, allowed: fields[type]?.filter { $0 != "level" && $0 != "department" && (event.schema == 2 || $0 != "preparation") })
            let chain = "chain"
            guard present.has(chain) else { throw FormatError(message: "missing field \"\(chain)\"") }
        case .policySet where event.schema == 1:
            // Schema 1 predates the owner's span.
            _ = try JSONFields(data, allowed: fields[type]?.filter { $0 != "ownerSpan" })
        case .agreementProposed where event.schema == 1:
            // Schema 1 predates commitments.
            _ = try JSONFields(data, allowed: fields[type]?.filter { $0 != "commitments" })
        case .agreementAmended where event.schema < 3:
            // Schema 1 predates the citation of a decision; schemas 1 and 2 predate commitments.
            _ = try JSONFields(data, allowed: fields[type]?.filter { $0 != "commitments" && (event.schema == 2 || $0 != "decision") })
        case .kpiLinked where event.schema == 1:
            // Schema 1 predates hypotheses and lags.
            _ = try JSONFields(data, allowed: fields[type]?.filter { $0 != "hypothesis" && $0 != "lag" })
        default:
            _ = try JSONFields(data, allowed: fields[type])
        }
        func value<T: Decodable>(_: T.Type) throws(FormatError) -> T {
            do {
                return try JSONDecoder().decode(T.self, from: Data(data))
            } catch let DecodingError.keyNotFound(key, context) {
                throw FormatError(message: "missing field \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\"")
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                throw FormatError(message: "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type")
            } catch let DecodingError.dataCorrupted(context) {
                throw FormatError(message: "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)")
            } catch {
                throw FormatError(message: "unreadable data: \(error)")
            }
        }
        switch type {
        case .missionDefined: return .missionDefined(try value(MissionDefined.self))
        case .policySet: return .policySet(try value(PolicySet.self))
        case .memberRegistered: return .memberRegistered(try value(MemberRegistered.self))
        case .memberChanged: return .memberChanged(try value(MemberRegistered.self))
        case .roleGranted: return .roleGranted(try value(RoleChange.self))
        case .roleRevoked: return .roleRevoked(try value(RoleChange.self))
        case .chainDefined: return .chainDefined(try value(ChainDefinition.self))
        case .chainChanged: return .chainChanged(try value(ChainDefinition.self))
        case .chainOwnerAssigned: return .chainOwnerAssigned(try value(ChainOwnerAssigned.self))
        case .chainRetired: return .chainRetired(try value(Retirement.self))
        case .kpiDefined: return .kpiDefined(try value(KpiDefinition.self))
        case .kpiLinked: return .kpiLinked(try value(KpiLink.self))
        case .kpiUnlinked: return .kpiUnlinked(try value(KpiLink.self))
        case .kpiOwnerAssigned: return .kpiOwnerAssigned(try value(KpiOwnerAssigned.self))
        case .kpiReportersSet: return .kpiReportersSet(try value(KpiReportersSet.self))
        case .targetSet: return .targetSet(try value(TargetSet.self))
        case .kpiRetired: return .kpiRetired(try value(Retirement.self))
        case .agreementProposed: return .agreementProposed(try value(AgreementTerms.self))
        case .agreementSigned: return .agreementSigned(try value(AgreementSigned.self))
        case .agreementAmended: return .agreementAmended(try value(AgreementTerms.self))
        case .agreementDeclined: return .agreementDeclined(try value(AgreementDeclined.self))
        case .agreementTerminated: return .agreementTerminated(try value(AgreementTerminated.self))
        case .commitmentFulfilled: return .commitmentFulfilled(try value(CommitmentFulfilled.self))
        case .dialogueHeld: return .dialogueHeld(try value(DialogueHeld.self))
        case .actionCompleted: return .actionCompleted(try value(ActionCompleted.self))
        case .dialoguePrepared: return .dialoguePrepared(try value(DialoguePrepared.self))
        case .customerValuesSet: return .customerValuesSet(try value(CustomerValuesSet.self))
        case .kpiValuesSet: return .kpiValuesSet(try value(KpiValuesSet.self))
        case .measurementRecorded, .measurementCorrected: fatalError("decoded above")
        }
    }

    private static let measurementFieldsV1 = ["kpi", "period", "organisation", "value", "note"]
    private static let measurementFields = ["kpi", "period", "organisation", "value", "status", "source", "note", "unit"]
    private static let correctionFields = measurementFields + ["supersedes", "reason"]

    /// Measurements are the bulk of a ledger, so they are read field by field without `JSONDecoder`.
    ///
    /// `MeasurementRecorded` schema 1 (`kpi`, `period`, `organisation`, `value`, `note`) predates
    /// observation statuses and sources; it is upcast to status `A` (normal) and source
    /// `unspecified`. Schema 2 requires both.
    private static func decodeMeasurement(_ type: ChainEventType, schema: UInt64, data: [UInt8]) throws(FormatError) -> ChainEvent {
        let corrected = type == .measurementCorrected
        let allowed = corrected ? correctionFields : schema == 1 ? measurementFieldsV1 : measurementFields
        let fields = try JSONFields(data, allowed: allowed)
        let periodText = try fields.string("period")
        guard let period = Period.canonical(periodText) else {
            guard let period = Period(periodText) else {
                throw FormatError(message: "period \"\(periodText)\" is not a period (2026, 2026-H1, 2026-Q1, 2026-03, 2026-W05, 2026KW01, 2026MM03)")
            }
            throw FormatError(message: "period \"\(periodText)\" must be stored in its canonical form \"\(period)\"")
        }
        let status: ObservationStatus
        let source: String
        if schema == 1, !corrected {
            status = .normal
            source = "unspecified"
        } else {
            let statusText = try fields.string("status")
            guard let parsed = ObservationStatus(rawValue: statusText) else {
                throw FormatError(message: "status \"\(statusText)\" is not A (normal), P (provisional) or E (estimated)")
            }
            status = parsed
            source = fields.has("source") ? try fields.string("source") : ""
        }
        let measurement = Measurement(
            kpi: try fields.string("kpi"), period: period, organisation: try fields.string("organisation"),
            value: try fields.number("value"), status: status, source: source,
            note: try fields.optionalString("note"),
            supersedes: corrected ? try fields.unsigned("supersedes") : nil,
            reason: corrected ? try fields.string("reason") : nil,
            unit: try fields.optionalString("unit"))
        return corrected ? .measurementCorrected(measurement) : .measurementRecorded(measurement)
    }
}
