import Catalog
import CoreMetrics
import Events
import Prometheus
import Synchronization

/// Callboard's Prometheus metrics, on a registry of its own (no global bootstrap, so several
/// servers in one process, as in tests, each keep their own).
///
/// Counted as they happen (swift-metrics through `PrometheusMetricsFactory`):
/// - `callboard_events_received_total{topic, outcome}`: webhooks by outcome (`accepted`,
///   `duplicate`, `rejected`, `too_large`, `unsupported_media_type`, `bad_request`,
///   `rate_limited`, `unavailable`);
/// - `callboard_event_append_duration_seconds{topic}`: time from a validated webhook to its
///   durable commit (the wait for the group commit's fsync);
/// - `callboard_http_request_duration_seconds{route, method, status}`: every route's latency
///   (``RequestMetricsMiddleware``).
///
/// The events system, the catalog engine and the scheduler record their own families through
/// ``factory`` (delivery attempts and latency, dead letters, mutation durations, entities
/// written, task runs): see `DeliveryMetrics`, `MutationMetrics` and `TaskRunMetrics`.
///
/// Read at each scrape, from the stores:
/// - `callboard_subscriber_lag{subscriber}`, `callboard_subscriber_dead_letters{subscriber}`,
///   `callboard_subscriber_paused{subscriber}`;
/// - `callboard_topic_stored_events{topic}`;
/// - `callboard_catalog_entities{kind}`.
final class CallboardMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The swift-metrics factory over ``registry``, handed to the events system, the catalog
    /// engine and the scheduler.
    let factory: PrometheusMetricsFactory
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let requestTimers = Mutex<[String: CoreMetrics.Timer]>([:])

    init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Counts one webhook by topic and outcome.
    func received(topic: String, outcome: String) {
        let key = "\(topic)\u{0}\(outcome)"
        let counter = counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let made = CoreMetrics.Counter(
                label: "callboard_events_received_total", dimensions: [("topic", topic), ("outcome", outcome)],
                factory: factory)
            counters[key] = made
            return made
        }
        counter.increment()
    }

    /// Records how long a durable append took.
    func appended(topic: String, after duration: Duration) {
        let timer = timers.withLock { timers in
            if let existing = timers[topic] { return existing }
            let made = CoreMetrics.Timer(
                label: "callboard_event_append_duration_seconds", dimensions: [("topic", topic)], factory: factory)
            timers[topic] = made
            return made
        }
        timer.record(duration: duration)
    }

    /// Records one HTTP request's latency by route pattern, method and status.
    func requestHandled(route: String, method: String, status: Int, after duration: Duration) {
        let key = "\(route)\u{0}\(method)\u{0}\(status)"
        let timer = requestTimers.withLock { timers in
            if let existing = timers[key] { return existing }
            let made = CoreMetrics.Timer(
                label: "callboard_http_request_duration_seconds",
                dimensions: [("route", route), ("method", method), ("status", "\(status)")], factory: factory)
            timers[key] = made
            return made
        }
        timer.record(duration: duration)
    }

    /// Reads the current gauges from the event log and the catalog, then renders everything in
    /// Prometheus' text format.
    func scrape(log: any EventLog, store: any CatalogStore) async throws -> String {
        let deadLetters = try await log.deadLetterCounts()
        for subscriber in try await log.subscribers() {
            let dimensions = [("subscriber", subscriber.id)]
            gauge("callboard_subscriber_lag", dimensions).record(try await log.lag(subscriber: subscriber.id))
            gauge("callboard_subscriber_dead_letters", dimensions).record(deadLetters[subscriber.id] ?? 0)
            gauge("callboard_subscriber_paused", dimensions).record(subscriber.paused ? 1 : 0)
        }
        for topic in try await log.topicStatistics() {
            gauge("callboard_topic_stored_events", [("topic", topic.topic)]).record(topic.storedEvents)
        }
        for kind in try await store.facets(["kind"], filter: EntityFilter())["kind"] ?? [] {
            gauge("callboard_catalog_entities", [("kind", kind.value.lowercased())]).record(kind.count)
        }
        return registry.emitToString()
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }
}
