import Foundation
public import LedgerClient
public import LedgerCore
import LedgerSQLite

/// A partner's own copy of the coalition's ledger, pulled from its server and re-verified: every
/// commit admitted by the same code the server ran, every checkpoint checked against the ledger's
/// verifier key and against the last one the replica holds. A server that shows a history that is
/// not an extension of the one held is refused, nothing is appended, and the evidence is kept
/// beside the replica's ledger file.
///
/// The replica is a normal ledger file (SQLite), byte for byte the server's log: every read
/// command, `verify`, `rebuild` and the dashboard work on it.
public actor Replica<Domain: LedgerDomain> {
    /// The replica's ledger file.
    public nonisolated let path: String
    public nonisolated let api: LedgerAPI
    let ledger: Ledger<Domain>
    let store: SQLiteLedgerStore
    let clock: LedgerClock
    /// The ledger's checkpoint verifier key, once known (given, kept, or from the genesis).
    var verifierKey: VerifierKey?
    /// Whether the key was taken on first use rather than given.
    public internal(set) var trustedOnFirstUse = false
    /// How many commits to ask for per page, and how many events to write per transaction at most.
    let pageCommits: Int
    let batchEvents: Int
    /// Whether the source and key are kept beside the ledger (`settingsPath`): not when a
    /// coalition's own ledger takes back lost commits from a partner's replica.
    let keepsSettings: Bool

    /// Opens (or creates) the replica at `path`, pulling from `api`. `verifierKey` is the ledger's
    /// checkpoint verifier key as the coalition published it; without it, the replica uses the key
    /// it kept from an earlier pull, or else the one the genesis commit names (trust on first use).
    /// `keepsSettings: false` pulls into a ledger that is no replica (the coalition's own, restored
    /// from a backup, taking back the commits it lost from a partner's replica).
    public init(
        path: String, api: LedgerAPI, domain: Domain, verifierKey: VerifierKey? = nil, clock: LedgerClock = .system,
        pageCommits: Int = 1000, batchEvents: Int = 20_000, keepsSettings: Bool = true
    ) async throws {
        self.keepsSettings = keepsSettings
        self.path = path
        self.api = api
        self.clock = clock
        self.pageCommits = pageCommits
        self.batchEvents = batchEvents
        let kept = try ReplicaSettings.read(Self.settingsPath(path))
        if let given = verifierKey, let kept = kept?.verifierKey, given.description != kept {
            throw ReplicaError.otherKey(given: given.description, kept: kept)
        }
        self.verifierKey = try verifierKey ?? kept.map { try VerifierKey(parsing: $0.verifierKey) }
        store = try SQLiteLedgerStore(path: path)
        ledger = try await Ledger(store: store, domain: domain, clock: clock)
        if let founded = await ledger.registry.checkpointKey {
            guard let known = self.verifierKey else {
                throw ReplicaError.unknownKey(path: path)
            }
            guard known == founded else { throw ReplicaError.genesisNamesOtherKey(named: founded.description, expected: known.description) }
        }
    }

    /// Where the replica keeps what it was told once: the source and the ledger's verifier key.
    public static func settingsPath(_ path: String) -> String { path + ".replica" }

    /// The coalition's server the replica at `path` pulls from, as its first pull kept it; nil
    /// when `path` is no replica (it was never pulled into).
    public static func source(of path: String) throws -> String? {
        try ReplicaSettings.read(settingsPath(path))?.source
    }

    /// The evidence files kept beside the replica's ledger, oldest first.
    public nonisolated var evidenceFiles: [String] {
        Self.evidenceFiles(beside: path)
    }

    /// The evidence files kept beside the ledger file at `path`, oldest first.
    public static func evidenceFiles(beside path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let prefix = url.lastPathComponent + ".evidence-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.sorted().map { folder.appendingPathComponent($0).path }
    }

    /// The size and latest checkpoint the replica holds.
    public func held() async throws -> (size: UInt64, checkpoint: String?) {
        (try await store.size(), try await store.latestCheckpoint()?.note)
    }
}

/// What a replica keeps about its source.
struct ReplicaSettings: Codable, Equatable {
    var source: String
    var verifierKey: String
    var trustedOnFirstUse: Bool

    static func read(_ path: String) throws -> ReplicaSettings? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(ReplicaSettings.self, from: data)
        } catch {
            throw ReplicaError.unreadableSettings(path: path, reason: "\(error)")
        }
    }

    func write(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try (try encoder.encode(self) + Data("\n".utf8)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// Why a replica stopped.
public enum ReplicaError: Sendable, PhrasedError {
    /// The server showed a history that is not an extension of the one held: nothing was appended,
    /// and the evidence was written to `path`.
    case misbehaviour(evidence: MisbehaviourEvidence, path: String)
    /// The key given is not the one the replica kept from its first pull.
    case otherKey(given: String, kept: String)
    /// The replica holds a ledger but no verifier key for it.
    case unknownKey(path: String)
    /// The ledger's genesis names another checkpoint key than the one the replica was given.
    case genesisNamesOtherKey(named: String, expected: String)
    /// The settings file beside the ledger cannot be read.
    case unreadableSettings(path: String, reason: String)
    /// The server served data that cannot be mirrored (commits out of order, a checkpoint between
    /// a commit's events): nothing was appended.
    case unusable(String)

    public var phrase: Phrase {
        switch self {
        case .misbehaviour(let evidence, let path):
            "the server showed another history (\(evidence.kind.rawValue)): \(evidence.conclusion) Evidence kept in \(path)"
        case .otherKey(let given, let kept):
            "the verifier key given (\(given)) is not the one this replica was first given (\(kept)); a ledger's key does not change"
        case .unknownKey(let path): "the replica \(path) holds a ledger but no verifier key for it; give the ledger's verifier key"
        case .genesisNamesOtherKey(let named, let expected):
            "the ledger's genesis names checkpoint key \(named), not the verifier key given (\(expected)): this is not that ledger"
        case .unreadableSettings(let path, let reason): "\(path) cannot be read: \(reason)"
        case .unusable(let detail): "the server's answer cannot be mirrored: \(detail)"
        }
    }
}
