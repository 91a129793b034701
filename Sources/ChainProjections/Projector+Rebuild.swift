public import Foundation
import GRDB
import LedgerCore

extension Projector {
    /// Rebuilds every projection from position 0 into shadow tables and swaps them in at once;
    /// returns the position the swapped-in tables reflect. `progress` is told the number of
    /// entries applied so far. If anything fails (or the process dies) before the swap, the live
    /// tables go on serving unchanged.
    ///
    /// With `check`, the live tables are first caught up to the position the rebuilt ones reached
    /// and their rows compared, in one transaction, before the swap: a difference throws
    /// ``ProjectionDrift`` naming the first differing row, leaves the live tables as they are and
    /// keeps the rebuilt ones aside, under the suffix `__rebuild`, until the next rebuild.
    ///
    /// Every rebuild records how it ended (``lastRebuild()``), a failed one too.
    @discardableResult
    public func rebuild(
        pageSize: Int = 20_000, check: Bool = false, failAfter: UInt64? = nil, progress: (@Sendable (UInt64, UInt64) -> Void)? = nil
    ) async throws -> UInt64 {
        let started = Date()
        do {
            let position = try await rebuildAndSwap(pageSize: pageSize, check: check, failAfter: failAfter, progress: progress)
            try await record(RebuildRecord(started: started, outcome: .swapped, position: position, detail: nil))
            return position
        } catch let drift as ProjectionDrift {
            try await record(RebuildRecord(started: started, outcome: .drift, position: drift.position, detail: drift.description))
            throw drift
        } catch {
            try? await record(RebuildRecord(started: started, outcome: .failed, position: 0, detail: "\(error)"))
            throw error
        }
    }

