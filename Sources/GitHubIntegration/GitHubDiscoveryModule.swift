import CallboardConfig
import Locations
import ModuleAPI
import UrlReader

/// GitHub discovery as a module: one ``GitHubDiscoveryProvider`` per entry of
/// `catalog.providers.github`, each with its scheduled full sync and its subscription to the
/// routed GitHub events. The integration (`integrations.github`) for the entry's host gives the
/// token and the API.
public struct GitHubDiscoveryModule: CallboardModule {
    public let moduleID = "catalog-github-discovery"

    public init() {}

    public func register(in context: any ModuleContext) async throws {
        let configs = try GitHubDiscoveryConfig.read(context.config.child("catalog").child("providers").child("github"))
        guard !configs.isEmpty else { return }
        let integrations = try GitHubIntegrationConfig.read(context.config)
        for config in configs {
            let integration = integrations.first { $0.host == config.host } ?? GitHubIntegrationConfig(host: config.host, token: nil)
            let client = GitHubClient(integration: integration)
            // Files are read through the server's reader, which sends GitHub URLs of configured
            // integrations through the API; a host without an integration is read anonymously.
            let reader = integrations.contains { $0.host == config.host }
                ? context.reader : GitHubUrlReader(clients: [client], fallback: context.reader)
            let annotator = GitHubUrlReader(clients: [client], fallback: context.reader).annotator
            var logger = context.logger
            logger[metadataKey: "provider"] = "github-provider:\(config.id)"
            context.addEntityProvider(GitHubDiscoveryProvider(
                config: config, client: client,
                reader: LocationTreeReader(fetcher: LocationFetcher(reader: reader), annotate: annotator),
                taskRunner: context.taskRunner(schedule: config.schedule), events: context.events, logger: logger))
            context.logger.info("GitHub discovery configured", metadata: [
                "provider": "github-provider:\(config.id)", "organization": "\(config.organization)",
                "host": "\(config.host)", "schedule": "\(config.schedule.frequency.cadence)",
            ])
        }
    }
}
