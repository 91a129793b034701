import ChainDomain
import ChainPresentation
import ChainProjections
import Foundation

/// A chain's KPI tree as an SVG drawing (`kpi-tree.mustache`): three rows (result, chain and
/// process KPIs), arrows from cause to effect, each node coloured and labelled with its name
/// (wrapped, never cut) and its status in words. A KPI of another chain that this tree's KPIs
/// feed is drawn above, outlined, with a dashed arrow.
struct KpiTreeDrawing {
    struct Arrow {
        let x1: String, y1: String, x2: String, y2: String
        let dashed: Bool
    }

    struct Line { let text: String, y: String, bold: Bool }

    struct Node {
        let href: String
        let name: String
        let status: StatusView
        let x: String, y: String, width: String, height: String
        let textX: String
        /// The KPI's name, a line per ~24 characters.
        let lines: [Line]
        let periodLine: String, valueLine: String, statusLine: String
        let period: String
        let value: String
        /// A KPI of another chain.
        let external: Bool
    }

    let chain: String
    let chainName: String
    /// The drawing in one sentence, for its text alternative.
    let summary: String
    let width: String
    let height: String
    let arrows: [Arrow]
    let nodes: [Node]

    init(_ tree: KpiTree, format: LocalFormat, link: (String) -> String) {
        let catalogue = format.catalogue
        let nodeWidth = 170.0
        let lineHeight = 15.0
        let names = Dictionary(uniqueKeysWithValues: tree.kpis.map { ($0.kpi, Self.wrap($0.name, width: 21)) })
        let external = Array(Set(tree.kpis.flatMap(\.contributesTo)).subtracting(names.keys)).sorted()
        let levels = [KPILevel.result, .chain, .process].map { level in tree.kpis.filter { $0.level == level }.map(\.kpi) }
        // At most six nodes side by side: a longer level takes several rows.
        let perRow = 6
        let rows: [[String]] = ([external] + levels).filter { !$0.isEmpty }.flatMap { level in
            stride(from: 0, to: level.count, by: perRow).map { Array(level[$0..<min($0 + perRow, level.count)]) }
        }
        let width = max(1100, Double(rows.map(\.count).max() ?? 1) * (nodeWidth + 14) + 20)
        func nodeHeight(_ kpi: String) -> Double { Double(names[kpi]?.count ?? 1) * lineHeight + 52 }
        var positions: [String: (x: Double, y: Double, height: Double)] = [:]
        var y = 20.0
        for row in rows {
            let rowHeight = row.map(nodeHeight).max() ?? 0
            // Equal gaps between the nodes and at both ends, so that nodes never overlap.
            let gap = (width - Double(row.count) * nodeWidth) / Double(row.count + 1)
            for (index, kpi) in row.enumerated() {
                positions[kpi] = (gap + Double(index) * (nodeWidth + gap), y, nodeHeight(kpi))
            }
            y += rowHeight + 60
        }
        chain = tree.chain
        chainName = tree.name
        self.width = "\(Int(width))"
        height = "\(Int(y - 50))"
        arrows = tree.kpis.flatMap { kpi -> [Arrow] in
            guard let from = positions[kpi.kpi] else { return [] }
            return kpi.contributesTo.compactMap { target in
                positions[target].map { to in
                    Arrow(
                        x1: "\(from.x + nodeWidth / 2)", y1: "\(from.y)", x2: "\(to.x + nodeWidth / 2)", y2: "\(to.y + to.height)",
                        dashed: external.contains(target))
                }
            }
        }
        func node(_ kpi: String, _ name: String, _ state: KpiState?) -> Node? {
            guard let at = positions[kpi] else { return nil }
            let lines = names[kpi] ?? [kpi]
            return Node(
                href: link(kpi), name: name, status: StatusView(state?.status ?? .noData), x: "\(at.x)", y: "\(at.y)",
                width: "\(nodeWidth)", height: "\(at.height)", textX: "\(at.x + 6)",
                lines: lines.enumerated().map { Line(text: $0.element, y: "\(at.y + 16 + Double($0.offset) * lineHeight)", bold: true) },
                periodLine: "\(at.y + 18 + Double(lines.count) * lineHeight)", valueLine: "\(at.y + 32 + Double(lines.count) * lineHeight)",
                statusLine: "\(at.y + 46 + Double(lines.count) * lineHeight)",
                period: state.map { format.period($0.period) } ?? catalogue["other_chain"],
                value: state.map { format.value($0.value, unit: $0.unit) } ?? "", external: state == nil)
        }
        nodes = tree.kpis.compactMap { node($0.kpi, $0.name, $0) } + external.compactMap { node($0, $0, nil) }
        let counts = Dictionary(grouping: tree.kpis, by: \.status).sorted { $0.key < $1.key }
            .map { "\($0.value.count) \(catalogue["status_" + $0.key.rawValue])" }.joined(separator: ", ")
        summary = catalogue.format("kpi_tree_summary", ["count": "\(tree.kpis.count)", "statuses": counts])
    }

