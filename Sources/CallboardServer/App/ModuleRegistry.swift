import CallboardConfig
import Catalog
import Events
import Logging
import ModuleAPI
import Scheduler
import Synchronization
import UrlReader
import Webhooks

/// The server's side of ``ModuleContext``: collects what modules register during startup, for
/// the composition root to wire before the catalog starts and the server opens.
final class ModuleRegistry: Sendable {
    /// One ingress topic a module asked for.
    struct IngressRequestEntry: Sendable {
        var topic: String
        var validator: (any RequestValidator)?
    }

    private struct Contributions: Sendable {
        var providers: [any EntityProvider] = []
        var processors: [any EntityProcessor] = []
        var ingress: [IngressRequestEntry] = []
    }

    let config: ConfigReader
    let events: DurableEventsService
    let reader: any UrlReaderService
    let scheduler: TaskScheduler
    private let contributions = Mutex(Contributions())

    init(config: ConfigReader, events: DurableEventsService, reader: any UrlReaderService, scheduler: TaskScheduler) {
        self.config = config
        self.events = events
        self.reader = reader
        self.scheduler = scheduler
    }

    /// Registers each module in order; a failure names the module.
    func register(_ modules: [any CallboardModule], logger: Logger) async throws {
        for module in modules {
            var moduleLogger = logger
            moduleLogger[metadataKey: "module"] = "\(module.moduleID)"
            let context = Context(registry: self, logger: moduleLogger)
            do {
                try await module.register(in: context)
            } catch let error as StartupError {
                throw error
            } catch {
                throw StartupError("module \(module.moduleID) could not start: \(error)")
            }
        }
    }

    var providers: [any EntityProvider] { contributions.withLock { $0.providers } }
    var processors: [any EntityProcessor] { contributions.withLock { $0.processors } }

    /// Adds the modules' ingress topics to `topics`: a configured topic keeps its options and
    /// takes the module's validator only when it has none.
    func mergeIngress(into topics: inout [String: IngressTopic]) {
        for entry in contributions.withLock({ $0.ingress }) {
            if var existing = topics[entry.topic] {
                if existing.validator == nil { existing.validator = entry.validator }
                topics[entry.topic] = existing
            } else {
                topics[entry.topic] = IngressTopic(name: entry.topic, validator: entry.validator)
            }
        }
    }

    fileprivate func add(provider: any EntityProvider) { contributions.withLock { $0.providers.append(provider) } }
    fileprivate func add(processor: any EntityProcessor) { contributions.withLock { $0.processors.append(processor) } }
    fileprivate func add(ingress: IngressRequestEntry) { contributions.withLock { $0.ingress.append(ingress) } }

    /// The context one module sees: the shared registry with the module's own logger.
    private struct Context: ModuleContext {
        let registry: ModuleRegistry
        let logger: Logger
        var config: ConfigReader { registry.config }
        var events: any EventsService { registry.events }
        var reader: any UrlReaderService { registry.reader }

        func addEntityProvider(_ provider: any EntityProvider) { registry.add(provider: provider) }
        func addEntityProcessor(_ processor: any EntityProcessor) { registry.add(processor: processor) }
        func addEventRouter(_ router: any EventRouter) async throws { try await registry.events.addRouter(router) }
        func addHttpPostIngress(topic: String, validator: (any RequestValidator)?) {
            registry.add(ingress: IngressRequestEntry(topic: topic, validator: validator))
        }
        func taskRunner(schedule: TaskSchedule) -> any TaskRunner {
            registry.scheduler.createScheduledTaskRunner(schedule)
        }
    }
}
