import CatalogModel
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The events system: publishing appends to the durable ``EventLog``; each subscriber (and each
/// router) has its own delivery loop reading from its cursor, so a slow or failing subscriber
/// never holds up another.
///
/// Delivery is at-least-once and in order per subscriber: the cursor advances only after
/// `onEvent` returned. A throwing `onEvent` is retried with backoff (``DeliveryPolicy``); after
/// the last attempt the event is parked as a dead letter and the subscriber moves on.
public final class DurableEventsService: EventsService, Service {
    /// Events read per batch from a cursor.
    static let batchSize = 100

    /// The durable log behind this service.
    public let log: any EventLog
    let policy: DeliveryPolicy
    let clock: any DeliveryClock
    let logger: Logger
    /// Where delivery metrics go (``DeliveryMetrics``).
    let metricsFactory: any MetricsFactory
    /// Outcomes of appends and deliveries, for the live tail.
    public let activity = Broadcaster<EventActivity>()

    private let registry = Mutex<Registry>(Registry())

    struct Registry {
        var subscriptions: [String: Subscription] = [:]
        var signals: [String: WakeSignal] = [:]
        var order: [String] = []
        var started: AsyncStream<Subscription>.Continuation?
        var shuttingDown = false
    }

    /// What a subscription does with each event.
    enum Handler: Sendable {
        case subscriber(EventHandler)
        case router(any EventRouter)
    }

    struct Subscription: Sendable {
        var id: String
        var topics: [String]
        var handler: Handler
    }

    /// - Parameters:
    ///   - clock: waits between delivery attempts (tests inject one that does not sleep).
    ///   - pollInterval: how often an idle subscriber looks at the log without a wake-up (covers
    ///     appends made by other processes).
    ///   - metricsFactory: receives delivery attempts, latencies and dead letters per subscriber
    ///     (swift-metrics' global factory by default).
    ///   - instanceID: this instance's name in delivery claims on a shared log (random by default).
    ///   - deliveryLease: how long a claim on a subscriber lasts unrenewed; an instance that dies
    ///     holds its subscribers this long before another takes over.
    public init(log: any EventLog, policy: DeliveryPolicy = DeliveryPolicy(),
                clock: any DeliveryClock = ContinuousDeliveryClock(), logger: Logger,
                pollInterval: Duration = .seconds(1), metricsFactory: any MetricsFactory = MetricsSystem.factory,
                instanceID: String? = nil, deliveryLease: Duration = .seconds(30)) {
        self.log = log
        self.metricsFactory = metricsFactory
        self.policy = policy
        self.clock = clock
        self.logger = logger
        self.pollInterval = pollInterval
        self.instanceID = instanceID ?? "instance-\(UInt64.random(in: 0...UInt64.max))"
        self.deliveryLease = deliveryLease
    }

    let pollInterval: Duration
    /// This instance's name in delivery claims.
    public let instanceID: String
    let deliveryLease: Duration

    // MARK: - EventsService

    public func publish(_ params: EventParams) async throws {
        _ = try await append([NewEvent(topic: params.topic, payload: params.eventPayload.canonicalBytes(),
                                       metadata: params.metadata)])
    }

    /// Appends events (already in their stored form) and wakes the delivery loops.
    public func append(_ events: [NewEvent]) async throws -> [AppendOutcome] {
        let outcomes = try await log.append(events)
        for (event, outcome) in zip(events, outcomes) {
            if case .appended(let id, let position) = outcome {
                activity.send(.appended(eventID: id, topic: event.topic, position: position))
            }
        }
        if outcomes.contains(where: { if case .appended = $0 { return true } else { return false } }) {
            wake()
        }
        return outcomes
    }

    public func subscribe(id: String, topics: [String], onEvent: @escaping EventHandler) async throws {
        try await add(Subscription(id: id, topics: topics, handler: .subscriber(onEvent)))
    }

    /// Registers a router: its republish and cursor advance commit together.
    public func addRouter(_ router: any EventRouter) async throws {
        try await add(Subscription(id: router.subscriberID, topics: router.topics, handler: .router(router)))
    }

    private func add(_ subscription: Subscription) async throws {
        let duplicate = registry.withLock { $0.subscriptions[subscription.id] != nil }
        guard !duplicate else { throw EventsError.duplicateSubscriber(subscription.id) }
        _ = try await log.register(subscriber: subscription.id, topics: subscription.topics)
        let started = registry.withLock { registry -> AsyncStream<Subscription>.Continuation? in
            registry.subscriptions[subscription.id] = subscription
            registry.signals[subscription.id] = WakeSignal()
            registry.order.append(subscription.id)
            return registry.started
        }
        started?.yield(subscription)
    }

    /// Wakes delivery loops (after a pause change, a replay request, or an append elsewhere).
    public func wake() {
        let signals = registry.withLock { Array($0.signals.values) }
        for signal in signals { signal.notify() }
    }

    // MARK: - Service

    public func run() async throws {
        let (newSubscriptions, continuation) = AsyncStream<Subscription>.makeStream()
        let existing = registry.withLock { registry -> [Subscription] in
            registry.started = continuation
            return registry.order.compactMap { registry.subscriptions[$0] }
        }
        for subscription in existing { continuation.yield(subscription) }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await subscription in newSubscriptions {
                    group.addTask { await self.deliveryLoop(subscription) }
                }
            }
        } onGracefulShutdown: {
            self.registry.withLock { $0.shuttingDown = true }
            continuation.finish()
            self.wake()
        }
        activity.finish()
    }

    var isShuttingDown: Bool { registry.withLock { $0.shuttingDown } }

    // MARK: - Delivery

    private func deliveryLoop(_ subscription: Subscription) async {
        guard let signal = registry.withLock({ $0.signals[subscription.id] }) else { return }
        var logger = self.logger
        logger[metadataKey: "subscriber.id"] = "\(subscription.id)"
        let metrics = DeliveryMetrics(subscriber: subscription.id, factory: metricsFactory)
        while !Task.isCancelled, !isShuttingDown {
            do {
                let worked = try await deliverOnce(subscription, metrics: metrics, logger: logger)
                if worked { continue }
            } catch is CancellationError {
                return
            } catch {
                logger.error("Event delivery loop failed; retrying", metadata: ["error": "\(error)"])
            }
            // Idle: wait for an append, or poll.
            await signal.wait(timeout: pollInterval)
        }
        // Let another instance take over at once.
        try? await log.releaseDelivery(subscriber: subscription.id, owner: instanceID)
    }

    /// One pass: replays, then a batch from the cursor. Returns whether there was work.
    private func deliverOnce(_ subscription: Subscription, metrics: DeliveryMetrics, logger: Logger) async throws
        -> Bool
    {
        guard let state = try await log.subscribers().first(where: { $0.id == subscription.id }) else {
            // Dropped as stale by retention: register again at the tail.
            _ = try await log.register(subscriber: subscription.id, topics: subscription.topics)
            return true
        }
        if state.paused { return false }
        // Another instance delivers this subscriber's events while it holds the claim.
        guard try await claim(subscription.id) else { return false }
        var worked = false
        for deadLetter in try await log.deadLetters(subscriber: subscription.id, limit: 100)
        where deadLetter.replayRequested {
            if isShuttingDown { return false }
            worked = true
            try await replay(deadLetter, subscription: subscription, metrics: metrics, logger: logger)
        }
        let batch = try await log.read(topics: subscription.topics, after: state.cursor, limit: Self.batchSize)
        guard !batch.isEmpty else { return worked }
        switch subscription.handler {
        case .router(let router):
            try await route(batch, router: router)
            metrics.routed(batch)
        case .subscriber(let onEvent):
            try await deliver(batch, subscriptionID: subscription.id, onEvent: onEvent, metrics: metrics, logger: logger)
        }
        return true
    }

    /// Takes or renews this instance's claim on delivering to `subscriberID`.
    private func claim(_ subscriberID: String) async throws -> Bool {
        try await log.claimDelivery(subscriber: subscriberID, owner: instanceID, for: deliveryLease)
    }

    private func route(_ batch: [StoredEvent], router: any EventRouter) async throws {
        var republished: [NewEvent] = []
        for event in batch {
            let params = try Self.params(of: event)
            let destination = router.determineDestinationTopic(params)
            if let destination {
                republished.append(NewEvent(topic: destination, payload: event.payload, metadata: event.metadata))
            }
            activity.send(.routed(subscriber: router.subscriberID, eventID: event.id, from: event.topic, to: destination))
        }
        try await log.republish(republished, subscriber: router.subscriberID, advancingTo: batch.last!.position)
        if !republished.isEmpty { wake() }
    }

    private func deliver(_ batch: [StoredEvent], subscriptionID: String, onEvent: EventHandler,
                         metrics: DeliveryMetrics, logger: Logger) async throws
    {
        var delivered: Int64?
        for event in batch {
            if isShuttingDown { break }
            let outcome = await attempt(event, subscriptionID: subscriptionID, startingAt: 1, onEvent: onEvent,
                                        metrics: metrics, logger: logger, beforeRetry: {
                // Acknowledge what succeeded before waiting for a retry, and keep the claim.
                if let position = delivered {
                    try await self.log.advance(subscriber: subscriptionID, to: position)
                    delivered = nil
                }
                _ = try await self.claim(subscriptionID)
            })
            switch outcome {
            case .delivered:
                delivered = event.position
            case .failed(let attempts, let error):
                try await log.park(event, subscriber: subscriptionID, attempts: attempts, error: error)
                metrics.parked()
                delivered = nil
                activity.send(.deadLettered(subscriber: subscriptionID, eventID: event.id, topic: event.topic,
                                            attempts: attempts, error: error))
                logger.warning("Event parked as a dead letter", metadata: [
                    "event.id": "\(event.id)", "event.topic": "\(event.topic)", "delivery.attempts": "\(attempts)",
                    "error": "\(error)",
                ])
            case .cancelled:
                if let position = delivered { try await log.advance(subscriber: subscriptionID, to: position) }
                return
            }
        }
        if let position = delivered { try await log.advance(subscriber: subscriptionID, to: position) }
    }

    private func replay(_ deadLetter: DeadLetter, subscription: Subscription, metrics: DeliveryMetrics,
                        logger: Logger) async throws
    {
        guard case .subscriber(let onEvent) = subscription.handler else {
            _ = try await log.deleteDeadLetter(id: deadLetter.id)
            return
        }
        let outcome = await attempt(deadLetter.event, subscriptionID: subscription.id, startingAt: 1,
                                    onEvent: onEvent, isReplay: true, metrics: metrics, logger: logger, beforeRetry: {})
        switch outcome {
        case .delivered:
            _ = try await log.deleteDeadLetter(id: deadLetter.id)
            logger.info("Dead letter replayed", metadata: [
                "event.id": "\(deadLetter.event.id)", "event.topic": "\(deadLetter.event.topic)",
            ])
        case .failed(let attempts, let error):
            try await log.replayFailed(deadLetter: deadLetter.id, attempts: deadLetter.attempts + attempts, error: error)
        case .cancelled:
            return
        }
    }

    enum AttemptOutcome {
        case delivered
        case failed(attempts: Int, error: String)
        case cancelled
    }

    /// Calls `onEvent` until it succeeds or the attempts run out, waiting between attempts.
    private func attempt(_ event: StoredEvent, subscriptionID: String, startingAt first: Int, onEvent: EventHandler,
                         isReplay: Bool = false, metrics: DeliveryMetrics, logger: Logger,
                         beforeRetry: () async throws -> Void) async -> AttemptOutcome
    {
        let params: EventParams
        do {
            params = try Self.params(of: event)
        } catch {
            return .failed(attempts: 1, error: "stored payload is not valid JSON: \(error)")
        }
        var attempt = first
        let context = DeliveryLogContext(eventID: event.id, topic: event.topic, subscriberID: subscriptionID)
        while true {
            let started = ContinuousClock.now
            do {
                try await DeliveryLogContext.$current.withValue(context) { try await onEvent(params) }
                metrics.attempted(event, took: ContinuousClock.now - started, succeeded: true, replay: isReplay)
                activity.send(.delivered(subscriber: subscriptionID, eventID: event.id, topic: event.topic,
                                         attempt: attempt))
                if attempt > 1 { try? await log.recordError(subscriber: subscriptionID, error: nil) }
                return .delivered
            } catch {
                if Task.isCancelled { return .cancelled }
                metrics.attempted(event, took: ContinuousClock.now - started, succeeded: false, replay: isReplay)
                let message = String(describing: error)
                activity.send(.failed(subscriber: subscriptionID, eventID: event.id, topic: event.topic,
                                      attempt: attempt, error: message))
                try? await log.recordError(subscriber: subscriptionID, error: message)
                logger.debug("Delivery failed", metadata: [
                    "event.id": "\(event.id)", "delivery.attempt": "\(attempt)", "error": "\(message)",
                ])
                if attempt >= policy.maxAttempts { return .failed(attempts: attempt, error: message) }
                do {
                    try await beforeRetry()
                    try await clock.sleep(for: policy.backoff(afterAttempt: attempt))
                } catch {
                    return .cancelled
                }
                if isShuttingDown { return .cancelled }
                attempt += 1
            }
        }
    }

    static func params(of event: StoredEvent) throws -> EventParams {
        EventParams(topic: event.topic, eventPayload: try JSONParser.parse(event.payload), metadata: event.metadata)
    }
}

/// Errors of the events system.
public enum EventsError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateSubscriber(String)

    public var description: String {
        switch self {
        case .duplicateSubscriber(let id): return "two subscribers use the id '\(id)'; subscriber ids must be unique"
        }
    }
}
