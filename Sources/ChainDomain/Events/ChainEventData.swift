// The data of each domain event, as decoded (and upcast) from the signed bytes: one file per concern
// (`ChainEventData+Coalition.swift`, `+Chains`, `+Kpis`, `+Measurements`, `+Agreements`, `+Dialogues`),
// named as the rules (`ChainRules+…`), the state (`ChainState+…`) and the projections
// (`ProjectionApplier+…`) are.

/// The data of `ChainRetired` and `KpiRetired`: a chain (`chain`) or a KPI (`kpi`) taken out of use, with the reason.
public struct Retirement: Sendable, Codable, Equatable {
    public let chain: String?
    public let kpi: String?
    public let reason: String

    public init(chain: String? = nil, kpi: String? = nil, reason: String) {
        self.chain = chain
        self.kpi = kpi
        self.reason = reason
    }
}
