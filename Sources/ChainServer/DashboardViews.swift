import ChainDomain
import ChainProjections
import Foundation

/// What every dashboard page shows around its own content (`page.mustache`): the language and
/// its texts, the navigation, which keeps `as_of`, the moment picker and the moment shown.
struct PageView<Content> {
    /// The page's language, for `<html lang>`.
    let lang: String
    /// The catalogue of that language, as `{{t.KEY}}`.
    let t: MessageLookup
    let languages: [LanguageLink]
    /// `?as_of=…` for the navigation's links, or "".
    let query: String
    /// The free-text picker's value.
    let asOf: String
    /// The moments the picker offers: now, the dialogues' days and the month ends.
    let choices: [MomentChoice]
    /// The month end before and after the moment shown, for stepping through time.
    let earlier: MomentChoice?
    let later: MomentChoice?
    /// "Showing the ledger at position 139 (recorded 31 March 2026 09:00 UTC)".
    let momentText: String?
    /// A message shown instead of the content (an unknown chain, a bad `as_of`).
    let warning: String?
    /// What the title names on a page about one thing: a chain, a KPI, a decision.
    let subject: String
    let content: Content?
    /// The download links of each of the page's tables, by table name.
    let downloads: [String: DownloadLinks]
    /// On a partner's replica: the coalition's server it mirrors.
    let replicaOf: String?
    /// On a replica: the evidence of the server's misbehaviour it holds, shown on every page.
    let evidence: [ReplicaServing.HeldEvidence]
    let hasEvidence: Bool
}

/// A moment the picker offers.
struct MomentChoice {
    /// The `as_of` value: a day, or "" for now.
    let value: String
    let label: String
    let href: String
    let selected: Bool
}

/// The two downloads of one table (`download.mustache`).
struct DownloadLinks {
    let csv: String
    let csvNL: String
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

/// Addresses as the dashboard writes them.
enum DashboardFormat {
    /// `text` percent-encoded for a query string: only unreserved characters and `:` stay as they are.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? ""
    }

    private static let queryAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:")
}
