import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A fake Frobs service (the guide's fictional upstream) that also sends its webhooks to
/// Callboard, for the demo and the tests. It speaks to Callboard only over HTTP.
///
/// Run it either as a swift-service-lifecycle `Service` (``run()``, inside the caller's
/// `ServiceGroup`), or with ``start()`` / ``shutdown()``:
///
/// ```swift
/// let simulator = try FrobsSimulator(configuration: .init(port: 0, ingressURL: ingress), logger: logger)
/// let port = try await simulator.start()
/// // … GET http://127.0.0.1:\(port)/envs/production/data …
/// await simulator.shutdown()
/// ```
///
/// An instance runs once.
public final class FrobsSimulator: Service, Sendable {
    /// The configuration it was made with.
    public let configuration: FrobsSimulatorConfiguration
    private let logger: Logger
    private let upstream: FrobsUpstream
    private let demo: DemoDriver
    private let boundPort = PortPromise()
    private struct Lifecycle {
        var started = false
        var shutdownRequested = false
        var group: ServiceGroup?
        var background: Task<Void, any Error>?
    }
    private let lifecycle = Mutex(Lifecycle())

    /// Checks the configuration and loads the initial sources (without webhooks).
    /// - Throws: ``FrobsSimulatorError/invalidConfiguration(_:)`` for an invalid source id, a
    ///   duplicate initial source or an ingress URL that is not `http(s)://`.
    public init(configuration: FrobsSimulatorConfiguration, logger: Logger) throws {
        var seen = Set<String>()
        for source in configuration.initialSources {
            guard FrobSource.isValidID(source.id) else {
                throw FrobsSimulatorError.invalidConfiguration("initial source id '\(source.id)' is invalid")
            }
            guard seen.insert(source.id).inserted else {
                throw FrobsSimulatorError.invalidConfiguration("initial source '\(source.id)' appears twice")
            }
        }
        var sender: WebhookSender?
        if let url = configuration.ingressURL {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw FrobsSimulatorError.invalidConfiguration("ingress URL must start with http:// or https://")
            }
            let signer = configuration.signingSecret.map {
                WebhookSigner(secret: $0, header: configuration.signatureHeader, prefix: configuration.signaturePrefix)
            }
            sender = WebhookSender(url: url, signer: signer, deliveryIdHeader: configuration.deliveryIdHeader,
                                   retry: configuration.webhookRetry, timeout: configuration.webhookTimeout, logger: logger)
        }
        self.configuration = configuration
        self.logger = logger
        self.upstream = FrobsUpstream(initialSources: configuration.initialSources, webhooks: sender)
        self.demo = DemoDriver(upstream: upstream, seed: configuration.seed, troubleEvery: configuration.troubleEvery,
                               logger: logger)
    }

    /// Serves HTTP (and runs the demo loop when ``FrobsSimulatorConfiguration/demoInterval`` is
    /// set) until graceful shutdown, cancellation or ``shutdown()``.
    public func run() async throws {
        let alreadyStarted = lifecycle.withLock { state in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { throw FrobsSimulatorError.alreadyStarted }

        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        DataRoutes(upstream: upstream).register(on: router)
        SourceRoutes(upstream: upstream, maxRequestBytes: configuration.maxRequestBytes).register(on: router)
        OperatorRoutes(upstream: upstream, demo: demo, maxRequestBytes: configuration.maxRequestBytes).register(on: router)
        let host = configuration.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "FrobsSimulator"),
            onServerRunning: { [logger, boundPort, configuration] channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("Frobs simulator listening on http://\(host):\(port)", metadata: [
                    "frobs.webhooks": "\(configuration.ingressURL ?? "off")",
                    "frobs.demo": "\(configuration.demoInterval.map { "every \($0)" } ?? "off")",
                ])
                boundPort.fulfil(port)
            },
            logger: logger
        )
        // Shut down in reverse: stop retrying webhooks first, then the demo, then drain HTTP.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app)]
        if let interval = configuration.demoInterval {
            services.append(.init(service: DemoLoop(driver: demo, interval: interval)))
        }
        services.append(.init(service: ShutdownHook { [upstream] in upstream.webhooks?.stop() }))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger))
        let stopAtOnce = lifecycle.withLock { state in
            state.group = group
            return state.shutdownRequested
        }
        if stopAtOnce { await group.triggerGracefulShutdown() }
        do {
            try await group.run()
        } catch {
            boundPort.fail(error)
            upstream.webhooks?.stop()
            throw error
        }
        boundPort.fail(FrobsSimulatorError.stopped)
        upstream.webhooks?.stop()
    }

    /// Runs ``run()`` in the background and returns the bound port once the server listens.
    public func start() async throws -> Int {
        let task = Task { try await self.run() }
        lifecycle.withLock { $0.background = task }
        return try await boundPort.value()
    }

    /// The port the server listens on, once it does (useful with port 0).
    public func port() async throws -> Int {
        try await boundPort.value()
    }

    /// Stops gracefully: no new webhook retries, the demo loop ends, in-flight requests finish.
    /// After ``start()``, returns once everything has stopped. When the simulator runs inside
    /// your own `ServiceGroup`, stop the group instead: a service that returns on its own ends a
    /// `ServiceGroup` by default.
    public func shutdown() async {
        let (group, background) = lifecycle.withLock { state in
            state.shutdownRequested = true
            return (state.group, state.background)
        }
        await group?.triggerGracefulShutdown()
        if let background {
            do {
                try await background.value
            } catch {
                logger.warning("Frobs simulator stopped with an error: \(error)")
            }
        }
    }

    /// Runs one demo step now (whether or not the demo loop is on) and returns what it did.
    public func demoStep() async -> DemoStep {
        await demo.step()
    }

    /// Creates or replaces a source, as `PUT /sources/{id}` does.
    public func putSource(_ id: String, frobs: [Frob], notify: Bool = true) async throws -> SourceChange {
        guard FrobSource.isValidID(id) else { throw FrobsSimulatorError.invalidSourceID(id) }
        return await upstream.put(id, frobs: frobs, notify: notify)
    }

    /// Deletes a live source, as `DELETE /sources/{id}` does.
    public func deleteSource(_ id: String, notify: Bool = true) async throws -> SourceChange {
        switch await upstream.delete(id, notify: notify) {
        case .deleted(let change): return change
        case .unknown, .alreadyDeleted: throw FrobsSimulatorError.unknownSource(id)
        }
    }
}

/// Why the simulator refused or stopped.
public enum FrobsSimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration cannot be used.
    case invalidConfiguration(String)
    /// ``FrobsSimulator/run()`` was called on an instance that already ran.
    case alreadyStarted
    /// The server stopped before it listened.
    case stopped
    /// A source id outside `[A-Za-z0-9._-]{1,64}`.
    case invalidSourceID(String)
    /// No live source has this id.
    case unknownSource(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): "Frobs simulator configuration: \(message)"
        case .alreadyStarted: "this Frobs simulator has already been started"
        case .stopped: "the Frobs simulator stopped before it listened"
        case .invalidSourceID(let id): "invalid Frobs source id '\(id)'"
        case .unknownSource(let id): "no live Frobs source '\(id)'"
        }
    }
}
