import ArgumentParser

@main
struct ChainLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chainledger", abstract: "ChainLedger")
}