    /// `text` in lines of at most `width` characters, broken between words (a longer word has a
    /// line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [text] : lines
    }
}

/// A chain's steps as a swimlane (`chain-flow.mustache`): a lane per organisation in the order
/// the steps first reach it, the steps from left to right, each with the process KPIs that
/// measure it, a thicker outline where the customer sees the step, and an arrow from each step
/// to the next, dashed and labelled where the work passes to another organisation.
struct ChainFlowDrawing {
    struct Lane {
        let y: String, width: String, height: String, fill: String, labelY: String
        let labelLines: [LabelLine]
    }

    struct LabelLine { let text: String, dy: String }

    struct Arrow {
        let path: String
        let strokeWidth: String
        let handover: Bool
        let labelX: String, labelY: String
    }

    struct Line { let text: String, y: String }

    struct Kpi {
        let href: String
        let x: String, y: String, width: String, height: String
        let textX: String
        /// The KPI's name, wrapped.
        let lines: [Line]
        let status: StatusView
    }

    struct Step {
        let title: String
        let x: String, y: String, width: String, height: String
        let strokeWidth: String
        let textX: String
        let lines: [Line]
        let customerVisible: Bool
        let customerY: String
        let kpis: [Kpi]
    }

    let width: String
    let height: String
    let summary: String
    let lanes: [Lane]
    let arrows: [Arrow]
    let steps: [Step]

