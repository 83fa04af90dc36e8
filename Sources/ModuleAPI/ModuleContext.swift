import CallboardConfig
import Catalog
import Events
import Logging
import Scheduler
import UrlReader

/// What Callboard gives a module at registration (Backstage's core services and extension points).
public protocol ModuleContext: Sendable {
    /// The whole merged configuration; a module reads its own subtree (`catalog.providers.frobs`,
    /// `events.modules.github`, …).
    var config: ConfigReader { get }
    /// A logger labelled with the module's id.
    var logger: Logger { get }
    /// Publish and subscribe, durable and at least once.
    var events: any EventsService { get }
    /// Reads URLs allowed by `backend.reading.allow`.
    var reader: any UrlReaderService { get }

    /// Adds an entity provider; it is connected when the catalog starts.
    func addEntityProvider(_ provider: any EntityProvider)
    /// Adds a processor that runs on every entity before it is stored.
    func addEntityProcessor(_ processor: any EntityProcessor)
    /// Adds an event router; its cursor and republish are durable.
    func addEventRouter(_ router: any EventRouter) async throws
    /// Opens `POST /api/events/http/{topic}`. When configuration already defines the topic
    /// (`events.http.topics` or `events.modules`), its options stay; `validator` is used only
    /// when the configuration names none.
    func addHttpPostIngress(topic: String, validator: (any RequestValidator)?)
    /// A runner for tasks on `schedule` (Backstage's `scheduler.createScheduledTaskRunner`); its
    /// tasks are listed and triggered through `/api/catalog/.backstage/scheduler/v1/tasks`.
    func taskRunner(schedule: TaskSchedule) -> any TaskRunner
}
