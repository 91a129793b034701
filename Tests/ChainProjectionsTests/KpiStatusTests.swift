import ChainDomain
import Testing

/// Tiered thresholds in both directions, every case.
struct KpiStatusTests {
    @Test(arguments: [
        // higher is better: target 90, red below 80
        (95.0, Direction.higher, KpiStatus.green), (90.0, .higher, .green), (89.9, .higher, .amber), (80.0, .higher, .amber),
        (79.9, .higher, .red), (0.0, .higher, .red),
        // lower is better: target 120 days, red above 150
        (100.0, .lower, .green), (120.0, .lower, .green), (120.1, .lower, .amber), (150.0, .lower, .amber), (150.1, .lower, .red),
    ])
    func thresholds(_ value: Double, _ direction: Direction, _ expected: KpiStatus) {
        let (target, red) = direction == .higher ? (90.0, 80.0) : (120.0, 150.0)
        #expect(KpiStatus.evaluate(value: value, target: target, red: red, direction: direction) == expected)
    }

    @Test func missingValuesAndTargets() {
        #expect(KpiStatus.evaluate(value: nil, target: 90, red: 80, direction: .higher) == .noData)
        #expect(KpiStatus.evaluate(value: 95, target: nil, red: nil, direction: .higher) == .noTarget)
    }

    @Test func trendsFollowTheDirection() {
        #expect(Trend.between(previous: 80, current: 85, direction: .higher) == .improving)
        #expect(Trend.between(previous: 80, current: 85, direction: .lower) == .worsening)
        #expect(Trend.between(previous: 80, current: 80, direction: .lower) == .steady)
        #expect(Trend.between(previous: nil, current: 80, direction: .lower) == .unknown)
    }

    @Test func organisationsCombineByTheKpisAggregation() {
        let values: [(value: Double, position: UInt64)] = [(6, 10), (2, 12), (4, 11)]
        #expect(Combination.combine(values, by: .sum) == 12)
        #expect(Combination.combine(values, by: .average) == 4)
        #expect(Combination.combine(values, by: .last) == 2)
        #expect(Combination.combine([], by: .sum) == nil)
    }
}
