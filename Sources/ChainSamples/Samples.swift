public import ChainDomain
public import LedgerCore

/// The sample coalitions that the tests and the demo load.
public enum Samples {
    /// The names `chainledger sample` accepts.
    public static let names = ["housing-first", "reentry", "debt-collection"]

    /// Writes sample `name` into an empty ledger whose checkpoint key is `checkpointKey`; returns
    /// the organisations' test keys.
    public static func write(
        _ name: String, into ledger: Ledger<ChainRules>, checkpointKey: VerifierKey, seed: UInt64 = 2025,
        syntheticEvents: Int = 100_000
    ) async throws -> [String: SigningKey] {
        let builder = SampleBuilder(ledger: ledger, seed: seed, start: CalendarDate(2025, 1, 1)!)
        switch name {
        case "synthetic":
            var synthetic = SyntheticCoalition(seed: seed)
            try await synthetic.write(builder, checkpointKey: checkpointKey, events: syntheticEvents)
        case "housing-first": try await HousingFirst.write(builder, checkpointKey: checkpointKey)
        case "reentry": try await Reentry.write(builder, checkpointKey: checkpointKey)
        case "debt-collection": try await DebtCollection.write(builder, checkpointKey: checkpointKey)
        default: throw SampleError.unknown(name)
        }
        return builder.keys
    }

    public enum SampleError: Error, CustomStringConvertible {
        case unknown(String)
        public var description: String {
            switch self {
            case .unknown(let name): "there is no sample coalition \"\(name)\"; choose one of \(Samples.names.joined(separator: ", ")) or synthetic"
            }
        }
    }
}
