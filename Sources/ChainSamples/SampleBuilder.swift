public import ChainDomain
import Foundation
public import LedgerCore

/// Writes a coalition into a ledger commit by commit, each signed by the organisation that makes
/// it, as partners would over the years. Keys are fresh test keys (their names end in `.test-key`).
///
/// The builder drives the ledger's clock: each commit is signed and recorded on the story's
/// date (`date`, at 09:00 UTC), or now where the story runs ahead of today, so a sample told over
/// two years is recorded over them and `recordedAt` follows the story.
public final class SampleBuilder {
    /// The ledger written to, on the builder's clock (open the store again to write on another).
    public let ledger: Ledger<ChainRules>
    public private(set) var keys: [String: SigningKey] = [:]
    private var factory = EventFactory()
    private var random: SplitMix64
    private let clock: ManualTime
    /// The story's date: the next commit is signed and recorded on it (advanced by the script).
    public var date: CalendarDate

    /// A builder writing into `store` with the ledger's `checkpointKey`.
    public init(store: any LedgerStore, checkpointKey: SigningKey, seed: UInt64, start: CalendarDate) async throws {
        random = SplitMix64(seed: seed)
        date = start
        let clock = ManualTime(Timestamp.now())
        self.clock = clock
        ledger = try await Ledger(store: store, domain: ChainRules(), checkpointKey: checkpointKey, clock: .manual(clock))
    }

    /// The genesis commit's id, once founded.
    public private(set) var ledgerID: CommitID?

    /// The time the next commit is signed and recorded at: 09:00 UTC on `date`, or now if that
    /// lies ahead. Sets the ledger's clock to it.
    func stamp() -> Timestamp {
        let story = Timestamp(milliseconds: Int64(date.day) * 86_400_000 + 9 * 3_600_000)
        let time = min(story, Timestamp.now())
        clock.set(time)
        return time
    }

    private func key(for organisation: String) throws -> SigningKey {
        if let key = keys[organisation] { return key }
        let key = try SigningKey.generate(name: "\(organisation).test-key")
        keys[organisation] = key
        return key
    }

    /// The genesis commit.
    public func found(coalition: String, origin: String, founder: String, name: String, kind: String, checkpointKey: VerifierKey) async throws {
        let commit = try CoreCommits.genesis(
            coalition: coalition, origin: origin, organisation: founder, organisationName: name, kind: kind,
            key: try key(for: founder), checkpointKey: checkpointKey, time: stamp())
        _ = try await ledger.append(commit)
        ledgerID = CommitID(of: commit.bytes)
    }

    /// A coordinator admits an organisation and registers its key.
    public func admit(_ organisation: String, name: String, kind: String, by coordinator: String) async throws {
        let events = try CoreCommits.admission(
            organisation: organisation, name: name, kind: kind, publicKey: [UInt8](try key(for: organisation).verifier.publicKey))
        try await sign(by: coordinator, events)
    }

    /// One commit of domain events signed by `organisation`.
    @discardableResult
    public func commit(by organisation: String, _ events: [ChainEvent]) async throws -> AppendReceipt {
        try await sign(by: organisation, try factory.lines(events))
    }

    @discardableResult
    private func sign(by organisation: String, _ events: [EventLine]) async throws -> AppendReceipt {
        let commit = SignedCommit.sign(ledger: ledgerID, organisation: organisation, key: try key(for: organisation), time: stamp(), events: events)
        return try await ledger.append(commit)
    }

    /// Writes the organisations' keys to `directory` as ORG.key.
    public func saveKeys(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (organisation, key) in keys {
            try key.fileText.write(toFile: "\(directory)/\(organisation).key", atomically: true, encoding: .utf8)
        }
    }

    /// Signs from now on with the keys in `directory` (ORG.key), for a ledger written before; the
    /// ledger id is read from the ledger.
    public func adoptKeys(from directory: String) async throws {
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".key") {
            keys[String(file.dropLast(4))] = try SigningKey(parsing: String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8))
        }
        ledgerID = try await ledger.ledgerID()
    }

    /// The ledger's size now (what a dialogue reviews).
    public func size() async throws -> UInt64 { try await ledger.store.size() }

    /// A deterministic value in `range`.
    public func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + Double(random.next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
    }

    /// A deterministic whole number in `range`.
    public func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    /// `value` rounded to `digits` decimals.
    public static func round(_ value: Double, _ digits: Int = 1) -> Double {
        let scale = pow(10, Double(digits))
        return (value * scale).rounded() / scale
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so that samples and
/// synthetic coalitions are the same on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Shorthand for the samples' people.
func person(_ organisation: String, _ person: String) -> PersonRef {
    PersonRef(organisation: organisation, person: person)
}

func member(_ organisation: String, _ person: String, _ name: String, managementTeam: Bool, department: String? = nil) -> ChainEvent {
    .memberRegistered(
        MemberRegistered(organisation: organisation, person: person, name: name, managementTeam: managementTeam, department: department))
}

func kpi(
    _ id: String, chain: String, name: String, level: KPILevel, step: String? = nil, unit: String, direction: Direction,
    grain: Grain, aggregation: Aggregation = .average, owner: PersonRef, reporters: [String],
    contributesTo: [String] = [], goals: [String] = []
) -> ChainEvent {
    .kpiDefined(
        KpiDefinition(
            kpi: id, chain: chain, name: name, level: level, step: step, unit: unit, direction: direction, grain: grain,
            aggregation: aggregation, owner: owner, reporters: reporters, contributesTo: contributesTo, goals: goals))
}

func target(_ kpi: String, from: String, until: String? = nil, target: Double, red: Double) -> ChainEvent {
    .targetSet(TargetSet(kpi: kpi, from: Period(from)!, until: until.map { Period($0)! }, target: target, red: red))
}

func measurement(
    _ kpi: String, _ period: Period, _ organisation: String, _ value: Double,
    status: ObservationStatus = .normal, source: String, note: String? = nil
) -> ChainEvent {
    .measurementRecorded(
        Measurement(
            kpi: kpi, period: period, organisation: organisation, value: value, status: status,
            source: source, note: note, supersedes: nil, reason: nil))
}

func correction(
    _ kpi: String, _ period: Period, _ organisation: String, _ value: Double, supersedes: UInt64,
    reason: String, status: ObservationStatus = .normal, source: String
) -> ChainEvent {
    .measurementCorrected(
        Measurement(
            kpi: kpi, period: period, organisation: organisation, value: value, status: status,
            source: source, note: nil, supersedes: supersedes, reason: reason))
}
