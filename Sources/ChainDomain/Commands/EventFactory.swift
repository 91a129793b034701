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
        case .agreementDeclined: .agreementDeclined
        case .agreementTerminated: .agreementTerminated
        case .commitmentFulfilled: .commitmentFulfilled
        case .dialogueHeld: .dialogueHeld
        case .actionCompleted: .actionCompleted
        case .dialoguePrepared: .dialoguePrepared
        case .customerValuesSet: .customerValuesSet
        case .kpiValuesSet: .kpiValuesSet
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
        case .missionDefined(let value): value
        case .policySet(let value): value
        case .memberRegistered(let value), .memberChanged(let value): value
        case .roleGranted(let value), .roleRevoked(let value): value
        case .chainDefined(let value), .chainChanged(let value): value
        case .chainOwnerAssigned(let value): value
        case .chainRetired(let value), .kpiRetired(let value): value
        case .kpiDefined(let value): value
        case .kpiLinked(let value), .kpiUnlinked(let value): value
        case .kpiOwnerAssigned(let value): value
        case .kpiReportersSet(let value): value
        case .targetSet(let value): value
        case .measurementRecorded(let value), .measurementCorrected(let value): value
        case .agreementProposed(let value), .agreementAmended(let value): value
        case .agreementSigned(let value): value
        case .agreementDeclined(let value): value
        case .agreementTerminated(let value): value
        case .commitmentFulfilled(let value): value
        case .dialogueHeld(let value): value
        case .actionCompleted(let value): value
        case .dialoguePrepared(let value): value
        case .customerValuesSet(let value): value
        case .kpiValuesSet(let value): value
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
        let line = try EventLine(
            stream: stream, expectedVersion: expected, type: event.type.rawValue,
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
