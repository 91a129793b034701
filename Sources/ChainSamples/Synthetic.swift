public import ChainDomain
public import LedgerCore

/// A synthetic coalition of any size, the same for the same seed: organisations, chains with
/// twelve KPIs each, and then as many monthly measurements as asked for, in commits of a chosen
/// size, each signed by the reporting organisation. For benchmarks and load tests.
public struct SyntheticCoalition: Sendable {
    public let seed: UInt64
    public let organisations: Int
    public let chains: Int
    public let kpisPerChain: Int
    public let partnersPerChain: Int

    /// The KPIs each organisation reports.
    private var reports: [[String]] = []
    /// Per organisation: the next period and KPI index to report.
    private var cursors: [(period: Period, kpi: Int)] = []
    private var nextOrganisation = 0
    private var random: SplitMix64

    public init(seed: UInt64 = 1, organisations: Int = 60, chains: Int = 20, kpisPerChain: Int = 12, partnersPerChain: Int = 10) {
        self.seed = seed
        self.organisations = organisations
        self.chains = chains
        self.kpisPerChain = kpisPerChain
        self.partnersPerChain = min(partnersPerChain, organisations)
        random = SplitMix64(seed: seed)
        reports = Array(repeating: [], count: organisations)
        for chainIndex in 0..<chains {
            let partners = self.partners(of: chainIndex)
            for kpiIndex in 0..<kpisPerChain {
                for (offset, partner) in partners.enumerated() where (offset + kpiIndex) % 2 == 0 {
                    reports[partner].append("kpi-\(chainIndex)-\(kpiIndex)")
                }
            }
        }
        cursors = Array(repeating: (Period("1900-01")!, 0), count: organisations)
    }

    /// A coalition large enough for `events` measurements: an organisation per 20,000 of them
    /// (at least 60) and a chain per three organisations (at least 20), so that every KPI's
    /// monthly periods (from January 1900, about a thousand per organisation) have all begun even
    /// at ten million events. Up to 1,200,000 events it is the default coalition.
    public init(seed: UInt64 = 1, sizedFor events: Int) {
        let organisations = max(60, events / 20_000)
        self.init(seed: seed, organisations: organisations, chains: max(20, organisations / 3))
    }

    /// The organisations (indexes) partnering in a chain; the first one owns it.
    private func partners(of chain: Int) -> [Int] {
        (0..<partnersPerChain).map { (chain * 7 + $0) % organisations }
    }

    /// Starts every organisation's reporting at `period` (for appending to a ledger written before).
    public mutating func restart(at period: Period) {
        cursors = Array(repeating: (period, 0), count: organisations)
    }

    public static func organisation(_ index: Int) -> String { "org-\(index)" }

