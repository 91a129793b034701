import ChainDomain
public import LedgerCore

/// The sample coalitions that the tests and the demo load.
public enum Samples {
    /// The names `chainledger sample` accepts.
    public static let names = ["housing-first", "reentry", "debt-collection"]

    /// Writes sample `name` into the empty ledger in `store`, signing its checkpoints with
    /// `checkpointKey`, on the story's own dates (see ``SampleBuilder``); returns the
    /// organisations' test keys. Open the store again to write on with another clock. The
    /// synthetic coalition reports its measurements written to `progress`.
    public static func write(
        _ name: String, into store: any LedgerStore, checkpointKey: SigningKey, seed: UInt64 = 2025,
        syntheticEvents: Int = 100_000, progress: (_ written: Int, _ of: Int) -> Void = { _, _ in }
    ) async throws -> [String: SigningKey] {
        let builder = try await SampleBuilder(store: store, checkpointKey: checkpointKey, seed: seed, start: CalendarDate(2025, 1, 1)!)
        let verifier = checkpointKey.verifier
        switch name {
        case "synthetic":
            var synthetic = SyntheticCoalition(seed: seed)
            try await synthetic.write(builder, checkpointKey: verifier, events: syntheticEvents, progress: progress)
        case "housing-first": try await HousingFirst.write(builder, checkpointKey: verifier)
        case "reentry": try await Reentry.write(builder, checkpointKey: verifier)
        case "debt-collection": try await DebtCollection.write(builder, checkpointKey: verifier)
        default: throw SampleError.unknown(name)
        }
        return builder.keys
    }

    public enum SampleError: PhrasedError {
        case unknown(String)
        public var phrase: Phrase {
            switch self {
            case .unknown(let name): "there is no sample coalition \"\(name)\"; choose one of \(Samples.names.joined(separator: ", ")) or synthetic"
            }
        }
    }
}
