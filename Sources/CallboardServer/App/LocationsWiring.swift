import CallboardConfig
import Catalog
import Locations
import Logging
import Scheduler
import ServiceLifecycle
import UrlReader

/// The id of the scheduled task that reads every location again (`catalog.locationRefresh`).
let locationRefreshTaskID = "catalog-locations-refresh"

extension LocationService {
    /// The locations of `configuration`, read through `reader`, applied through `engine`, with
    /// registered ones kept in `store` when it can keep them.
    static func make(configuration: CallboardConfiguration.Catalog, store: any CatalogStore, reader: any UrlReaderService,
                     annotate: @escaping SourceAnnotator, engine: CatalogEngine, logger: Logger) -> LocationService {
        let configured = configuration.locations.map { location in
            CatalogLocation.configured(kind: location.kind == .file ? .file : .url, target: location.target,
                                       allowedKinds: location.allowedKinds)
        }
        return LocationService(
            configured: configured, store: store as? any LocationStore,
            reader: LocationTreeReader(fetcher: LocationFetcher(reader: reader), annotate: annotate),
            readonly: configuration.readonly, logger: logger
        ) { [engine] name in engine.connection(for: name) }
    }

    /// Schedules the periodic read of every location on `scheduler` (a global task, so one
    /// instance of a cluster does it). The first run comes one period after the first start:
    /// ``LocationsStartupRead`` reads them when the server starts.
    func schedule(every period: Duration, on scheduler: TaskScheduler) async throws {
        let schedule = TaskSchedule(frequency: .every(period), timeout: .seconds(15 * 60), initialDelay: period)
        try await scheduler.register(id: locationRefreshTaskID, schedule: schedule) { [self] in
            await readAll()
        }
    }
}

/// Reads every location once when the server starts, so that a location added to the
/// configuration (or registered on another instance) is read without waiting for the schedule.
struct LocationsStartupRead: Service {
    let locations: LocationService

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await locations.readAll()
        }
    }
}
