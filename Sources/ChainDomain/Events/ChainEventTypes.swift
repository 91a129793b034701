/// The chain domain's event types and the streams they live in.
///
/// | stream | events |
/// | --- | --- |
/// | `mission` | `MissionDefined` |
/// | `policy` | `PolicySet` |
/// | `member/<org>/<person>` | `MemberRegistered`, `MemberChanged`, `RoleGranted`, `RoleRevoked` |
/// | `chain/<chain>` | `ChainDefined`, `ChainChanged`, `ChainOwnerAssigned`, `ChainRetired`, `CustomerValuesSet` |
/// | `kpi/<kpi>` | `KpiDefined`, `KpiLinked`, `KpiUnlinked`, `KpiOwnerAssigned`, `KpiReportersSet`, `KpiValuesSet`, `TargetSet`, `KpiRetired` |
/// | `measurement/<kpi>/<period>/<org>` | `MeasurementRecorded`, `MeasurementCorrected` |
/// | `agreement/<agreement>` | `AgreementProposed`, `AgreementSigned`, `AgreementDeclined`, `AgreementAmended`, `AgreementTerminated`, `CommitmentFulfilled` |
/// | `dialogue/<dialogue>` | `DialogueHeld`, `ActionCompleted` |
/// | `dialogue/<preparation>` | `DialoguePrepared` |
public enum ChainEventType: String, Sendable, CaseIterable {
    case missionDefined = "MissionDefined"
    case policySet = "PolicySet"
    case memberRegistered = "MemberRegistered"
    case memberChanged = "MemberChanged"
    case roleGranted = "RoleGranted"
    case roleRevoked = "RoleRevoked"
    case chainDefined = "ChainDefined"
    case chainChanged = "ChainChanged"
    case chainOwnerAssigned = "ChainOwnerAssigned"
    case chainRetired = "ChainRetired"
    case kpiDefined = "KpiDefined"
    case kpiLinked = "KpiLinked"
    case kpiUnlinked = "KpiUnlinked"
    case kpiOwnerAssigned = "KpiOwnerAssigned"
    case kpiReportersSet = "KpiReportersSet"
    case targetSet = "TargetSet"
    case kpiRetired = "KpiRetired"
    case measurementRecorded = "MeasurementRecorded"
    case measurementCorrected = "MeasurementCorrected"
    case agreementProposed = "AgreementProposed"
    case agreementSigned = "AgreementSigned"
    case agreementAmended = "AgreementAmended"
    case agreementDeclined = "AgreementDeclined"
    case agreementTerminated = "AgreementTerminated"
    case commitmentFulfilled = "CommitmentFulfilled"
    case dialogueHeld = "DialogueHeld"
    case actionCompleted = "ActionCompleted"
    case dialoguePrepared = "DialoguePrepared"
    case customerValuesSet = "CustomerValuesSet"
    case kpiValuesSet = "KpiValuesSet"

    /// The current schema version of each event type. Older versions in the log are upcast when
    /// read (see `ChainEvent.decode`).
    public var currentSchema: UInt64 {
        switch self {
        case .measurementRecorded, .kpiLinked, .agreementProposed, .policySet: 2
        case .agreementAmended, .dialogueHeld: 3
        default: 1
        }
    }

    /// The stream family the type belongs to.
    public var family: StreamFamily {
        switch self {
        case .missionDefined: .mission
        case .policySet: .policy
        case .memberRegistered, .memberChanged, .roleGranted, .roleRevoked: .member
        case .chainDefined, .chainChanged, .chainOwnerAssigned, .chainRetired, .customerValuesSet: .chain
        case .kpiDefined, .kpiLinked, .kpiUnlinked, .kpiOwnerAssigned, .kpiReportersSet, .kpiValuesSet, .targetSet, .kpiRetired: .kpi
        case .measurementRecorded, .measurementCorrected: .measurement
        case .agreementProposed, .agreementSigned, .agreementAmended, .agreementDeclined, .agreementTerminated, .commitmentFulfilled: .agreement
        case .dialogueHeld, .actionCompleted, .dialoguePrepared: .dialogue
        }
    }
}

/// The kinds of domain streams, by their id's first segment.
public enum StreamFamily: String, Sendable, CaseIterable {
    case mission, policy, member, chain, kpi, measurement, agreement, dialogue

    /// The family of a stream id, if it is a domain stream.
    public static func of(_ stream: String) -> StreamFamily? {
        let head = stream.split(separator: "/", maxSplits: 1).first.map(String.init) ?? stream
        return StreamFamily(rawValue: head)
    }
}

/// Stream ids of the domain.
public enum ChainStreams {
    public static let mission = "mission"
    public static let policy = "policy"
    public static func member(_ organisation: String, _ person: String) -> String { "member/\(organisation)/\(person)" }
    public static func chain(_ chain: String) -> String { "chain/\(chain)" }
    public static func kpi(_ kpi: String) -> String { "kpi/\(kpi)" }
    public static func measurement(kpi: String, period: Period, organisation: String) -> String {
        "measurement/\(kpi)/\(period)/\(organisation)"
    }
    public static func agreement(_ agreement: String) -> String { "agreement/\(agreement)" }
    public static func dialogue(_ dialogue: String) -> String { "dialogue/\(dialogue)" }

    /// The streams whose events the domain keeps in memory (everything but measurements).
    public static let statePrefixes = ["mission", "policy", "member/", "chain/", "kpi/", "agreement/", "dialogue/"]
}
