// swift-tools-version:6.2
import Foundation
import PackageDescription

/// Settings shared by every target: Swift 6 language mode plus the upcoming
/// features the server-side Swift projects use. `CHAINLEDGER_STRICT=1` (CI's release build)
/// makes every warning an error.
let swiftSettings: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ] + (ProcessInfo.processInfo.environment["CHAINLEDGER_STRICT"] == "1" ? [.treatAllWarnings(as: .error)] : [])

let package = Package(
    name: "ChainLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chainledger", targets: ["chainledger"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "LedgerSQLite", targets: ["LedgerSQLite"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // The log: commits, entries, the Merkle tree, checkpoints, keys and the
        // store protocol. Storage-neutral: no SQLite in here.
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Fast paths around GRDB for bulk reads and writes of SQLite rows.
        .target(
            name: "SQLiteSupport",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The embedded store: the log in one SQLite file (GRDB, system libsqlite3).
        .target(
            name: "LedgerSQLite",
            dependencies: [
                "LedgerCore", "SQLiteSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The server store: the log in PostgreSQL (postgres-nio), for several writer processes.
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "LedgerCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A client of a ledger server's API (AsyncHTTPClient): what replicas, witnesses and the
        // CLI's writers ask of the server.
        .target(
            name: "LedgerClient",
            dependencies: [
                "LedgerCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A partner's own verified replica of the ledger, pulled from the server, and the evidence
        // it keeps when the server shows another history.
        .target(
            name: "LedgerReplica",
            dependencies: ["LedgerCore", "LedgerClient", "LedgerSQLite"],
            swiftSettings: swiftSettings
        ),
        // A transparency-log witness (C2SP tlog-witness, cosignature/v1): it cosigns a log's
        // checkpoints when they are consistent with the latest one it cosigned, which it keeps.
        .target(
            name: "LedgerWitness",
            dependencies: ["LedgerCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // A throwaway PostgreSQL server (initdb, a free port, stopped with the process) for the
        // tests and benchmarks.
        .target(
            name: "TemporaryPostgres",
            swiftSettings: swiftSettings
        ),
        // The chain domain: integral performance management as events, rules and state. Pure Swift,
        // no I/O.
        .target(
            name: "ChainDomain",
            dependencies: ["LedgerCore"],
            swiftSettings: swiftSettings
        ),
        // Sample coalitions and synthetic ones of any size, written through the ledger.
        .target(
            name: "ChainSamples",
            dependencies: ["ChainDomain", "LedgerCore"],
            swiftSettings: swiftSettings
        ),
        // The read models: projections of the log into SQLite tables, and the queries on them.
        .target(
            name: "ChainProjections",
            dependencies: [
                "ChainDomain", "LedgerCore", "SQLiteSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // What people read: the message catalogues (Dutch and English), numbers, days and periods
        // as each language writes them, and the read models' tables with their CSV dialects.
        .target(
            name: "ChainPresentation",
            dependencies: ["ChainDomain", "ChainProjections", "LedgerCore"],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // The HTTP server: the API for partners, live replay, and the dashboard.
        .target(
            name: "ChainServer",
            dependencies: [
                "LedgerCore", "ChainDomain", "ChainProjections", "ChainPresentation", "LedgerWitness", "LedgerClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // A small coalition with every role, for the domain's and the projections' tests.
        .target(
            name: "ChainTestSupport",
            dependencies: ["ChainDomain", "LedgerCore", "LedgerSQLite", "LedgerConformance"],
            swiftSettings: swiftSettings
        ),
        // The storage conformance suite, written against the store protocol so
        // that every backend runs it unchanged.
        .target(
            name: "LedgerConformance",
            dependencies: ["LedgerCore"],
            swiftSettings: swiftSettings
        ),
        // The command-line interface.
        .executableTarget(
            name: "chainledger",
            dependencies: [
                "LedgerCore",
                "LedgerSQLite",
                "LedgerPostgres",
                "ChainDomain",
                "ChainSamples",
                "ChainProjections",
                "ChainPresentation",
                "ChainServer",
                "LedgerClient",
                "LedgerReplica",
                "LedgerWitness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "LedgerConformance"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChainDomainTests",
            dependencies: ["ChainDomain", "ChainSamples", "ChainTestSupport", "LedgerCore", "LedgerSQLite", "LedgerConformance"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChainProjectionsTests",
            dependencies: [
                "ChainProjections", "ChainDomain", "ChainSamples", "ChainTestSupport", "LedgerCore", "LedgerSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChainPresentationTests",
            dependencies: ["ChainPresentation", "ChainDomain", "ChainProjections", "ChainSamples", "LedgerCore", "LedgerSQLite"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChainServerTests",
            dependencies: [
                "ChainServer", "ChainSamples", "ChainDomain", "ChainProjections", "ChainPresentation", "LedgerCore", "LedgerSQLite",
                "ChainTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerWitnessTests",
            dependencies: [
                "LedgerWitness", "LedgerCore", "LedgerConformance", "LedgerSQLite", "ChainServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerReplicaTests",
            dependencies: [
                "LedgerReplica", "LedgerClient", "LedgerWitness", "LedgerCore", "LedgerSQLite", "ChainDomain", "ChainSamples", "ChainProjections",
                "ChainServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerPostgresTests",
            dependencies: [
                "LedgerCore", "LedgerPostgres", "LedgerConformance", "LedgerSQLite", "TemporaryPostgres",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerSQLiteTests",
            dependencies: [
                "LedgerCore", "LedgerSQLite", "LedgerConformance",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChainLedgerCLITests",
            dependencies: [
                "chainledger", "LedgerCore", "LedgerSQLite", "TemporaryPostgres",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The benchmarks build in release mode only when asked for (`tools/bench`), so that `swift test`
// and CI never spend time on them.
if ProcessInfo.processInfo.environment["CHAINLEDGER_BENCHMARKS"] == "1" {
    package.products.append(.executable(name: "chainledger-bench", targets: ["LedgerBenchmarks"]))
    package.targets.append(
        .executableTarget(
            name: "LedgerBenchmarks",
            dependencies: [
                "LedgerCore", "LedgerSQLite", "LedgerConformance", "ChainDomain", "ChainSamples", "ChainProjections", "ChainServer",
                "LedgerPostgres", "TemporaryPostgres", "SQLiteSupport", "LedgerClient", "LedgerReplica", "LedgerWitness",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ))
}

// libFuzzer targets (`tools/fuzz`), built only when asked for and in their own scratch path
// (`.build-fuzz`), with `-sanitize=fuzzer`, so that `swift test` and the normal build never see them.
if ProcessInfo.processInfo.environment["CHAINLEDGER_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"))
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["FuzzDriver"], path: "Fuzz/FuzzSupport", swiftSettings: swiftSettings))
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzCommits", ["LedgerCore"]),
        ("FuzzNotes", ["LedgerCore"]),
        ("FuzzEvidence", ["LedgerCore"]),
        ("FuzzChainValues", ["ChainDomain", "LedgerCore"]),
        ("FuzzImport", ["ChainDomain", "LedgerCore"]),
        ("FuzzRequests", ["LedgerCore"]),
    ]
    for target in fuzzTargets {
        package.products.append(.executable(name: target.name, targets: [target.name]))
        package.targets.append(
            .executableTarget(
                name: target.name, dependencies: target.dependencies + ["FuzzSupport"], path: "Fuzz/\(target.name)",
                swiftSettings: swiftSettings))
    }
}
