import Logging
import Metrics

/// Work the server does that no request waits for (publishing a new moment of the projections,
/// computing KPI trees ahead): when it fails, the failure is logged with the job's name and its
/// context, and counted in `/metrics` as `chainledger_background_failures_total{job="…"}`.
package struct BackgroundFailures: Sendable {
    /// The counter's name in `/metrics`.
    package static let metric = "chainledger_background_failures_total"
    let logger: Logger

    /// Logs and counts a failure of `job`.
    func record(_ job: Job, _ error: any Error, _ context: Logger.Metadata = [:]) {
        var metadata = context
        metadata["job"] = "\(job.rawValue)"
        metadata["error"] = "\(error)"
        logger.error("background work failed; it is tried again with the next commit or read", metadata: metadata)
        Counter(label: Self.metric, dimensions: [("job", job.rawValue)]).increment()
    }

    /// The jobs, as the `job` label names them.
    package enum Job: String, Sendable {
        /// Catching the projections up and publishing the new "now".
        case publish
        /// Computing the KPI trees readers asked for, for a new moment.
        case warm
    }
}
