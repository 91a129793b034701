import ChainDomain
import ChainProjections
import Foundation
import Hummingbird
import NIOCore

/// HTML building blocks of the dashboard: server-rendered, no scripts, readable without colour.
enum HTML {
    static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    /// `text` percent-encoded for a query string: only unreserved characters and `:` stay as they are.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? ""
    }

    private static let queryAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:")

    static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.1f", value)
    }

    /// A status as a coloured badge that also says the status in words.
    static func badge(_ status: KpiStatus) -> String {
        "<span class=\"badge \(status.rawValue)\">\(label(status))</span>"
    }

    static func label(_ status: KpiStatus) -> String {
        switch status {
        case .green: "● on target"
        case .amber: "▲ amber"
        case .red: "■ red"
        case .noData: "○ no data"
        case .noTarget: "◇ no target"
        }
    }

    static func colour(_ status: KpiStatus) -> String {
        switch status {
        case .green: "#1a7f37"
        case .amber: "#b35900"
        case .red: "#c62828"
        case .noData, .noTarget: "#6b6b6b"
        }
    }

    /// A page with the navigation and the position/date picker.
    static func page(title: String, asOf: String?, moment: Moment?, body: String) -> Response {
        let query = asOf.map { "?as_of=" + escape(queryValue($0)) } ?? ""
        let nav = [("/", "Overview"), ("/responsibilities", "Responsibilities"), ("/agreements", "Agreements"), ("/decisions", "Dialogues & decisions")]
            .map { "<a href=\"\($0.0)\(query)\">\($0.1)</a>" }.joined(separator: " · ")
        let momentText = moment.map { "Showing the ledger at position \($0.size)" + ($0.recordedAt.map { " (recorded \(escape($0)))" } ?? "") + ", day \($0.day)." } ?? ""
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) — ChainLedger</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
            header{background:#14365d;color:#fff;padding:.6rem 1.2rem}header a{color:#fff;margin-right:.4rem}
            main{padding:1rem 1.2rem;max-width:1200px}
            table{border-collapse:collapse;margin:.5rem 0 1.2rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}td{white-space:nowrap}td.text{white-space:normal}
            .badge{padding:.1rem .4rem;border-radius:.3rem;color:#fff;white-space:nowrap}
            .green{background:#1a7f37}.amber{background:#b35900}.red{background:#c62828}.no-data,.no-target{background:#6b6b6b}
            form.asof{margin:.4rem 0 1rem;padding:.5rem;background:#eef2f7}
            .warning{color:#8a1c1c}
            svg text{font-family:system-ui,sans-serif}
            </style></head><body>
            <header><strong>ChainLedger</strong> — \(nav)</header>
            <main>
            <h1>\(escape(title))</h1>
            <form class="asof" method="get"><label>As of (position, date or time):
            <input name="as_of" value="\(escape(asOf ?? ""))" placeholder="e.g. 139 or 2026-03-31"></label>
            <button type="submit">Show</button> <a href="?">now</a> <span>\(momentText)</span></form>
            \(body)
            </main></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page for a browser without a token.
    static func loginPage(message: String) -> Response {
        let html = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in — ChainLedger</title></head><body>
            <main style="font-family:system-ui,sans-serif;padding:2rem"><h1>ChainLedger</h1><p>\(escape(message))</p>
            <form method="get" action="/login"><label>Access token <input name="token" size="60"></label> <button type="submit">Sign in</button></form>
            <p>A coordinator issues tokens with <code>chainledger token issue</code>.</p></main></body></html>
            """
        return Response(status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// SVG drawings: a chain's KPI tree and a KPI's trend.
enum Drawing {
    /// The KPI tree in three rows (result, chain, process KPIs), arrows from cause to effect, each
    /// node coloured and labelled with its status in words.
    static func kpiTree(_ tree: KpiTree, link: (String) -> String) -> String {
        let rows: [KPILevel] = [.result, .chain, .process]
        let width = 1100.0, nodeWidth = 150.0, nodeHeight = 58.0, rowGap = 120.0
        var positions: [String: (x: Double, y: Double)] = [:]
        for (rowIndex, level) in rows.enumerated() {
            let kpis = tree.kpis.filter { $0.level == level }
            for (index, kpi) in kpis.enumerated() {
                let step = width / Double(kpis.count + 1)
                positions[kpi.kpi] = (step * Double(index + 1) - nodeWidth / 2, 20 + Double(rowIndex) * rowGap)
            }
        }
        var svg = "<svg role=\"img\" aria-label=\"KPI tree of \(HTML.escape(tree.chain))\" viewBox=\"0 0 \(Int(width)) \(Int(40 + 2 * rowGap + nodeHeight))\" width=\"100%\">"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>"
        for kpi in tree.kpis {
            guard let from = positions[kpi.kpi] else { continue }
            for target in kpi.contributesTo {
                guard let to = positions[target] else { continue }
                svg += "<line x1=\"\(from.x + nodeWidth / 2)\" y1=\"\(from.y)\" x2=\"\(to.x + nodeWidth / 2)\" y2=\"\(to.y + nodeHeight)\" stroke=\"#555\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>"
            }
        }
        for kpi in tree.kpis {
            guard let at = positions[kpi.kpi] else { continue }
            svg += "<a href=\"\(HTML.escape(link(kpi.kpi)))\"><g><title>\(HTML.escape(kpi.name)): \(HTML.label(kpi.status))</title>"
            svg += "<rect x=\"\(at.x)\" y=\"\(at.y)\" width=\"\(nodeWidth)\" height=\"\(nodeHeight)\" rx=\"6\" fill=\"\(HTML.colour(kpi.status))\"/>"
            svg += "<text x=\"\(at.x + 6)\" y=\"\(at.y + 17)\" fill=\"#fff\" font-size=\"12\" font-weight=\"bold\">\(HTML.escape(kpi.kpi.count > 19 ? kpi.kpi.prefix(18) + "…" : kpi.kpi))</text>"
            svg += "<text x=\"\(at.x + 6)\" y=\"\(at.y + 34)\" fill=\"#fff\" font-size=\"12\">\(HTML.escape(kpi.period ?? "–")): \(HTML.number(kpi.value)) \(HTML.escape(kpi.unit))</text>"
            svg += "<text x=\"\(at.x + 6)\" y=\"\(at.y + 50)\" fill=\"#fff\" font-size=\"12\">\(HTML.label(kpi.status))</text></g></a>"
        }
        return svg + "</svg>"
    }

    /// A KPI's combined value per period as a line, with the target (dashed) and the red
    /// threshold (dotted); periods with corrected values are marked with a ring and "corrected".
    static func trend(_ points: [(period: String, value: Double, corrected: Bool)], target: Double?, red: Double?, unit: String) -> String {
        guard !points.isEmpty else { return "<p>No values yet.</p>" }
        let width = 1000.0, height = 300.0, left = 60.0, bottom = 40.0
        let values = points.map(\.value) + [target, red].compactMap { $0 }
        let margin = max((values.max()! - values.min()!) * 0.15, abs(values.max()!) * 0.05, 1)
        let low = values.min()! - margin, high = values.max()! + margin
        func x(_ index: Int) -> Double { left + (width - left - 20) * Double(index) / Double(max(points.count - 1, 1)) }
        func y(_ value: Double) -> Double { (height - bottom) - (height - bottom - 10) * (value - low) / (high - low) }
        var svg = "<svg role=\"img\" aria-label=\"trend\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\">"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 10)\" y2=\"\(height - bottom)\" stroke=\"#999\"/>"
        for (label, value, dash, colour) in [("target", target, "8 4", "#1a7f37"), ("red", red, "2 4", "#c62828")] {
            guard let value else { continue }
            svg += "<line x1=\"\(left)\" y1=\"\(y(value))\" x2=\"\(width - 10)\" y2=\"\(y(value))\" stroke=\"\(colour)\" stroke-dasharray=\"\(dash)\"/>"
            svg += "<text x=\"4\" y=\"\(y(value) + 4)\" font-size=\"11\" fill=\"\(colour)\">\(label) \(HTML.number(value))</text>"
        }
        let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.offset)),\(y($0.element.value))" }.joined(separator: " ")
        svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"#14365d\" stroke-width=\"2\"/>"
        for (index, point) in points.enumerated() {
            svg += "<circle cx=\"\(x(index))\" cy=\"\(y(point.value))\" r=\"\(point.corrected ? 6 : 3)\" fill=\"\(point.corrected ? "#fff" : "#14365d")\" stroke=\"#14365d\" stroke-width=\"2\"><title>\(HTML.escape(point.period)): \(HTML.number(point.value)) \(HTML.escape(unit))\(point.corrected ? " (corrected)" : "")</title></circle>"
            if point.corrected {
                svg += "<text x=\"\(x(index) + 7)\" y=\"\(y(point.value) - 7)\" font-size=\"10\">corrected</text>"
            }
            if points.count <= 12 || index % max(1, points.count / 12) == 0 {
                svg += "<text x=\"\(x(index) - 18)\" y=\"\(height - 20)\" font-size=\"10\">\(HTML.escape(point.period))</text>"
            }
        }
        return svg + "</svg>"
    }
}
