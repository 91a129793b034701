import ChainDomain
import ChainProjections
import Foundation

/// What every dashboard page shows around its own content (`page.mustache`): the navigation,
/// which keeps `as_of`, the picker and the moment shown.
struct PageView<Content> {
    /// `?as_of=…` for the navigation's links, or "".
    let query: String
    /// The picker's value.
    let asOf: String
    let moment: MomentView?
    /// A message shown instead of the content (an unknown chain, a bad `as_of`).
    let warning: String?
    /// What the title names on a page about one thing: a chain, a KPI, a decision.
    let subject: String
    let content: Content?
    /// On a partner's replica: the coalition's server it mirrors.
    let replicaOf: String?
    /// On a replica: the evidence of the server's misbehaviour it holds, shown on every page.
    let evidence: [ReplicaServing.HeldEvidence]
    let hasEvidence: Bool
}

/// The moment a page shows.
struct MomentView {
    let size: String
    let recordedAt: String?
    let day: String

    init(_ moment: Moment) {
        size = "\(moment.size)"
        recordedAt = moment.recordedAt
        day = "\(moment.day)"
    }
}

/// A KPI status as the templates show it: the badge's class, the drawing's colour, and a flag
/// per status for the label in words (`status-label.mustache`), so that no status is told by
/// colour alone.
struct StatusView {
    let className: String
    let colour: String
    let green: Bool
    let amber: Bool
    let red: Bool
    let noData: Bool
    let noTarget: Bool

    init(_ status: KpiStatus) {
        className = status.rawValue
        colour =
            switch status {
            case .green: "#1a7f37"
            case .amber: "#b35900"
            case .red: "#c62828"
            case .noData, .noTarget: "#6b6b6b"
            }
        green = status == .green
        amber = status == .amber
        red = status == .red
        noData = status == .noData
        noTarget = status == .noTarget
    }
}

/// Values as the dashboard writes them.
enum DashboardFormat {
    /// A whole number without decimals, anything else with one; "–" for no value.
    static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.1f", value)
    }

    /// `text` percent-encoded for a query string: only unreserved characters and `:` stay as they are.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? ""
    }

    private static let queryAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:")
}
