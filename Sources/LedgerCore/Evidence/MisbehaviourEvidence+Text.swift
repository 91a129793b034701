import Foundation

/// The evidence file format, `chainledger.evidence/1`: UTF-8 lines ending in a newline.
///
/// ```
/// chainledger.evidence/1
/// kind fork
/// origin ledger.example/heuvelstad
/// detected 2026-12-01T10:00:00.000Z
/// source https://ledger.example/heuvelstad
/// conclusion The ledger's key signed two different trees of 8 entries.
///
/// held
/// <TAB>ledger.example/heuvelstad
/// <TAB>8
/// <TAB>…
/// shown
/// <TAB>…
/// prefix-root <base64>
/// consistency <old size> <new size>
/// <TAB><base64 hash>
/// inclusion <index> <size> <base64 leaf hash>
/// <TAB><base64 hash>
/// frontier
/// <TAB><base64 hash>
/// entry <position> <base64 entry bytes>
/// commit <base64 signed bytes> <base64 signature>
/// ```
///
/// The header names the kind, the ledger's origin, when and where it was seen, and the conclusion.
/// After a blank line come the parts, each once at most and in this order, as the kind needs them:
/// signed notes verbatim with every line indented by one tab (as Go's checksum database client
/// prints them), proofs with one hash per indented line, served entries one per line.
extension MisbehaviourEvidence {
    /// The first line of every evidence file.
    public static let formatLine = "chainledger.evidence/1"

