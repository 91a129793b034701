// The data of the measurement events.

/// The data of `MeasurementRecorded` and `MeasurementCorrected`: one organisation's figure for a KPI and period.
public struct Measurement: Sendable, Codable, Equatable {
    public let kpi: String
    public let period: Period
    public let organisation: String
    public let value: Double
    public let status: ObservationStatus
    /// Where the figure comes from (a system, an export).
    public let source: String
    public let note: String?
    /// The position of the measurement this one replaces (corrections only).
    public let supersedes: UInt64?
    /// Why the figure was corrected (corrections only).
    public let reason: String?
    /// The unit the figure is in, when the reporter states it (it must be the KPI's).
    public let unit: String?

    public init(
        kpi: String, period: Period, organisation: String, value: Double, status: ObservationStatus, source: String, note: String? = nil,
        supersedes: UInt64? = nil, reason: String? = nil, unit: String? = nil
    ) {
        self.kpi = kpi
        self.period = period
        self.organisation = organisation
        self.value = value
        self.status = status
        self.source = source
        self.note = note
        self.supersedes = supersedes
        self.reason = reason
        self.unit = unit
    }
}
