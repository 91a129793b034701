import ChainDomain
import ChainProjections
import ChainSamples
import Foundation
import GRDB
import LedgerCore
import LedgerSQLite

/// Projection figures on a synthetic coalition: full rebuild rate and peak memory, as-of KPI
/// tree query times, and incremental catch-up of 1,000 new events.
///
/// With `--ledger PATH` naming an existing ledger, only the projections are measured (so that
/// the peak memory figure is the rebuild's own); otherwise a synthetic ledger of `events`
/// measurements is written first (kept at PATH when given).
enum ProjectionBenchmark {
    static func run(events: Int, ledgerPath: String?, folder: URL) async throws {
        let path = ledgerPath ?? folder.appendingPathComponent("projections-ledger.sqlite").path
        let keyPath = path + ".bench-key"
        var synthetic = SyntheticCoalition(seed: 1, sizedFor: events)
        let checkpointKey: SigningKey
        let generated = !FileManager.default.fileExists(atPath: path)
        if generated {
            checkpointKey = try SigningKey.generate(name: "ledger.example/bench")
            try checkpointKey.fileText.write(toFile: keyPath, atomically: true, encoding: .utf8)
            let start = Date()
            let store = try SQLiteLedgerStore(path: path)
            let builder = try await SampleBuilder(store: store, checkpointKey: checkpointKey, seed: 1, start: CalendarDate(1990, 1, 1)!)
            try await synthetic.write(builder, checkpointKey: checkpointKey.verifier, events: events)
            try builder.saveKeys(to: "\(path).keys")
            print(
                String(
                    format: "wrote a synthetic ledger of %llu entries in %.0f s (not a projection figure)", try await store.size(),
                    Date().timeIntervalSince(start)))
            if ledgerPath != nil {
                print("kept at \(path); run again with --ledger \(path) to measure the projections alone")
                return
            }
        } else {
            checkpointKey = try SigningKey(parsing: String(contentsOfFile: keyPath, encoding: .utf8))
        }
        let store = try SQLiteLedgerStore(path: path)
        let size = try await store.size()
        let projectionsPath = folder.appendingPathComponent("bench.projections").path
        let projector = try Projector(path: projectionsPath, store: store)

        let start = Date()
        try await projector.rebuild(pageSize: 20_000)
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "full rebuild: %llu events in %.2f s = %.0f events/s (goal ≥ 500,000/s)", size, seconds, Double(size) / seconds))
        print(String(format: "peak resident memory so far: %.0f MiB (goal < 300 MiB for 10,000,000 events)", Benchmarks.peakMemoryMiB()))
        let digestStart = Date()
        _ = try await projector.digests()
        print(String(format: "digests of every projection: %.2f s", Date().timeIntervalSince(digestStart)))
        let ceiling = try measurementsFloor(rebuilt: projectionsPath, folder: folder, events: size)
        Benchmarks.headline(
            "full rebuild of \(size) events against SQLite's own ceiling on the same rows",
            Benchmarks.percent((Double(size) / seconds) / ceiling))

        let models = projector.readModels
        for (label, asOf) in [
            ("now", AsOf.now), ("as of the middle of the log", AsOf.position(size / 2)), ("as of a tenth", AsOf.position(size / 10)),
        ] {
            var samples: [Double] = []
            for index in 0..<200 {
                let chain = "chain-\(index % 20)"
                let queryStart = Date()
                _ = try await models.kpiTree(chain: chain, asOf: asOf)
                samples.append(Date().timeIntervalSince(queryStart))
            }
            let p99 = Benchmarks.quantiles("KPI tree of one chain (12 KPIs), \(label) (goal < 20 ms)", samples)
            Benchmarks.headline("KPI tree of one chain, \(label), at \(size) events, p99", String(format: "%.1f ms", p99), goal: "< 20 ms")
        }

        // Incremental catch-up of 1,000 new events, ten times.
        let builder = try await SampleBuilder(store: store, checkpointKey: checkpointKey, seed: 1, start: CalendarDate(1990, 1, 1)!)
        let ledger = builder.ledger
        try await builder.adoptKeys(from: "\(path).keys")
        var catchUps: [Double] = []
        var factory = EventFactory()
        // Periods no earlier run used: two years after the last entry's (a run covers about four).
        synthetic.restart(at: try await Self.periodAfter(store, size: size))
        for _ in 0..<10 {
            let (organisation, measurements) = synthetic.nextMeasurements(count: 1000)
            for event in measurements { factory.versions[event.stream] = try await store.version(of: event.stream) }
            _ = try await ledger.append(try builder.signed(by: organisation, measurements, factory: &factory))
            let catchStart = Date()
            let applied = try await projector.catchUp()
            catchUps.append(Date().timeIntervalSince(catchStart))
            precondition(applied == 1000)
        }
        let catchUp = Benchmarks.quantiles("incremental catch-up of 1,000 new events (goal < 50 ms)", catchUps)
        Benchmarks.headline("projections' catch-up of 1,000 events, p99", String(format: "%.0f ms", catchUp), goal: "< 50 ms")
        print(String(format: "peak resident memory: %.0f MiB", Benchmarks.peakMemoryMiB()))
    }

    /// January, two years after the period of the last measurement in `store`: the periods a
    /// catch-up run may report without meeting an earlier run's figures. A ledger records figures
    /// only for periods that have begun, so a kept ledger serves a few runs; then write it again.
    static func periodAfter(_ store: any LedgerStore, size: UInt64) async throws -> Period {
        let last = try await store.entries(from: size - 1, limit: 1).first
        let parts = last?.stream.split(separator: "/") ?? []
        guard parts.count == 4, parts[0] == "measurement", let period = Period(String(parts[2])),
            let next = Period(grain: .month, year: period.year + 2, index: 1), next.days.lowerBound <= CalendarDate(dayOf: .now())
        else {
            throw KeptLedgerError()
        }
        return next
    }

    struct KeptLedgerError: Error, CustomStringConvertible {
        var description: String { "the kept ledger's periods reach today: remove it, and a fresh one is written" }
    }

    /// SQLite's own floor under the rebuild's bulk: the rebuilt measurement rows copied into an
    /// empty table of the same layout in one statement (no decoding, no binding, no other
    /// tables), then given the same indexes, in a file with the projections' settings.
    /// Returns the ceiling it sets, in events per second.
    static func measurementsFloor(rebuilt: String, folder: URL, events: UInt64) throws -> Double {
        let queue = try Benchmarks.plainDatabase(folder.appendingPathComponent("floor-measurements.sqlite"), synchronous: "NORMAL")
        return try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS rebuilt", arguments: [rebuilt])
            let table = try String.fetchOne(db, sql: "SELECT sql FROM rebuilt.sqlite_master WHERE type = 'table' AND name = 'measurements'")!
            let indexes = try String.fetchAll(db, sql: "SELECT sql FROM rebuilt.sqlite_master WHERE type = 'index' AND tbl_name = 'measurements'")
            try db.execute(sql: table)
            let start = Date()
            try db.inTransaction {
                try db.execute(sql: "INSERT INTO main.measurements SELECT * FROM rebuilt.measurements")
                return .commit
            }
            let inserted = Date()
            try db.inTransaction {
                for (number, index) in indexes.enumerated() {
                    let definition = index[index.range(of: " ON ")!.upperBound...]
                    try db.execute(sql: "CREATE INDEX main.floor_\(number) ON \(definition)")
                }
                return .commit
            }
            let seconds = (insert: inserted.timeIntervalSince(start), index: Date().timeIntervalSince(inserted))
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM main.measurements")!
            print(
                String(
                    format: "  SQLite alone: the %d measurement rows copied in one statement in %.2f s, their %d indexes built in %.2f s:",
                    rows, seconds.insert, indexes.count, seconds.index))
            let ceiling = Double(events) / (seconds.insert + seconds.index)
            print(String(format: "  a ceiling of %.0f events/s for any rebuild that writes these rows into SQLite", ceiling))
            return ceiling
        }
    }
}
