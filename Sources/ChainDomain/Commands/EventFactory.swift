public import LedgerCore

extension ChainEvent {
    /// The event's type.
    public var type: ChainEventType {
        switch self {
        case .missionDefined: .missionDefined
        case .policySet: .policySet
        case .memberRegistered: .memberRegistered
        case .memberChanged: .memberChanged
        case .roleGranted: .roleGranted
        case .roleRevoked: .roleRevoked
        case .chainDefined: .chainDefined
        case .chainChanged: .chainChanged
        case .chainOwnerAssigned: .chainOwnerAssigned
        case .chainRetired: .chainRetired
        case .kpiDefined: .kpiDefined
        case .kpiLinked: .kpiLinked
        case .kpiUnlinked: .kpiUnlinked
        case .kpiOwnerAssigned: .kpiOwnerAssigned
        case .kpiReportersSet: .kpiReportersSet
        case .targetSet: .targetSet
        case .kpiRetired: .kpiRetired
        case .measurementRecorded: .measurementRecorded
        case .measurementCorrected: .measurementCorrected
        case .agreementProposed: .agreementProposed
        case .agreementSigned: .agreementSigned
        case .agreementAmended: .agreementAmended
        case .agreementTerminated: .agreementTerminated
        case .dialogueHeld: .dialogueHeld
        case .actionCompleted: .actionCompleted
        }
    }

    /// The stream the event belongs in.
    public var stream: String { Check.stream(of: self) }

    /// The event's data as compact JSON with sorted keys (the form this project signs). Fails for data
    /// JSON cannot hold (a value or target that is not a finite number).
    public func data() throws(FormatError) -> [UInt8] {
        try CanonicalJSON.encode(payload, what: type.rawValue)
    }

    /// The event's data.
    private var payload: any Encodable {
        switch self {
        case let .missionDefined(value): value
        case let .policySet(value): value
        case let .memberRegistered(value), let .memberChanged(value): value
        case let .roleGranted(value), let .roleRevoked(value): value
        case let .chainDefined(value), let .chainChanged(value): value
        case let .chainOwnerAssigned(value): value
        case let .chainRetired(value), let .kpiRetired(value): value
        case let .kpiDefined(value): value
        case let .kpiLinked(value), let .kpiUnlinked(value): value
        case let .kpiOwnerAssigned(value): value
        case let .kpiReportersSet(value): value
        case let .targetSet(value): value
        case let .measurementRecorded(value), let .measurementCorrected(value): value
        case let .agreementProposed(value), let .agreementAmended(value): value
        case let .agreementSigned(value): value
        case let .agreementTerminated(value): value
        case let .dialogueHeld(value): value
        case let .actionCompleted(value): value
        }
    }
}

/// Turns domain events into signed-ready event lines, keeping track of each stream's version so
/// that consecutive events of one stream expect the right versions.
public struct EventFactory: Sendable {
    /// Known stream versions; streams not in here are taken to be new.
    public var versions: [String: UInt64]

    public init(versions: [String: UInt64] = [:]) {
        self.versions = versions
    }

    /// The event line for `event`, expecting the stream's current version, which it then advances.
    /// Fails when the event's ids do not make a valid stream id, or its data cannot be written as JSON.
    public mutating func line(_ event: ChainEvent) throws(FormatError) -> EventLine {
        let stream = event.stream
        let expected = versions[stream] ?? 0
        let line = try EventLine(stream: stream, expectedVersion: expected, type: event.type.rawValue,
                                 schema: event.type.currentSchema, data: event.data())
        versions[stream] = expected + 1
        return line
    }

    /// Event lines for several events, in order.
    public mutating func lines(_ events: [ChainEvent]) throws(FormatError) -> [EventLine] {
        var lines: [EventLine] = []
        for event in events { lines.append(try line(event)) }
        return lines
    }
}