    init(_ profile: ChainProfile, tree: KpiTree, organisations: [String: String], format: LocalFormat, link: (String) -> String) {
        let catalogue = format.catalogue
        let laneLabel = 150.0
        let width = 1100.0
        let column = (width - laneLabel - 10) / Double(max(profile.steps.count, 1))
        let box = min(column - 24, 200)
        let owners = profile.steps.map(\.organisation).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        func stepHeight(_ step: ChainStep) -> Double {
            let kpis = tree.kpis.filter { $0.step == step.step }
            let chips = kpis.map { KpiTreeDrawing.wrap($0.name, width: Int(box / 6.2)).count }.reduce(0, +)
            return Double(KpiTreeDrawing.wrap(step.name, width: Int(box / 7.6)).count) * 15 + 24 + Double(chips) * 13 + Double(kpis.count) * 8 + 8
        }
        var laneTop: [String: Double] = [:]
        var laneHeight: [String: Double] = [:]
        var y = 0.0
        for owner in owners {
            let height = max(70, (profile.steps.filter { $0.organisation == owner }.map(stepHeight).max() ?? 0) + 20)
            laneTop[owner] = y
            laneHeight[owner] = height
            y += height
        }
        self.width = "\(Int(width))"
        height = "\(Int(y))"
        lanes = owners.enumerated().map { index, owner in
            let name = organisations[owner] ?? owner
            return Lane(
                y: "\(laneTop[owner]!)", width: "\(width)", height: "\(laneHeight[owner]!)", fill: index % 2 == 0 ? "#eef2f7" : "#f8f9fb",
                labelY: "\(laneTop[owner]! + 4)",
                labelLines: KpiTreeDrawing.wrap(name, width: 18).map { LabelLine(text: $0, dy: "15") })
        }
        var frames: [(x: Double, y: Double, height: Double)] = []
        steps = profile.steps.enumerated().map { index, step in
            let x = laneLabel + Double(index) * column + 12
            let top = laneTop[step.organisation]! + 10
            let height = stepHeight(step)
            frames.append((x, top, height))
            let lines = KpiTreeDrawing.wrap(step.name, width: Int(box / 7.6))
            var chipTop = top + Double(lines.count) * 15 + 24
            let kpis = tree.kpis.filter { $0.step == step.step }.map { kpi in
                let label = KpiTreeDrawing.wrap(kpi.name, width: Int(box / 6.2))
                defer { chipTop += Double(label.count) * 13 + 8 }
                return Kpi(
                    href: link("/kpis/\(kpi.kpi)"), x: "\(x + 6)", y: "\(chipTop)", width: "\(box - 12)", height: "\(Double(label.count) * 13 + 5)",
                    textX: "\(x + 10)", lines: label.enumerated().map { Line(text: $0.element, y: "\(chipTop + 12 + Double($0.offset) * 13)") },
                    status: StatusView(kpi.status))
            }
            let carriedBy = (organisations[step.organisation] ?? step.organisation) + (step.department.map { " (\($0))" } ?? "")
            return Step(
                title: catalogue.format(
                    step.customerVisible ? "flow_step_visible" : "flow_step",
                    ["number": "\(index + 1)", "name": step.name, "organisation": carriedBy]),
                x: "\(x)", y: "\(top)", width: "\(box)", height: "\(height)", strokeWidth: step.customerVisible ? "3" : "1.2",
                textX: "\(x + 8)", lines: lines.enumerated().map { Line(text: $0.element, y: "\(top + 17 + Double($0.offset) * 15)") },
                customerVisible: step.customerVisible, customerY: "\(top + 17 + Double(lines.count) * 15)", kpis: kpis)
        }
        arrows = profile.steps.indices.dropLast().map { index in
            let from = frames[index]
            let to = frames[index + 1]
            let handover = profile.steps[index].organisation != profile.steps[index + 1].organisation
            let x1 = from.x + box
            let y1 = from.y + min(from.height, to.height) / 2
            let x2 = to.x
            let y2 = to.y + min(from.height, to.height) / 2
            let middle = (x1 + x2) / 2
            return Arrow(
                path: "M\(x1),\(y1) H\(middle) V\(y2) H\(x2 - 1)", strokeWidth: handover ? "2" : "1.5", handover: handover,
                labelX: "\(middle + 3)", labelY: "\((y1 + y2) / 2)")
        }
        let handovers = arrows.count { $0.handover }
        summary = catalogue.format(
            "flow_summary",
            [
                "steps": "\(profile.steps.count)", "organisations": "\(owners.count)", "handovers": "\(handovers)",
                "visible": "\(profile.steps.count { $0.customerVisible })",
            ])
    }
}

/// A KPI's values per period as an SVG chart (`trend.mustache`): a y-axis with values, the
/// combined value as a line and, where several organisations report, a line for each (told
/// apart by dash as well as colour); the target and the red threshold as they held period by
/// period; provisional values as open squares, corrected ones ringed and labelled; periods in
/// which a party missed an agreement's obligation on this KPI shaded. The table after it is its
/// text alternative.
struct TrendDrawing {
    struct Tick { let y: String, value: String, labelX: String, labelY: String, left: String, right: String }

    struct Shade { let x: String, top: String, width: String, height: String, label: String }

    struct Threshold { let path: String, colour: String, dash: String }

    struct Point {
        let x: String, y: String
        let squareX: String, squareY: String
        let radius: String
        let fill: String
        let colour: String
        let label: String
        let provisional: Bool
        let corrected: Bool
        let markX: String, markY: String
    }

    struct Series {
        let path: String
        let colour: String
        let strokeWidth: String
        let dash: String?
        let points: [Point]
    }

    struct PeriodLabel { let x: String, y: String, text: String }

    struct LegendItem { let x: String, x2: String, y: String, textX: String, textY: String, colour: String, dash: String?, text: String }

    struct Row { let period: String, value: String, reported: [String], target: String, red: String, remarks: String }

    struct Organisations { let organisations: [String] }

