public import Foundation
import LedgerClient
public import LedgerCore
public import Logging
import Metrics
import NIOConcurrencyHelpers
public import NIOCore
public import ServiceLifecycle

/// Submits the ledger's latest checkpoint to the registered witnesses on a cadence (at most once
/// per `cadence` while the log grows, never after every append), collects their cosignatures, and
/// keeps the latest checkpoint that meets the witness policy in force: `/api/checkpoint/witnessed`.
///
/// Witnesses are asked concurrently, each with a timeout; one that is unreachable, slow or refuses
/// is tried again with exponential backoff, and none of this ever holds up an append. A 409 tells
/// the collector the size the witness holds; it sends the proof from there at once.
public final class CosignatureCollector: Service, Sendable {
    /// What the collector knows of one witness.
    public struct WitnessStatus: Sendable, Equatable {
        /// The size the witness holds for this ledger, as far as the collector knows.
        public var held: UInt64?
        /// The size of its last cosignature, and when it was collected.
        public var cosignedSize: UInt64?
        public var cosignedAt: Date?
        /// Why the last request failed, and when to ask again.
        public var lastError: String?
        public var failures = 0
        public var retryAt: Date?
    }

    let store: any LedgerStore
    let registry: @Sendable () async -> CoalitionRegistry
    let cadence: Duration
    let timeout: TimeAmount
    let keptAt: String?
    let logger: Logger
    private let state = NIOLockedValueBox<(statuses: [String: WitnessStatus], witnessed: String?, lines: [String: (size: UInt64, line: String)])>(
        ([:], nil, [:]))

    /// A collector for the ledger in `store`, whose registry (witnesses and policy in force) `registry`
    /// gives. The latest witnessed checkpoint is kept in the file `keptAt`, when given, so that a
    /// restarted server serves it at once.
    public init(
        store: any LedgerStore, registry: @escaping @Sendable () async -> CoalitionRegistry, cadence: Duration = .seconds(1),
        timeout: TimeAmount = .seconds(5), keptAt: String? = nil, logger: Logger
    ) {
        self.store = store
        self.registry = registry
        self.cadence = cadence
        self.timeout = timeout
        self.keptAt = keptAt
        self.logger = logger
        if let keptAt, let data = FileManager.default.contents(atPath: keptAt) {
            let note = String(decoding: data, as: UTF8.self)
            state.withLockedValue { $0.witnessed = note }
        }
    }

    /// The latest checkpoint that meets the policy, with the ledger's signature and the witnesses'
    /// cosignatures; nil until one does.
    public var witnessed: String? { state.withLockedValue { $0.witnessed } }

    /// What the collector knows of each witness, by name.
    public var statuses: [String: WitnessStatus] { state.withLockedValue { $0.statuses } }

