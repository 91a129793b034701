import ArgumentParser
import LedgerCore

struct ProveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Produce RFC 9162 Merkle proofs.",
        subcommands: [Inclusion.self, Consistency.self])

    struct Inclusion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that the entry at a position is in the tree of a given size.",
            discussion: "Prints index, size, leafHash, root and proof (base64 hashes, from the leaf up).")

        @OptionGroup var ledgerOptions: LedgerOptions

        @Option(help: ArgumentHelp("The entry's position (leaf index).", valueName: "P"))
        var position: UInt64

        @Option(help: ArgumentHelp("Tree size (default: the whole log).", valueName: "N"))
        var size: UInt64?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await Terminal.run {
                let store: any LedgerStore = try await ledgerOptions.openStore()
                let proof = try await ProofBuilder(store: store).inclusion(index: position, size: size)
                var line = JSONLine()
                line.number("index", proof.index)
                line.number("size", proof.size)
                line.string("leafHash", proof.leafHash.base64)
                line.string("root", proof.root.base64)
                line.strings("proof", proof.hashes.map(\.base64))
                Terminal.print(json ? line.text : "entry \(proof.index) in tree \(proof.size) (root \(proof.root.base64)):\n" + proof.hashes.map(\.base64).joined(separator: "\n"))
            }
        }
    }

    struct Consistency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that an older tree is a prefix of a newer one.",
            discussion: "Prints old, new, oldRoot, newRoot and proof (base64 hashes).")

        @OptionGroup var ledgerOptions: LedgerOptions

        @Option(help: ArgumentHelp("The older tree size.", valueName: "M"))
        var old: UInt64

        @Option(help: ArgumentHelp("The newer tree size (default: the whole log).", valueName: "N"))
        var new: UInt64?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await Terminal.run {
                let store: any LedgerStore = try await ledgerOptions.openStore()
                let proof = try await ProofBuilder(store: store).consistency(old: old, new: new)
                var line = JSONLine()
                line.number("old", proof.oldSize)
                line.number("new", proof.newSize)
                line.string("oldRoot", proof.oldRoot.base64)
                line.string("newRoot", proof.newRoot.base64)
                line.strings("proof", proof.hashes.map(\.base64))
                Terminal.print(json ? line.text : "tree \(proof.oldSize) → \(proof.newSize) (\(proof.oldRoot.base64) → \(proof.newRoot.base64)):\n" + proof.hashes.map(\.base64).joined(separator: "\n"))
            }
        }
    }
}
