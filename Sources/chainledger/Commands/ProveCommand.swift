import ArgumentParser
import LedgerCore

struct ProveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Produce RFC 9162 Merkle proofs.",
        subcommands: [Inclusion.self, Consistency.self])

    struct Inclusion: ProofCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that the entry at a position is in the tree of a given size.",
            discussion: "Prints index, size, leafHash, root and proof (base64 hashes, from the leaf up).")

        @OptionGroup var options: ProofOptions

        @Option(help: ArgumentHelp("The entry's position (leaf index).", valueName: "P"))
        var position: UInt64

        @Option(help: ArgumentHelp("Tree size (default: the whole log).", valueName: "N"))
        var size: UInt64?

        func proof(from builder: ProofBuilder) async throws -> PrintedProof {
            PrintedProof(try await builder.inclusion(index: position, size: size))
        }
    }

    struct Consistency: ProofCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that an older tree is a prefix of a newer one.",
            discussion: "Prints old, new, oldRoot, newRoot and proof (base64 hashes).")

        @OptionGroup var options: ProofOptions

        @Option(help: ArgumentHelp("The older tree size.", valueName: "M"))
        var old: UInt64

        @Option(help: ArgumentHelp("The newer tree size (default: the whole log).", valueName: "N"))
        var new: UInt64?

        func proof(from builder: ProofBuilder) async throws -> PrintedProof {
            PrintedProof(try await builder.consistency(old: old, new: new))
        }
    }
}

/// The options both proofs take: the ledger they are built from and the form they are printed in.
struct ProofOptions: ParsableArguments {
    @OptionGroup var ledgerOptions: LedgerOptions

    @Flag(help: "Print JSON.")
    var json = false
}

/// What the two proofs share: building one from the ledger, and printing it as one JSON object or
/// as a heading followed by its hashes, one a line.
protocol ProofCommand: AsyncParsableCommand {
    var options: ProofOptions { get }
    func proof(from builder: ProofBuilder) async throws -> PrintedProof
}

/// A proof ready to print: its sizes or positions and its roots (the JSON members before the
/// proof itself), the heading of its text form, and its hashes.
struct PrintedProof {
    var numbers: [(name: String, value: UInt64)]
    var roots: [(name: String, hash: TreeHash)]
    var heading: String
    var hashes: [TreeHash]

    init(_ proof: InclusionProof) {
        numbers = [("index", proof.index), ("size", proof.size)]
        roots = [("leafHash", proof.leafHash), ("root", proof.root)]
        heading = "entry \(proof.index) in tree \(proof.size) (root \(proof.root.base64))"
        hashes = proof.hashes
    }

    init(_ proof: ConsistencyProof) {
        numbers = [("old", proof.oldSize), ("new", proof.newSize)]
        roots = [("oldRoot", proof.oldRoot), ("newRoot", proof.newRoot)]
        heading = "tree \(proof.oldSize) → \(proof.newSize) (\(proof.oldRoot.base64) → \(proof.newRoot.base64))"
        hashes = proof.hashes
    }

    var json: String {
        var line = JSONLine()
        for (name, value) in numbers { line.number(name, value) }
        for (name, hash) in roots { line.string(name, hash.base64) }
        line.strings("proof", hashes.map(\.base64))
        return line.text
    }

    var text: String {
        heading + ":\n" + hashes.map(\.base64).joined(separator: "\n")
    }
}

extension ProofCommand {
    func run() async throws {
        let proof = try await proof(from: ProofBuilder(store: try await options.ledgerOptions.openStore()))
        Terminal.print(options.json ? proof.json : proof.text)
    }
}