    /// Writes the coalition's structure: genesis, organisations with a manager each, chains with
    /// owners, KPIs with targets.
    public mutating func setUp(_ builder: SampleBuilder, checkpointKey: VerifierKey) async throws {
        let founder = Self.organisation(0)
        // Signed and recorded today; the monthly periods run from January 1900, so that every
        // one has begun (a ledger records a figure once its period has begun).
        builder.date = CalendarDate(dayOf: .now())
        try await builder.found(
            coalition: "Synthetische coalitie \(seed)", origin: "ledger.example/synthetic-\(seed)", founder: founder,
            name: "Organisatie 0", kind: "municipality", checkpointKey: checkpointKey)
        for index in 1..<organisations {
            try await builder.admit(Self.organisation(index), name: "Organisatie \(index)", kind: "municipality", by: founder)
        }
        for index in 0..<organisations {
            try await builder.commit(
                by: Self.organisation(index),
                [
                    member(Self.organisation(index), "manager", "Manager", managementTeam: true)
                ])
        }
        for chainIndex in 0..<chains {
            let chain = "chain-\(chainIndex)"
            let partners = self.partners(of: chainIndex).map(Self.organisation)
            let owner = person(partners[0], "manager")
            try await builder.commit(
                by: founder,
                [
                    .chainDefined(
                        ChainDefinition(
                            chain: chain, name: "Keten \(chainIndex)", customerNeed: "Behoefte \(chainIndex)", customer: "Klanten \(chainIndex)",
                            parent: nil, partners: partners, cadence: .monthly,
                            steps: partners.enumerated().map {
                                ChainStep(step: "step-\($0.offset)", name: "Stap \($0.offset)", organisation: $0.element, customerVisible: true)
                            })),
                    .chainOwnerAssigned(ChainOwnerAssigned(chain: chain, owner: owner, reason: "synthetisch")),
                ])
            var definitions: [ChainEvent] = []
            for kpiIndex in 0..<kpisPerChain {
                let id = "kpi-\(chainIndex)-\(kpiIndex)"
                let level: KPILevel = kpiIndex == 0 ? .result : kpiIndex < 4 ? .chain : .process
                let contributesTo = level == .result ? [] : level == .chain ? ["kpi-\(chainIndex)-0"] : ["kpi-\(chainIndex)-\(1 + kpiIndex % 3)"]
                let reporters = partners.enumerated().filter { ($0.offset + kpiIndex) % 2 == 0 }.map(\.element)
                definitions.append(
                    kpi(
                        id, chain: chain, name: "KPI \(chainIndex).\(kpiIndex)", level: level,
                        step: level == .process ? "step-\(kpiIndex % partners.count)" : nil, unit: "%", direction: .higher,
                        grain: .month, owner: owner, reporters: reporters, contributesTo: contributesTo))
                definitions.append(target(id, from: "1900-01", target: 80, red: 60))
            }
            try await builder.commit(by: owner.organisation, definitions)
        }
    }

    /// The next `count` measurements of one organisation (organisations take turns).
    public mutating func nextMeasurements(count: Int) -> (organisation: String, events: [ChainEvent]) {
        while reports[nextOrganisation].isEmpty { nextOrganisation = (nextOrganisation + 1) % organisations }
        let index = nextOrganisation
        nextOrganisation = (nextOrganisation + 1) % organisations
        let organisation = Self.organisation(index)
        var events: [ChainEvent] = []
        events.reserveCapacity(count)
        var cursor = cursors[index]
        let kpis = reports[index]
        while events.count < count {
            let value = Double(600 + Int(random.next() % 400)) / 10
            events.append(measurement(kpis[cursor.kpi], cursor.period, organisation, value, source: "synthetic"))
            cursor.kpi += 1
            if cursor.kpi == kpis.count {
                cursor.kpi = 0
                cursor.period = cursor.period.next! // 1,100 years of periods: far more than any run writes
            }
        }
        cursors[index] = cursor
        return (organisation, events)
    }

    /// Writes the structure and then `events` measurements in commits of `batch`; `progress`
    /// hears how many measurements of `events` are written after each commit.
    public mutating func write(
        _ builder: SampleBuilder, checkpointKey: VerifierKey, events: Int, batch: Int = 1000,
        progress: (_ written: Int, _ of: Int) -> Void = { _, _ in }
    ) async throws {
        try await setUp(builder, checkpointKey: checkpointKey)
        var written = 0
        while written < events {
            let (organisation, measurements) = nextMeasurements(count: min(batch, events - written))
            try await builder.commit(by: organisation, measurements)
            written += measurements.count
            progress(written, events)
        }
    }
}

extension SampleBuilder {
    /// Composes and signs a commit without appending it (for benchmarks that time the append alone).
    public func signed(by organisation: String, _ events: [ChainEvent], factory: inout EventFactory) throws -> SignedCommit {
        guard let key = keys[organisation] else { throw Samples.SampleError.unknown(organisation) }
        return SignedCommit.sign(ledger: ledgerID, organisation: organisation, key: key, time: stamp(), events: try factory.lines(events))
    }
}