    /// Rounds until graceful shutdown: one per `cadence` when the log grew or a witness still
    /// lacks the latest checkpoint.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.round()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.warning("collecting cosignatures failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: self.cadence)
            }
        }
    }

    /// One round: the latest checkpoint to every witness that does not hold it yet and is not
    /// backing off, then the witnessed checkpoint updated if the policy is met.
    package func round() async throws {
        guard let latest = try await store.latestCheckpoint() else { return }
        let note = try SignedNote(parsing: latest.note)
        let checkpoint = try Checkpoint(text: note.text)
        let registry = await registry()
        guard let policy = registry.witnessPolicy else { return }
        let now = Date()
        let due = registry.activeWitnesses.filter { witness in
            let status = statuses[witness.name]
            return status?.cosignedSize != checkpoint.size && (status?.retryAt ?? .distantPast) <= now
        }
        await withTaskGroup(of: Void.self) { group in
            for witness in due {
                group.addTask { await self.submit(latest.note, checkpoint: checkpoint, to: witness) }
            }
        }
        let lines = state.withLockedValue { state in
            state.lines.filter { name, kept in kept.size == checkpoint.size && policy.witnesses.contains { $0.name == name } }.map(\.value.line)
        }
        let candidate = latest.note + lines.sorted().joined()
        guard let parsed = try? SignedNote(parsing: candidate), policy.accepts(parsed) else { return }
        let previous = witnessed.flatMap { try? Checkpoint(text: SignedNote(parsing: $0).text).size } ?? 0
        guard checkpoint.size >= previous, candidate != witnessed else { return }
        state.withLockedValue { $0.witnessed = candidate }
        if let keptAt { try? Data(candidate.utf8).write(to: URL(fileURLWithPath: keptAt), options: .atomic) }
        Gauge(label: "chainledger_witnessed_size").record(Double(checkpoint.size))
    }

    /// Asks one witness to cosign; a 409 is answered once more from the size it names.
    func submit(_ note: String, checkpoint: Checkpoint, to witness: CoalitionRegistry.RegisteredWitness) async {
        let client = WitnessClient(prefix: witness.url, timeout: timeout)
        var held = statuses[witness.name]?.held ?? 0
        do {
            for _ in 0..<2 {
                let proof =
                    held == 0 || held >= checkpoint.size
                    ? [] : try await ProofBuilder(store: store).consistency(old: held, new: checkpoint.size).hashes
                switch try await client.addCheckpoint(old: min(held, checkpoint.size), proof: proof, note: note) {
                case .cosigned(let lines):
                    try accept(lines, for: witness, note: note, size: checkpoint.size)
                    return
                case .conflict(let size):
                    guard size <= checkpoint.size else {
                        throw WitnessFailure(description: "it holds \(size) entries, more than the ledger's \(checkpoint.size)")
                    }
                    held = size
                    update(witness.name) { $0.held = size }
                case .refused(let status, let reason):
                    throw WitnessFailure(description: "refused (\(status)): \(reason)")
                }
            }
            throw WitnessFailure(description: "it answered 409 twice")
        } catch {
            failed(witness.name, error)
        }
    }

    /// Keeps the witness's valid cosignature of the checkpoint; anything else is a failure.
    func accept(_ lines: String, for witness: CoalitionRegistry.RegisteredWitness, note: String, size: UInt64) throws {
        let cosigned = try SignedNote(parsing: note + lines)
        guard witness.key.cosignatureTime(on: cosigned) != nil,
            let line = lines.split(separator: "\n").first(where: { $0.hasPrefix("\u{2014} \(witness.key.name) ") })
        else { throw WitnessFailure(description: "its answer holds no valid cosignature by \(witness.key)") }
        let now = Date()
        state.withLockedValue { state in
            state.lines[witness.name] = (size, String(line) + "\n")
            var status = state.statuses[witness.name] ?? WitnessStatus()
            status.held = size
            status.cosignedSize = size
            status.cosignedAt = now
            status.lastError = nil
            status.failures = 0
            status.retryAt = nil
            state.statuses[witness.name] = status
        }
        Gauge(label: "chainledger_witness_cosigned_size", dimensions: [("witness", witness.name)]).record(Double(size))
        Gauge(label: "chainledger_witness_cosigned_at_seconds", dimensions: [("witness", witness.name)]).record(now.timeIntervalSince1970)
    }

    func failed(_ name: String, _ error: any Error) {
        let now = Date()
        update(name) { status in
            status.failures += 1
            status.lastError = "\(error)"
            // 1, 2, 4, … seconds, at most a minute.
            status.retryAt = now.addingTimeInterval(min(60, pow(2, Double(status.failures - 1))))
        }
        Counter(label: "chainledger_witness_failures_total", dimensions: [("witness", name)]).increment()
        logger.info("a witness did not cosign", metadata: ["witness": "\(name)", "error": "\(error)"])
    }

    func update(_ name: String, _ change: (inout WitnessStatus) -> Void) {
        state.withLockedValue { state in
            var status = state.statuses[name] ?? WitnessStatus()
            change(&status)
            state.statuses[name] = status
        }
    }

    struct WitnessFailure: Error, CustomStringConvertible {
        let description: String
    }
}
