import ChainDomain
import ChainProjections

/// A chain's KPI tree as an SVG drawing (`kpi-tree.mustache`): three rows (result, chain and
/// process KPIs), arrows from cause to effect, each node coloured and labelled with its status
/// in words.
struct KpiTreeDrawing {
    struct Arrow {
        let x1: String, y1: String, x2: String, y2: String
    }

    struct Node {
        let href: String
        let name: String
        let status: StatusView
        let x: String, y: String, width: String, height: String
        let textX: String, firstLine: String, secondLine: String, thirdLine: String
        /// The KPI's id, cut to fit the node.
        let label: String
        let period: String
        let value: String
        let unit: String
    }

    let chain: String
    let width: String
    let height: String
    let arrows: [Arrow]
    let nodes: [Node]

    init(_ tree: KpiTree, link: (String) -> String) {
        let rows: [KPILevel] = [.result, .chain, .process]
        let width = 1100.0
        let nodeWidth = 150.0
        let nodeHeight = 58.0
        let rowGap = 120.0
        var positions: [String: (x: Double, y: Double)] = [:]
        for (rowIndex, level) in rows.enumerated() {
            let kpis = tree.kpis.filter { $0.level == level }
            for (index, kpi) in kpis.enumerated() {
                let step = width / Double(kpis.count + 1)
                positions[kpi.kpi] = (step * Double(index + 1) - nodeWidth / 2, 20 + Double(rowIndex) * rowGap)
            }
        }
        chain = tree.chain
        self.width = "\(Int(width))"
        height = "\(Int(40 + 2 * rowGap + nodeHeight))"
        arrows = tree.kpis.flatMap { kpi -> [Arrow] in
            guard let from = positions[kpi.kpi] else { return [] }
            return kpi.contributesTo.compactMap { target in
                positions[target].map { to in
                    Arrow(x1: "\(from.x + nodeWidth / 2)", y1: "\(from.y)", x2: "\(to.x + nodeWidth / 2)", y2: "\(to.y + nodeHeight)")
                }
            }
        }
        nodes = tree.kpis.compactMap { kpi in
            positions[kpi.kpi].map { at in
                Node(
                    href: link(kpi.kpi), name: kpi.name, status: StatusView(kpi.status),
                    x: "\(at.x)", y: "\(at.y)", width: "\(nodeWidth)", height: "\(nodeHeight)",
                    textX: "\(at.x + 6)", firstLine: "\(at.y + 17)", secondLine: "\(at.y + 34)", thirdLine: "\(at.y + 50)",
                    label: kpi.kpi.count > 19 ? kpi.kpi.prefix(18) + "…" : kpi.kpi, period: kpi.period ?? "–",
                    value: DashboardFormat.number(kpi.value), unit: kpi.unit)
            }
        }
    }
}

/// A KPI's combined value per period as an SVG line (`trend.mustache`), with the target (dashed)
/// and the red threshold (dotted); periods with corrected values are marked with a ring and
/// "corrected".
struct TrendDrawing {
    /// The target or the red threshold, across the drawing.
    struct Threshold {
        let target: Bool
        let red: Bool
        let x1: String, x2: String, y: String, labelY: String
        let colour: String
        let dash: String
        let value: String
    }

    struct Point {
        let x: String, y: String
        let radius: String
        let fill: String
        let period: String
        let value: String
        let unit: String
        let corrected: Bool
        let markX: String, markY: String
        /// Whether the period is written under the axis (at most about a dozen are).
        let labelled: Bool
        let labelX: String, labelY: String
    }

    let width: String
    let height: String
    /// Whether there is anything to draw.
    let drawn: Bool
    let left: String, right: String, axisY: String
    let thresholds: [Threshold]
    let path: String
    let points: [Point]

    init(_ points: [(period: String, value: Double, corrected: Bool)], target: Double?, red: Double?, unit: String) {
        let width = 1000.0
        let height = 300.0
        let left = 60.0
        let bottom = 40.0
        self.width = "\(Int(width))"
        self.height = "\(Int(height))"
        self.left = "\(left)"
        right = "\(width - 10)"
        axisY = "\(height - bottom)"
        drawn = !points.isEmpty
        guard !points.isEmpty else {
            thresholds = []
            path = ""
            self.points = []
            return
        }
        let values = points.map(\.value) + [target, red].compactMap { $0 }
        let margin = max((values.max()! - values.min()!) * 0.15, abs(values.max()!) * 0.05, 1)
        let low = values.min()! - margin
        let high = values.max()! + margin
        func x(_ index: Int) -> Double { left + (width - left - 20) * Double(index) / Double(max(points.count - 1, 1)) }
        func y(_ value: Double) -> Double { (height - bottom) - (height - bottom - 10) * (value - low) / (high - low) }
        thresholds = [(true, target, "8 4", "#1a7f37"), (false, red, "2 4", "#c62828")].compactMap { isTarget, value, dash, colour in
            value.map {
                Threshold(
                    target: isTarget, red: !isTarget, x1: "\(left)", x2: "\(width - 10)", y: "\(y($0))", labelY: "\(y($0) + 4)",
                    colour: colour, dash: dash, value: DashboardFormat.number($0))
            }
        }
        path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.offset)),\(y($0.element.value))" }.joined(separator: " ")
        self.points = points.enumerated().map { index, point in
            Point(
                x: "\(x(index))", y: "\(y(point.value))", radius: point.corrected ? "6" : "3", fill: point.corrected ? "#fff" : "#14365d",
                period: point.period, value: DashboardFormat.number(point.value), unit: unit, corrected: point.corrected,
                markX: "\(x(index) + 7)", markY: "\(y(point.value) - 7)",
                labelled: points.count <= 12 || index % max(1, points.count / 12) == 0,
                labelX: "\(x(index) - 18)", labelY: "\(height - 20)")
        }
    }
}
