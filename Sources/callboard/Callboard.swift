import ArgumentParser

/// `callboard`: the catalog server and its tools.
@main
struct Callboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callboard",
        abstract: "A software catalog server with event-driven entity providers.",
        subcommands: [
            Serve.self, Validate.self, ConfigCommand.self, EventsCommand.self, CatalogCommand.self,
            FrobsSimulatorCommand.self,
        ],
        defaultSubcommand: Serve.self
    )
}