    /// The evidence in its text form.
    public var text: String {
        var lines = [
            Self.formatLine, "kind \(kind.rawValue)", "origin \(origin)", "detected \(detected)", "source \(source)",
            "conclusion \(conclusion)", "",
        ]
        func indented(_ note: String) -> [String] {
            note.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "\t" + $0 }
        }
        if let held { lines += ["held"] + indented(held) }
        if let shown { lines += ["shown"] + indented(shown) }
        if let prefixRoot { lines.append("prefix-root \(prefixRoot.base64)") }
        if let consistency {
            lines.append("consistency \(consistency.old) \(consistency.new)")
            lines += consistency.hashes.map { "\t" + $0.base64 }
        }
        if let inclusion {
            lines.append("inclusion \(inclusion.index) \(inclusion.size) \(inclusion.leaf.base64)")
            lines += inclusion.hashes.map { "\t" + $0.base64 }
        }
        if let frontier {
            lines.append("frontier")
            lines += frontier.map { "\t" + $0.base64 }
        }
        lines += entries.map { "entry \($0.position) \(Data($0.bytes).base64EncodedString())" }
        if let commit {
            lines.append("commit \(Data(commit.signed).base64EncodedString()) \(Data(commit.signature).base64EncodedString())")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the evidence into a new file beside the ledger file `path`, named after the ledger,
    /// the moment and the kind (`heuvelstad.ledger.evidence-20261201T100000.000Z-fork.txt`), and
    /// returns the file's path. An existing file is never overwritten.
    public func write(besideLedger path: String) throws -> String {
        let stamp = "\(detected)".replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        let file = "\(path).evidence-\(stamp)-\(kind.rawValue).txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .withoutOverwriting)
        return file
    }

    /// Reads an evidence file; strict, as everything signed or hashed is: base64 in its canonical
    /// spelling, numbers without leading zeros, each part once and in order.
    public init(parsing text: String) throws(EvidenceFormatError) {
        guard text.hasSuffix("\n") else { throw EvidenceFormatError(line: 1, message: "the file does not end in a newline") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        var index = 0
        func fail(_ message: String) -> EvidenceFormatError { EvidenceFormatError(line: index + 1, message: message) }
        func header(_ key: String) throws(EvidenceFormatError) -> String {
            guard index < lines.count, lines[index].hasPrefix(key + " "), lines[index].count > key.count + 1 else {
                throw fail("expected \"\(key) …\"")
            }
            defer { index += 1 }
            return String(lines[index].dropFirst(key.count + 1))
        }
        func number(_ text: Substring) throws(EvidenceFormatError) -> UInt64 {
            guard let value = UInt64(text), String(value) == text else { throw fail("\"\(text)\" is not a number") }
            return value
        }
        func hash(_ text: some StringProtocol) throws(EvidenceFormatError) -> TreeHash {
            guard let hash = TreeHash(base64: String(text)) else { throw fail("\"\(text)\" is not a base64 SHA-256 hash") }
            return hash
        }
        func bytes(_ text: Substring) throws(EvidenceFormatError) -> [UInt8] {
            guard let data = Data(canonicalBase64: text) else { throw fail("not canonical base64") }
            return [UInt8](data)
        }
        /// The tab-indented lines that follow the current one.
        func block() -> [String] {
            var block: [String] = []
            while index < lines.count, lines[index].hasPrefix("\t") {
                block.append(String(lines[index].dropFirst()))
                index += 1
            }
            return block
        }

        guard lines.first == Self.formatLine else { throw fail("the first line is not \(Self.formatLine)") }
        index = 1
        let kindName = try header("kind")
        guard let kind = Kind(rawValue: kindName) else { throw EvidenceFormatError(line: 2, message: "unknown kind \"\(kindName)\"") }
        let origin = try header("origin")
        let detectedText = try header("detected")
        guard let detected = Timestamp(rfc3339: detectedText) else { throw EvidenceFormatError(line: 4, message: "not an RFC 3339 time") }
        let source = try header("source")
        let conclusion = try header("conclusion")
        guard index < lines.count, lines[index].isEmpty else { throw fail("expected a blank line after the header") }
        index += 1
        self.init(kind: kind, origin: origin, detected: detected, source: source, conclusion: conclusion)

        let order = ["held", "shown", "prefix-root", "consistency", "inclusion", "frontier", "entry", "commit"]
        var reached = -1
        while index < lines.count {
            let line = lines[index]
            let words = line.split(separator: " ", omittingEmptySubsequences: false)
            guard let name = words.first.map(String.init), let rank = order.firstIndex(of: name) else { throw fail("unknown part \"\(line)\"") }
            guard rank > reached || (name == "entry" && rank == reached) else { throw fail("\"\(name)\" is out of order or repeated") }
            reached = rank
            index += 1
            switch name {
            case "held", "shown":
                guard words.count == 1 else { throw fail("\"\(name)\" takes no value") }
                let note = block()
                guard !note.isEmpty else { throw fail("\"\(name)\" holds no note") }
                if name == "held" { held = note.joined(separator: "\n") + "\n" } else { shown = note.joined(separator: "\n") + "\n" }
            case "prefix-root":
                guard words.count == 2 else { throw fail("expected \"prefix-root HASH\"") }
                prefixRoot = try hash(words[1])
            case "consistency":
                guard words.count == 3 else { throw fail("expected \"consistency OLD NEW\"") }
                var hashes: [TreeHash] = []
                let (old, new) = (try number(words[1]), try number(words[2]))
                for line in block() { hashes.append(try hash(line)) }
                consistency = Consistency(old: old, new: new, hashes: hashes)
            case "inclusion":
                guard words.count == 4 else { throw fail("expected \"inclusion INDEX SIZE LEAF\"") }
                let (position, size, leaf) = (try number(words[1]), try number(words[2]), try hash(words[3]))
                var hashes: [TreeHash] = []
                for line in block() { hashes.append(try hash(line)) }
                inclusion = Inclusion(index: position, size: size, leaf: leaf, hashes: hashes)
            case "frontier":
                guard words.count == 1 else { throw fail("\"frontier\" takes no value") }
                var hashes: [TreeHash] = []
                for line in block() { hashes.append(try hash(line)) }
                frontier = hashes
            case "entry":
                guard words.count == 3 else { throw fail("expected \"entry POSITION BYTES\"") }
                let position = try number(words[1])
                if let last = entries.last, position != last.position + 1 { throw fail("entries must follow one another") }
                entries.append(ServedEntry(position: position, bytes: try bytes(words[2])))
            default: // commit
                guard words.count == 3 else { throw fail("expected \"commit SIGNED SIGNATURE\"") }
                commit = ServedCommit(signed: try bytes(words[1]), signature: try bytes(words[2]))
            }
        }
    }
}
