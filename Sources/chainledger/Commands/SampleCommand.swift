import ArgumentParser
import ChainDomain
import ChainSamples
import Foundation
import LedgerCore
import LedgerSQLite

struct SampleCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a sample coalition into a new ledger.",
        discussion: """
            NAME is one of \(Samples.names.joined(separator: ", ")), or synthetic: a generated coalition of \
            60 organisations and 20 chains with --events measurements, the same for the same --seed. Every commit is signed by its own \
            organisation's key; those keys are TEST KEYS (their names end in .test-key) and are written to \
            DIR as ORG.key so that you can go on recording as any organisation.
            """)

    @Argument(help: ArgumentHelp("The sample coalition.", valueName: "NAME"))
    var name: String

    @OptionGroup var newLedger: NewLedgerOptions

    @Option(help: ArgumentHelp("Where to write the organisations' test keys.", valueName: "DIR"))
    var keys: String

    @Option(help: ArgumentHelp("synthetic only: how many measurements.", valueName: "N"))
    var events = 100_000

    @Option(help: ArgumentHelp("The random seed for the generated figures.", valueName: "SEED"))
    var seed: UInt64 = 2025

    @Flag(help: "synthetic only: no progress on standard error.") var quiet = false
    @OptionGroup var languageOption: LanguageOption

    func validate() throws {
        guard Samples.names.contains(name) || name == "synthetic" else {
            throw CLIError("there is no sample coalition \"\(name)\"; choose one of \(Samples.names.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let files = try newLedger.files(for: "sample", purpose: "writes a new ledger")
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: keys, isDirectory: &isFolder), !isFolder.boolValue {
            throw CLIError("\(keys) is a file; --keys names a folder for the test keys")
        }
        try await files.removing(onFailureOf: {
            let checkpointKey = try SigningKey.generate(name: "ledger.example/\(name)")
            try KeyFile.write(checkpointKey, to: files.checkpointKey)
            let store = try SQLiteLedgerStore(path: files.ledger)
            let progress = ProgressDisplay("progress_synthetic", quiet: quiet || name != "synthetic", language: languageOption.language)
            defer { progress.finish() }
            let organisationKeys = try await Samples.write(
                name, into: store, checkpointKey: checkpointKey, seed: seed, syntheticEvents: events
            ) { progress.update(UInt64($0), of: UInt64($1)) }
            progress.finish()
            let ledger = try await Ledger(store: store, domain: CLIDomain())
            try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
            for (organisation, key) in organisationKeys.sorted(by: { $0.key < $1.key }) {
                try KeyFile.write(key, to: URL(fileURLWithPath: keys).appendingPathComponent("\(organisation).key").path)
            }
            let size = try await store.size()
            let checkpoint = try await store.latestCheckpoint()
            var line = JSONLine()
            line.string("sample", name)
            line.string("ledger", try await ledger.ledgerID()?.hex ?? "")
            line.number("size", size)
            line.string("root", checkpoint?.root.base64 ?? "")
            line.number("organisations", organisationKeys.count)
            line.string("keys", keys)
            Terminal.print(line.text)
        })
    }
}
