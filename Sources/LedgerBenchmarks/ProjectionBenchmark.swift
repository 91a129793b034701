import ChainDomain
import ChainProjections
import ChainSamples
import Foundation
import GRDB
import LedgerCore
import LedgerSQLite

/// Projection figures on a synthetic coalition: full rebuild rate and peak memory, as-of KPI
/// tree, dialogue brief and method health query times, and incremental catch-up of 1,000 new events.
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
            try await timed("KPI tree of one chain (12 KPIs)", "KPI tree of one chain", label, size: size, samples: 200) {
                _ = try await models.kpiTree(chain: $0, asOf: asOf)
            }
        }
        // The dialogue brief and method health of one chain, each as of a moment: the two questions a
        // chain owner asks before a performance dialogue. The KPI tree above is their floor: both
        // read it, and more.
        for (label, asOf) in [("now", AsOf.now), ("as of the middle of the log", AsOf.position(size / 2))] {
            try await timed("dialogue brief of one chain", "dialogue brief of one chain", label, size: size, samples: 100) {
                _ = try await models.brief(chain: $0, asOf: asOf)
            }
            try await timed("method health of one chain", "method health of one chain", label, size: size, samples: 100) {
                _ = try await models.health(chain: $0, asOf: asOf)
            }
        }

        // Incremental catch-up of 1,000 new events, ten times.
        // Signed today, as the synthetic coalition signs its figures (periods from 1900 on).
        let builder = try await SampleBuilder(store: store, checkpointKey: checkpointKey, seed: 1, start: CalendarDate(dayOf: .now()))
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

    /// Runs `query` for the chains in turn, `samples` times, and prints its quantiles and its p99
    /// headline against the goal of 20 ms.
    static func timed(
        _ name: String, _ headline: String, _ label: String, size: UInt64, samples count: Int, _ query: (String) async throws -> Void
    ) async throws {
        var samples: [Double] = []
        for index in 0..<count {
            let start = Date()
            try await query("chain-\(index % 20)")
            samples.append(Date().timeIntervalSince(start))
        }
        let p99 = Benchmarks.quantiles("\(name), \(label) (goal < 20 ms)", samples)
        Benchmarks.headline("\(headline), \(label), at \(size) events, p99", String(format: "%.1f ms", p99), goal: "< 20 ms")
    }

    /// January, two years after the latest period the last commits of `store` report: the periods
    /// a catch-up run may report without meeting an earlier run's figures. The organisations report
    /// in turn, each from its own cursor, so the last 100,000 entries (every organisation's last
    /// commits) are read, in pages. A ledger records figures only for periods that have begun, so a
    /// kept ledger serves a run or two; then write it again.
    static func periodAfter(_ store: any LedgerStore, size: UInt64) async throws -> Period {
        var latest: Period?
        var position = size - min(size, 100_000)
        while position < size {
            let page = try await store.entries(from: position, limit: 10_000)
            for entry in page {
                let parts = entry.stream.split(separator: "/")
                if parts.count == 4, parts[0] == "measurement", let period = Period(String(parts[2])), latest.map({ period > $0 }) ?? true {
                    latest = period
                }
            }
            position += UInt64(max(page.count, 1))
        }
        // The run reports about four years from there: all of them must have begun.
        guard let latest, let next = Period(grain: .month, year: latest.year + 2, index: 1),
            let end = Period(grain: .month, year: next.year + 4, index: 1), end.days.lowerBound <= CalendarDate(dayOf: .now())
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