    /// How the latest rebuild of this projections file ended; nil if none has run.
    public func lastRebuild() async throws -> RebuildRecord? {
        try await database.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT finished_at, seconds, outcome, position, detail FROM projection_rebuilds ORDER BY rowid DESC LIMIT 1")
            else { return nil }
            return RebuildRecord(
                finishedAt: Date(timeIntervalSince1970: row["finished_at"]), seconds: row["seconds"],
                outcome: RebuildRecord.Outcome(rawValue: row["outcome"]) ?? .failed, position: UInt64(max(0, row["position"] as Int64)),
                detail: row["detail"])
        }
    }

    /// A rebuild stopped on purpose (tests use it to check that the live tables keep serving).
    public struct RebuildInterrupted: Error, CustomStringConvertible {
        public let position: UInt64
        public var description: String { "rebuild interrupted at position \(position)" }
    }

    /// How a rebuild ended.
    public struct RebuildRecord: Sendable, Equatable {
        /// What became of the rebuilt tables.
        public enum Outcome: String, Sendable, CaseIterable {
            /// Swapped in (after an equal comparison, when checked).
            case swapped
            /// Kept aside: they differ from the live ones (``ProjectionDrift``).
            case drift
            /// The rebuild stopped with an error; the live tables serve on.
            case failed
        }
        /// When it ended.
        public let finishedAt: Date
        /// How long it took.
        public let seconds: Double
        public let outcome: Outcome
        /// The position the rebuilt tables reached (0 when it failed).
        public let position: UInt64
        /// The drift or the error, when there was one.
        public let detail: String?

        init(finishedAt: Date, seconds: Double, outcome: Outcome, position: UInt64, detail: String?) {
            self.finishedAt = finishedAt
            self.seconds = seconds
            self.outcome = outcome
            self.position = position
            self.detail = detail
        }

        init(started: Date, outcome: Outcome, position: UInt64, detail: String?) {
            let now = Date()
            self.init(finishedAt: now, seconds: now.timeIntervalSince(started), outcome: outcome, position: position, detail: detail)
        }
    }

    private static let shadow = "__rebuild"

    private func record(_ rebuild: RebuildRecord) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO projection_rebuilds (finished_at, seconds, outcome, position, detail) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    rebuild.finishedAt.timeIntervalSince1970, rebuild.seconds, rebuild.outcome.rawValue, Int64(rebuild.position),
                    rebuild.detail,
                ])
        }
    }

    private func rebuildAndSwap(
        pageSize: Int, check: Bool, failAfter: UInt64?, progress: (@Sendable (UInt64, UInt64) -> Void)?
    ) async throws -> UInt64 {
        let suffix = Self.shadow
        let generation = String(UInt64(Date().timeIntervalSince1970 * 1000))
        // Measurements, the bulk, get their index after loading; the other tables are small and
        // are looked up while loading.
        let isBulk: @Sendable (ProjectionSchema.Table) -> Bool = { $0.name == "measurements" }
        try await database.write { db in
            for table in ProjectionSchema.tables { try db.execute(sql: "DROP TABLE IF EXISTS \(table.name)\(suffix)") }
            try ProjectionSchema.create(db, suffix: suffix)
            try ProjectionSchema.createIndexes(db, suffix: suffix, generation: generation) { !isBulk($0) }
        }
        let target = try await store.size()
        var position: UInt64 = 0
        /// Reads and decodes a page while the previous one is written. Decoding runs on Dispatch
        /// workers, so that the writing task resumes as soon as a page is written.
        func page(from start: UInt64) async throws -> [ProjectionApplier.Prepared]? {
            guard start < target else { return nil }
            let entries = try await store.entries(from: start, limit: Int(min(UInt64(pageSize), target - start)))
            return try await Parallel.offPool { try Self.prepare(entries) }
        }
        var next = try await page(from: 0)
        var previous: CommitID?
        while let entries = next {
            let following = position + UInt64(entries.count)
            async let upcoming = page(from: following)
            let before = previous
            try await database.write { db in
                var applier = ProjectionApplier(db, suffix: suffix, deferClosingMeasurements: true)
                for entry in entries { try applier.apply(entry, previousCommit: before) }
            }
            previous = entries.last?.commit
            position = following
            if let failAfter, position >= failAfter {
                _ = try? await upcoming
                throw RebuildInterrupted(position: position)
            }
            progress?(position, target)
            next = try await upcoming
        }
        try await database.write { db in
            try ProjectionSchema.createIndexes(db, suffix: suffix, generation: generation, only: isBulk)
            try ProjectionApplier.closeSupersededMeasurements(
                db, suffix: suffix, corrections: ProjectionSchema.correctionsIndex(generation: generation))
        }
        guard check else {
            try await database.write { db in try Self.swapIn(db, suffix: suffix, position: target) }
            // Entries appended while rebuilding.
            try await catchUp()
            return try await self.position()
        }
        return try await compareAndSwap(rebuiltTo: target, suffix: suffix, pageSize: pageSize)
    }

    /// Brings the live and the rebuilt tables to the same position, compares their rows and swaps
    /// the rebuilt ones in when they are equal; all in one transaction, so that no catch-up
    /// slips in between.
    private func compareAndSwap(rebuiltTo target: UInt64, suffix: String, pageSize: Int) async throws -> UInt64 {
        enum Outcome {
            case moved
            case drifted(ProjectionDrift)
            case swapped
        }
        var rebuilt = target
        while true {
            try await catchUp(pageSize: pageSize)
            let live = try await position()
            if live > rebuilt {
                try await apply(from: rebuilt, to: live, suffix: suffix, pageSize: pageSize)
                rebuilt = live
            }
            let position = rebuilt
            let outcome: Outcome = try await database.write { db in
                guard try Self.position(db) == position else { return .moved }
                let liveDigests = try ProjectionContent.digests(db, suffix: "")
                let rebuiltDigests = try ProjectionContent.digests(db, suffix: suffix)
                for (index, projection) in ProjectionSchema.projections.enumerated()
                where liveDigests[index].digest != rebuiltDigests[index].digest {
                    if let drift = try ProjectionContent.firstDifference(db, projection, suffix: suffix, position: position) {
                        return .drifted(drift)
                    }
                }
                try Self.swapIn(db, suffix: suffix, position: position)
                return .swapped
            }
            switch outcome {
            case .moved: continue
            case .drifted(let drift): throw drift
            case .swapped: return position
            }
        }
    }

    /// Applies the entries from `start` up to `end` to the tables under `suffix`.
    private func apply(from start: UInt64, to end: UInt64, suffix: String, pageSize: Int) async throws {
        var at = start
        while at < end {
            let entries = try await store.entries(from: at, limit: Int(min(UInt64(pageSize), end - at)))
            guard !entries.isEmpty else { return }
            let previous = at == 0 ? nil : try await store.entries(from: at - 1, limit: 1).first?.commit
            let prepared = try Self.prepare(entries)
            try await database.write { db in
                var applier = ProjectionApplier(db, suffix: suffix)
                for entry in prepared { try applier.apply(entry, previousCommit: previous) }
            }
            at += UInt64(entries.count)
        }
    }

    /// Replaces the live tables with those under `suffix`, which reflect the log up to `position`.
    private static func swapIn(_ db: Database, suffix: String, position: UInt64) throws {
        for table in ProjectionSchema.tables {
            try db.execute(sql: "DROP TABLE \(table.name)")
            try db.execute(sql: "ALTER TABLE \(table.name)\(suffix) RENAME TO \(table.name)")
        }
        try db.execute(sql: "UPDATE projection_state SET position = ? WHERE name = 'log'", arguments: [Int64(position)])
    }
}
