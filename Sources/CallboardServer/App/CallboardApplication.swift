import CallboardConfig
import Catalog
import Events
import Foundation
import GitHubIntegration
import Hummingbird
import Locations
import Logging
import ModuleAPI
import NIOCore
import Scheduler
import ServiceLifecycle
import StorePostgres
import StoreSQLite
import Synchronization
import UnixSignals
import UrlReader
import Webhooks

/// A running-ready Callboard: the catalog engine with its providers connected, and the HTTP
/// server. Built by ``buildApplication(configuration:providers:processors:logger:)``.
public final class CallboardApplication: Sendable {
    public let configuration: CallboardConfiguration
    public let engine: CatalogEngine
    /// The durable events system (publish, subscribe, routers).
    public let events: DurableEventsService
    /// Scheduled tasks (providers' full syncs), listed and triggered over HTTP.
    public let scheduler: TaskScheduler
    /// The catalog's locations (`catalog.locations` and registered ones).
    public let locations: LocationService
    public let readiness: Readiness
    let ingressTopics: [String: IngressTopic]
    /// The embedded Frobs simulator's settings (`frobsSimulator`), when it is enabled.
    let frobsSimulator: FrobsSimulatorSettings?
    let logger: Logger
    /// The Prometheus registry behind `GET /metrics`, fed by every part of the server.
    let metrics: CallboardMetrics
    /// Publishes committed catalog changes as events; its start is fixed before providers connect.
    private let changeRelay: CatalogChangeRelay
    /// Services of the configured backend (the PostgreSQL append listener).
    private let extraServices: [any Service]
    /// Closes what the application opened outside the service group (the URL reader's client,
    /// the PostgreSQL pool).
    private let closeResources: @Sendable () async -> Void
    private let boundPort = Mutex<Int?>(nil)
    private let portWaiters = Mutex<[CheckedContinuation<Int, Never>]>([])
    private let serviceGroup = Mutex<ServiceGroup?>(nil)

    init(configuration: CallboardConfiguration, engine: CatalogEngine, events: DurableEventsService,
         scheduler: TaskScheduler, locations: LocationService, ingressTopics: [String: IngressTopic], frobsSimulator: FrobsSimulatorSettings?,
         readiness: Readiness, logger: Logger, metrics: CallboardMetrics = CallboardMetrics(),
         changeRelay: CatalogChangeRelay, extraServices: [any Service] = [],
         closeResources: @escaping @Sendable () async -> Void = {}) {
        self.configuration = configuration
        self.metrics = metrics
        self.changeRelay = changeRelay
        self.extraServices = extraServices
        self.closeResources = closeResources
        self.engine = engine
        self.events = events
        self.scheduler = scheduler
        self.locations = locations
        self.ingressTopics = ingressTopics
        self.frobsSimulator = frobsSimulator
        self.readiness = readiness
        self.logger = logger
    }

