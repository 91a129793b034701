import ArgumentParser
import Foundation
import LedgerCore

struct ExportCommand: AsyncParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the log's events for a partner's own systems, one row per event, each provable later.",
        discussion: """
            Columns: position, stream, version, type, recordedAt, commit, organisation, data (the event's \
            data as signed, JSON), leafHash (base64 of SHA-256(0x00 ‖ entry), the Merkle leaf) and entry \
            (base64 of the exact entry bytes the leaf hashes, which hold the data). A row is proven to be \
            in the ledger by an inclusion proof for its position (`chainledger prove inclusion`, or \
            GET /api/proofs/inclusion) whose leaf hash is the row's, against a signed checkpoint.

            jsonl: one JSON object per line. csv: RFC 4180, a header row, fields quoted where needed.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case jsonl, csv
    }

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(help: "jsonl or csv.")
    var format: Format

    @Option(help: ArgumentHelp("First position to export.", valueName: "P"))
    var from: UInt64 = 0

    @Option(help: ArgumentHelp("Last position to export.", valueName: "P"))
    var to: UInt64?

    @Option(help: ArgumentHelp("Export only this stream.", valueName: "S"))
    var stream: String?

    @Option(help: ArgumentHelp("Export only events of this type (repeatable).", valueName: "T"))
    var type: [String] = []

    @Flag(help: "No progress on standard error.") var quiet = false
    @OptionGroup var languageOption: LanguageOption

    static let columns = ["position", "stream", "version", "type", "recordedAt", "commit", "organisation", "data", "leafHash", "entry"]

    func validate() throws {
        if let to, from > to { throw CLIError("--from \(from) lies after --to \(to)") }
    }

    func run() async throws {
        let store = try await ledgerOptions.openStore()
        let last = to ?? UInt64.max
        let types = Set(type)
        var organisations = OrganisationLookup(store: store)
        if format == .csv { Terminal.print(Self.columns.joined(separator: ",")) }
        var cursor = stream == nil ? from : 1
        let pageSize = 1000
        // Progress counts the positions (or, for one stream, the versions) read so far.
        let size = try await store.size()
        let total: UInt64 =
            if let stream { try await store.version(of: stream) } else { size > from ? min(last, size - 1) - from + 1 : 0 }
        let progress = ProgressDisplay("progress_export", quiet: quiet, language: languageOption.language)
        defer { progress.finish() }
        while true {
            let page =
                if let stream {
                    try await store.entries(stream: stream, fromVersion: cursor, limit: pageSize)
                } else {
                    try await store.entries(from: cursor, limit: pageSize)
                }
            var text = ""
            for stored in page where stored.position >= from && (types.isEmpty || types.contains(stored.type)) {
                guard stored.position <= last else { break }
                let row = try ExportRow(stored, organisation: try await organisations.organisation(of: stored.commit))
                text += (format == .jsonl ? row.json : row.csv) + "\n"
            }
            if !text.isEmpty { Terminal.write(text) }
            if let final = page.last {
                progress.update(stream == nil ? min(final.position, last) - from + 1 : final.version, of: total)
            }
            guard let final = page.last, page.count == pageSize, final.position < last else { return }
            cursor = (stream == nil ? final.position : final.version) + 1
        }
    }
}

/// The organisation that signed each commit, looked up once per commit (a commit's entries are
/// consecutive, so one remembered commit answers nearly every row).
struct OrganisationLookup {
    let store: any LedgerStore
    var last: (id: CommitID, organisation: String)?

    init(store: any LedgerStore) {
        self.store = store
    }

    mutating func organisation(of id: CommitID) async throws -> String {
        if let last, last.id == id { return last.organisation }
        guard let commit = try await store.commit(id) else {
            throw IntegrityFailure(description: "an entry names commit \(id.hex), which the ledger does not hold")
        }
        last = (id, commit.organisation)
        return commit.organisation
    }
}

/// One exported event.
struct ExportRow {
    let stored: StoredEntry
    let organisation: String
    let data: String

    init(_ stored: StoredEntry, organisation: String) throws {
        self.stored = stored
        self.organisation = organisation
        data = String(decoding: try stored.entry().event.data, as: UTF8.self)
    }

    var json: String {
        var line = JSONLine()
        line.number("position", stored.position)
        line.string("stream", stored.stream)
        line.number("version", stored.version)
        line.string("type", stored.type)
        line.string("recordedAt", "\(stored.recordedAt)")
        line.string("commit", stored.commit.hex)
        line.string("organisation", organisation)
        line.raw("data", data)
        line.string("leafHash", stored.leafHash.base64)
        line.string("entry", Data(stored.bytes).base64EncodedString())
        return line.text
    }

    var csv: String {
        [
            "\(stored.position)", stored.stream, "\(stored.version)", stored.type, "\(stored.recordedAt)", stored.commit.hex, organisation, data,
            stored.leafHash.base64, Data(stored.bytes).base64EncodedString(),
        ].map(Self.field).joined(separator: ",")
    }

    /// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