    let width: String
    let height: String
    let summary: String
    /// Whether there is anything to draw.
    let drawn: Bool
    let left: String, right: String, top: String, axisY: String
    let ticks: [Tick]
    let shaded: [Shade]
    let thresholds: [Threshold]
    let series: [Series]
    let periodLabels: [PeriodLabel]
    let legend: [LegendItem]
    /// The organisations' columns of the table, when several report.
    let byOrganisation: Organisations?
    let rows: [Row]

    init(_ history: KpiHistory, name: String, unit: String, missed: [String: [String]], format: LocalFormat) {
        let catalogue = format.catalogue
        let periods = history.periods.filter { $0.value != nil }
        let width = 1000.0
        let left = 70.0
        let right = width - 20
        let top = 20.0
        let plotBottom = 250.0
        let organisations = Array(Set(periods.flatMap { $0.reported.map(\.organisation) })).sorted()
        let several = organisations.count > 1
        let legendRows = 1 + (several ? organisations.count : 0) + 2
        let height = plotBottom + 80 + Double((legendRows + 2) / 3) * 18
        self.width = "\(Int(width))"
        self.height = "\(Int(height))"
        self.left = "\(left)"
        self.right = "\(right)"
        self.top = "\(top)"
        axisY = "\(plotBottom)"
        drawn = !periods.isEmpty
        summary = catalogue.format(
            "trend_summary",
            [
                "name": name, "count": "\(periods.count)", "first": format.period(periods.first?.period),
                "last": format.period(periods.last?.period), "value": format.value(periods.last?.value, unit: unit),
            ])
        byOrganisation = several ? Organisations(organisations: organisations) : nil
        rows = periods.map { period in
            var remarks: [String] = []
            if period.provisional { remarks.append(catalogue["provisional"]) }
            if period.corrected { remarks.append(catalogue["corrected"]) }
            if let parties = missed[period.period] {
                remarks.append(catalogue.format("obligation_missed_by", ["parties": parties.joined(separator: ", ")]))
            }
            return Row(
                period: format.period(period.period), value: format.value(period.value, unit: unit),
                reported: several
                    ? organisations.map { organisation in format.number(period.reported.first { $0.organisation == organisation }?.value) } : [],
                target: format.number(period.target), red: format.number(period.red), remarks: remarks.joined(separator: "; "))
        }
        guard !periods.isEmpty else {
            (ticks, shaded, thresholds, series, periodLabels, legend) = ([], [], [], [], [], [])
            return
        }
        let values = periods.flatMap { [$0.value, $0.target, $0.red].compactMap { $0 } + (several ? $0.reported.map(\.value) : []) }
        let (low, high, step) = Self.scale(values.min()!, values.max()!)
        func x(_ index: Int) -> Double { left + 10 + (right - left - 20) * Double(index) / Double(max(periods.count - 1, 1)) }
        func y(_ value: Double) -> Double { plotBottom - (plotBottom - top) * (value - low) / (high - low) }
        var tickValues: [Double] = []
        var tick = low
        while tick <= high + step / 2 {
            tickValues.append(tick)
            tick += step
        }
        ticks = tickValues.map {
            Tick(y: "\(y($0))", value: format.number($0), labelX: "\(left - 6)", labelY: "\(y($0) + 4)", left: "\(left)", right: "\(right)")
        }
        let halfStep = (right - left - 20) / Double(max(periods.count - 1, 1)) / 2
        shaded = periods.enumerated().compactMap { index, period in
            missed[period.period].map { parties in
                Shade(
                    x: "\(x(index) - halfStep)", top: "\(top)", width: "\(2 * halfStep)", height: "\(plotBottom - top)",
                    label: format.period(period.period) + ": "
                        + catalogue.format("obligation_missed_by", ["parties": parties.joined(separator: ", ")]))
            }
        }
        func steps(_ value: (KpiHistory.PeriodValues) -> Double?) -> String {
            var path = ""
            var drawing = false
            for (index, period) in periods.enumerated() {
                guard let level = value(period) else {
                    drawing = false
                    continue
                }
                let from = max(left, x(index) - halfStep)
                let to = min(right, x(index) + halfStep)
                path += (drawing ? " L" : (path.isEmpty ? "M" : " M")) + "\(from),\(y(level)) L\(to),\(y(level))"
                drawing = true
            }
            return path
        }
        thresholds = [
            Threshold(path: steps(\.target), colour: "#1a7f37", dash: "8 4"), Threshold(path: steps(\.red), colour: "#c62828", dash: "2 4"),
        ].filter { !$0.path.isEmpty }
        let palette = ["#7a4f9a", "#b35900", "#00798c", "#6b6b6b", "#9a3b5b", "#3b6b1a"]
        let dashes = ["6 3", "2 3", "10 3 2 3", "4 4", "1 2", "12 4"]
        func points(_ values: [(index: Int, value: Double, provisional: Bool, corrected: Bool)], colour: String, what: String) -> [Point] {
            values.map { point in
                let period = format.period(periods[point.index].period)
                var label = "\(what), \(period): \(format.value(point.value, unit: unit))"
                if point.provisional { label += " (\(catalogue["provisional"]))" }
                if point.corrected { label += " (\(catalogue["corrected"]))" }
                return Point(
                    x: "\(x(point.index))", y: "\(y(point.value))", squareX: "\(x(point.index) - 4)", squareY: "\(y(point.value) - 4)",
                    radius: point.corrected ? "6" : "3.5", fill: point.corrected ? "#fff" : colour, colour: colour, label: label,
                    provisional: point.provisional, corrected: point.corrected, markX: "\(x(point.index) + 7)", markY: "\(y(point.value) - 8)")
            }
        }
        func path(_ values: [(index: Int, value: Double)]) -> String {
            values.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(x($0.element.index)),\(y($0.element.value))" }.joined(separator: " ")
        }
        let combined = periods.enumerated().compactMap { index, period in
            period.value.map { (index: index, value: $0, provisional: period.provisional, corrected: period.corrected) }
        }
        let totalName = several ? catalogue["aggregation_" + history.aggregation.rawValue] : name
        var series = [
            Series(
                path: path(combined.map { ($0.index, $0.value) }), colour: "#14365d", strokeWidth: "2.5", dash: nil,
                points: points(combined, colour: "#14365d", what: totalName))
        ]
        var legend: [(String, String?, String)] = [("#14365d", nil, totalName)]
        if several {
            for (number, organisation) in organisations.enumerated() {
                let values = periods.enumerated().compactMap { index, period in
                    period.reported.first { $0.organisation == organisation }.map {
                        (index: index, value: $0.value, provisional: $0.provisional, corrected: $0.corrected)
                    }
                }
                let colour = palette[number % palette.count]
                let dash = dashes[number % dashes.count]
                series.append(
                    Series(
                        path: path(values.map { ($0.index, $0.value) }), colour: colour, strokeWidth: "1.5", dash: dash,
                        points: points(values, colour: colour, what: organisation)))
                legend.append((colour, dash, organisation))
            }
        }
        self.series = series
        legend += [("#1a7f37", "8 4", catalogue["target"]), ("#c62828", "2 4", catalogue["red_threshold"])]
        self.legend = legend.enumerated().map { index, item in
            let column = Double(index % 3) * 310 + left
            let row = plotBottom + 78 + Double(index / 3) * 18
            return LegendItem(
                x: "\(column)", x2: "\(column + 30)", y: "\(row - 4)", textX: "\(column + 36)", textY: "\(row)", colour: item.0, dash: item.1,
                text: item.2)
        }
        let every = max(1, Int((Double(periods.count) / 24).rounded(.up)))
        periodLabels = periods.enumerated().compactMap { index, period in
            index % every == 0 || index == periods.count - 1
                ? PeriodLabel(x: "\(x(index) + 4)", y: "\(plotBottom + 16)", text: format.period(period.period)) : nil
        }
    }

    /// A rounded scale around `low`…`high`: its ends and its step (1, 2 or 5 times a power of ten).
    static func scale(_ low: Double, _ high: Double) -> (Double, Double, Double) {
        let span = high - low
        let rough = (span > 0 ? span : max(abs(high), 1)) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let bottom = floor((span > 0 ? low : low - step) / step) * step
        let top = ceil((span > 0 ? high : high + step) / step) * step
        return (bottom, top == bottom ? bottom + step : top, step)
    }
}