    /// Runs until a signal in `signals` arrives (then shuts down gracefully) or the task is cancelled.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(configuration.backend.auth))
        HealthRoutes(readiness: readiness).register(on: router)
        CatalogRoutes(engine: engine, locations: locations).register(on: router)
        LocationsRoutes(locations: locations, store: engine.store).register(on: router)
        SchedulerRoutes(scheduler: scheduler).register(on: router)
        IngressRoutes(topics: ingressTopics, events: events, metrics: metrics).register(on: router)
        MetricsRoute(metrics: metrics, log: events.log, store: engine.store).register(on: router)
        // Finished when shutdown starts, so that SSE streams close at once.
        let shutdownSignal = Broadcaster<Void>()
        CatalogChangesRoute(engine: engine, shutdown: shutdownSignal).register(on: router)
        EventsAdminRoutes(events: events, ingressTopics: ingressTopics.keys.sorted(), shutdown: shutdownSignal)
            .register(on: router)
        // The operator's web UI at `/` and its sign-in cookie.
        UIRoutes().register(on: router)
        AuthCookieRoutes(configuration.backend.auth).register(on: router)
        OpenAPIRoute().register(on: router)
        let listen = configuration.backend.listen
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "Callboard"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? listen.port
                logger.info("Callboard is listening", metadata: [
                    "http.host": "\(listen.host)", "http.port": "\(port)",
                ])
                publish(port: port)
            },
            logger: logger
        )
        let retention = configuration.events.retention
        let retentionPolicy = RetentionPolicy(
            maxAge: retention.maxAge, maxEvents: retention.maxEvents, maxBytes: retention.maxBytes,
            staleSubscriberAfter: retention.staleSubscriberAfter)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: events),
            .init(service: scheduler),
            .init(service: RetentionService(log: events.log, policy: retentionPolicy, logger: logger)),
            .init(service: changeRelay),
            .init(service: MemoryTrimService(), successTerminationBehavior: .ignore),
            .init(service: LocationsStartupRead(locations: locations), successTerminationBehavior: .ignore),
            .init(service: app),
        ] + extraServices.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if let simulator = frobsSimulator {
            // It stops before the server does; if it cannot run, Callboard runs on without it.
            services.append(.init(
                service: EmbeddedFrobsSimulator(settings: simulator, callboardPort: { self.boundPortIfKnown() }, logger: logger),
                successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        }
        services.append(.init(service: ReadinessService(readiness: readiness, logger: logger) { shutdownSignal.finish() }))
        var groupConfiguration = ServiceGroupConfiguration(
            // Shut down in reverse: readiness first, then HTTP drains, then deliveries finish.
            services: services,
            gracefulShutdownSignals: signals,
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = configuration.backend.shutdownGrace
        let group = ServiceGroup(configuration: groupConfiguration)
        serviceGroup.withLock { $0 = group }
        do {
            try await group.run()
        } catch {
            await closeResources()
            throw error
        }
        await closeResources()
    }

    /// Starts a graceful shutdown, as SIGTERM does; ``run(signals:)`` returns once it is done.
    public func shutdown() async {
        await serviceGroup.withLock({ $0 })?.triggerGracefulShutdown()
    }

    /// The port the server listens on, or nil before it does.
    func boundPortIfKnown() -> Int? {
        boundPort.withLock { $0 }
    }

    /// The port the server listens on, once it does (useful with port 0).
    public func port() async -> Int {
        if let port = boundPort.withLock({ $0 }) { return port }
        return await withCheckedContinuation { continuation in
            let port = boundPort.withLock { bound -> Int? in
                if let bound { return bound }
                portWaiters.withLock { $0.append(continuation) }
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    private func publish(port: Int) {
        let waiters = boundPort.withLock { bound -> [CheckedContinuation<Int, Never>] in
            bound = port
            return portWaiters.withLock { waiters in
                defer { waiters.removeAll() }
                return waiters
            }
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }
}

/// Why Callboard cannot start; the message is one clear line for the operator.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The one composition root: opens the stores the configuration names, builds the events system,
/// the URL reader and the catalog engine, registers `modules` (by default the built-in ones),
/// removes entities of providers no longer configured, and connects the modules' providers and
/// `providers`. `eventLog` and `reader` replace the configured ones (tests inject fakes with them).
public func buildApplication(
    configuration: CallboardConfiguration,
    modules: [any CallboardModule] = BuiltInModules.all,
    providers: [any EntityProvider] = [],
    processors: [any EntityProcessor] = [],
    eventLog: (any EventLog)? = nil,
    reader: (any UrlReaderService)? = nil,
    logger: Logger
) async throws -> CallboardApplication {
    for warning in configuration.warnings {
        logger.warning("Configuration: \(warning)")
    }
    if !configuration.ignoredKeys.isEmpty {
        logger.info("Ignoring Backstage settings that Callboard does not use", metadata: [
            "config.keys": "\(configuration.ignoredKeys.joined(separator: ", "))",
        ])
    }
    // Configuration checks first: nothing is open yet when they fail.
    var ingressTopics = try IngressTopics.build(configuration.events)
    let frobsSimulator = try FrobsSimulatorSettings.read(configuration.root)
    let gitHub: [GitHubIntegrationConfig]
    do {
        gitHub = try GitHubIntegrationConfig.read(configuration.root)
    } catch {
        throw StartupError(error.message)
    }
    let store: any CatalogStore
    // The shared database when `client: pg`; every store of this instance uses it.
    let postgres: PostgresBackend?
    switch configuration.backend.database {
    case .sqlite(.inMemory):
        postgres = nil
        store = try SQLiteCatalogStore(path: nil)
    case .sqlite(.directory(let directory)):
        postgres = nil
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            store = try SQLiteCatalogStore(path: (directory as NSString).appendingPathComponent("catalog.sqlite"))
        } catch {
            throw StartupError("cannot open the catalog database in '\(directory)': \(error)")
        }
        logger.info("Using SQLite", metadata: ["database.directory": "\(directory)"])
    case .postgres(let connection):
        let database = try await PostgresBackend.open(callboard: connection, logger: logger)
        postgres = database
        store = PostgresCatalogStore(database: database)
        logger.info("Using PostgreSQL", metadata: ["database.server": "\(connection)"])
    }
    let log: any EventLog
    if let eventLog {
        log = eventLog
    } else if let postgres {
        log = PostgresEventLog(database: postgres)
    } else if case .sqlite(.directory(let directory)) = configuration.backend.database {
        do {
            log = try SQLiteEventLog(path: (directory as NSString).appendingPathComponent("events.sqlite"))
        } catch {
            throw StartupError("cannot open the event log in '\(directory)': \(error)")
        }
    } else {
        log = try SQLiteEventLog(path: nil)
    }
    let delivery = configuration.events.delivery
    let metrics = CallboardMetrics()
    let events = DurableEventsService(
        log: log,
        policy: DeliveryPolicy(maxAttempts: delivery.maxAttempts, initialBackoff: delivery.initialBackoff,
                               maxBackoff: delivery.maxBackoff),
        logger: logger, metricsFactory: metrics.factory)
    let urlReader: any UrlReaderService
    var closeReader: @Sendable () async -> Void = {}
    if let reader {
        urlReader = gitHub.isEmpty ? reader : GitHubUrlReader(clients: gitHub.map { GitHubClient(integration: $0) }, fallback: reader)
    } else {
        let httpReader = HTTPUrlReader(allowList: ReadingAllowList(rules: configuration.backend.reading.allow.map {
            ReadingAllowRule(host: $0.host, ports: $0.ports, paths: $0.paths)
        }))
        // GitHub URLs of configured integrations go through GitHub's API with the token.
        urlReader = gitHub.isEmpty ? httpReader
            : GitHubUrlReader(clients: gitHub.map { GitHubClient(integration: $0) }, fallback: httpReader)
        closeReader = { try? await httpReader.shutdown() }
    }
    let closeResources: @Sendable () async -> Void = { [postgres, closeReader] in
        await closeReader()
        await postgres?.close()
    }
    let sourceAnnotator = GitHubUrlReader(clients: gitHub.map { GitHubClient(integration: $0) }, fallback: urlReader).annotator
    // From here on, a failure closes the URL reader's HTTP client before it propagates.
    let scheduler: TaskScheduler
    let engine: CatalogEngine
    let locations: LocationService
    let changeRelay: CatalogChangeRelay
    do {
        let taskStore: any TaskStore
        switch configuration.backend.database {
        case .sqlite(.directory(let directory)):
            do {
                taskStore = try SQLiteTaskStore(path: (directory as NSString).appendingPathComponent("scheduler.sqlite"))
            } catch {
                throw StartupError("cannot open the scheduler database in '\(directory)': \(error)")
            }
        case .postgres:
            taskStore = try postgres.map(PostgresTaskStore.init(database:)) ?? SQLiteTaskStore(path: nil)
        case .sqlite(.inMemory):
            taskStore = try SQLiteTaskStore(path: nil)
        }
        scheduler = TaskScheduler(store: taskStore, pluginID: "catalog", logger: logger,
                                  metricsFactory: metrics.factory)
        // Modules register their routers, providers, topics and tasks before the catalog starts
        // and before ingress opens.
        let registry = ModuleRegistry(config: configuration.root, events: events, reader: urlReader, scheduler: scheduler)
        try await registry.register(modules, logger: logger)
        registry.mergeIngress(into: &ingressTopics)
        if !configuration.backend.auth.isEnabled {
            logger.warning("backend.auth.externalAccess is not configured: admin and write routes are open to anyone who can reach this server")
        }
        engine = CatalogEngine(store: store, processors: registry.processors + processors, logger: logger,
                               metricsFactory: metrics.factory)
        locations = LocationService.make(
            configuration: configuration.catalog, store: store, reader: urlReader, annotate: sourceAnnotator,
            engine: engine, logger: logger)
        let allProviders = registry.providers + providers + (try await locations.load())
        changeRelay = CatalogChangeRelay(
            engine: engine, events: events, logger: logger,
            start: try await CatalogChangeRelay.startPosition(engine: engine, events: events))
        try await engine.start(providers: allProviders)
        try await locations.schedule(every: configuration.catalog.locationRefresh, on: scheduler)
        // One line that tells an operator what this server does.
        let tasks = (try? await scheduler.tasks().map(\.taskId)) ?? []
        logger.info("Callboard configured", metadata: [
            "database": "\(configuration.backend.database.summary)",
            "topics": "\(ingressTopics.keys.sorted().joined(separator: ", "))",
            "modules": "\(modules.map(\.moduleID).joined(separator: ", "))",
            "providers": "\(allProviders.map(\.name).joined(separator: ", "))",
            "tasks": "\(tasks.joined(separator: ", "))",
            "auth": "\(configuration.backend.auth.isEnabled ? "bearer tokens" : "open")",
        ])
    } catch {
        await closeResources()
        throw error
    }
    // On a shared database, a commit on any instance wakes this instance's delivery loops (an
    // append) and its change relay and feeds (a catalog mutation).
    var extraServices: [any Service] = []
    if let log = log as? PostgresEventLog {
        extraServices.append(PostgresNotificationListener(appendsTo: log) { events.wake() })
    }
    if let store = store as? PostgresCatalogStore {
        extraServices.append(PostgresNotificationListener(changesTo: store) { [engine] in
            engine.changesCommittedElsewhere()
        })
    }
    return CallboardApplication(configuration: configuration, engine: engine, events: events,
                                scheduler: scheduler, locations: locations, ingressTopics: ingressTopics, frobsSimulator: frobsSimulator,
                                readiness: Readiness(), logger: logger, metrics: metrics, changeRelay: changeRelay,
                                extraServices: extraServices,
                                closeResources: closeResources)
}

extension CallboardConfiguration.Database {
    /// Where the data lives, for the startup summary; never a credential.
    var summary: String {
        switch self {
        case .sqlite(.inMemory): return "sqlite in memory"
        case .sqlite(.directory(let directory)): return "sqlite in \(directory)"
        case .postgres(let connection): return "postgres at \(connection)"
        }
    }
}
