import ChainProjections
import Foundation
import Metrics

/// The latest rebuild of the server's projections file (`chainledger rebuild`, run beside the
/// server, records it there), as gauges in `/metrics`, read when they are scraped:
/// `chainledger_rebuild_last_finished_seconds` (Unix time), `chainledger_rebuild_last_duration_seconds`,
/// `chainledger_rebuild_last_position` and `chainledger_rebuild_last_outcome{outcome="swapped|drift|failed"}`
/// (1 for the outcome of the latest, 0 for the others). None of them appears before a first rebuild.
enum RebuildMetrics {
    static func update(from projector: Projector) async {
        guard let last = try? await projector.lastRebuild() else { return }
        Gauge(label: "chainledger_rebuild_last_finished_seconds").record(last.finishedAt.timeIntervalSince1970)
        Gauge(label: "chainledger_rebuild_last_duration_seconds").record(last.seconds)
        Gauge(label: "chainledger_rebuild_last_position").record(Double(last.position))
        for outcome in Projector.RebuildRecord.Outcome.allCases {
            Gauge(label: "chainledger_rebuild_last_outcome", dimensions: [("outcome", outcome.rawValue)])
                .record(outcome == last.outcome ? 1 : 0)
        }
    }
}
