import CallboardConfig
import Events
import ModuleAPI
import Scheduler

/// The Frobs example as a module: for each environment under `catalog.providers.frobs`
/// (`production: { url, eventUrl, schedule? }`) a ``FrobsProvider`` named `frobs-<env>` with its
/// scheduled full sync, plus the ``FrobsEventRouter`` and the `frobs` ingress topic.
public struct FrobsModule: CallboardModule {
    public let moduleID = "catalog-frobs"

    /// The full-sync schedule when an environment names none: every 30 minutes, 3 minutes timeout.
    public static let defaultSchedule = TaskSchedule(frequency: .every(.seconds(30 * 60)), timeout: .seconds(180))

    public init() {}

    public func register(in context: any ModuleContext) async throws {
        let settings = context.config.child("catalog").child("providers").child("frobs")
        guard !settings.isNull else { return }
        let environments = try settings.asMembers().sorted { $0.key < $1.key }
        guard !environments.isEmpty else { return }
        try await context.addEventRouter(FrobsEventRouter())
        context.addHttpPostIngress(topic: "frobs", validator: nil)
        for (environment, entry) in environments {
            _ = try entry.asObject()
            try entry.expectOnly(["url", "eventUrl", "schedule"])
            let endpoints = FrobsEndpoints(url: try entry.string("url"), eventUrl: try entry.string("eventUrl"))
            let schedule = try entry.optionalSchedule("schedule").map { try TaskSchedule(configuration: $0, at: entry.keyPath("schedule")) }
                ?? Self.defaultSchedule
            var logger = context.logger
            logger[metadataKey: "provider"] = "frobs-\(environment)"
            context.addEntityProvider(FrobsProvider(
                environment: environment, endpoints: endpoints, reader: context.reader,
                taskRunner: context.taskRunner(schedule: schedule), events: context.events, logger: logger))
            context.logger.info("Frobs provider configured", metadata: [
                "provider": "frobs-\(environment)", "schedule": "\(schedule.frequency.cadence)",
            ])
        }
    }
}
