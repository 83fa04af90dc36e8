import Metrics
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One subscriber's delivery metrics (swift-metrics; the backend is whatever factory the
/// application passes, Prometheus in Callboard's server). Made once per delivery loop.
///
/// - `callboard_event_delivery_attempts_total{subscriber, outcome}`: each call of the handler
///   (or each routed event), `outcome` = `delivered` or `failed`;
/// - `callboard_event_delivery_latency_seconds{subscriber}`: from the event's append to its
///   successful delivery (includes retries and time spent queued behind earlier events; a
///   replayed dead letter is not measured, its age is the operator's, not the pipeline's);
/// - `callboard_event_handler_duration_seconds{subscriber}`: how long one handler call took;
/// - `callboard_event_dead_letters_total{subscriber}`: deliveries parked as dead letters.
struct DeliveryMetrics: Sendable {
    private let delivered: Counter
    private let failed: Counter
    private let latency: CoreMetrics.Timer
    private let handler: CoreMetrics.Timer
    private let deadLettered: Counter

    init(subscriber: String, factory: any MetricsFactory) {
        let dimensions = [("subscriber", subscriber)]
        delivered = Counter(label: "callboard_event_delivery_attempts_total",
                            dimensions: dimensions + [("outcome", "delivered")], factory: factory)
        failed = Counter(label: "callboard_event_delivery_attempts_total",
                         dimensions: dimensions + [("outcome", "failed")], factory: factory)
        latency = CoreMetrics.Timer(label: "callboard_event_delivery_latency_seconds", dimensions: dimensions, factory: factory)
        handler = CoreMetrics.Timer(label: "callboard_event_handler_duration_seconds", dimensions: dimensions, factory: factory)
        deadLettered = Counter(label: "callboard_event_dead_letters_total", dimensions: dimensions, factory: factory)
    }

    /// One handler call that returned after `duration`; on success (not of a replay), the
    /// event's end-to-end latency.
    func attempted(_ event: StoredEvent, took duration: Duration, succeeded: Bool, replay: Bool) {
        handler.record(duration: duration)
        if succeeded {
            delivered.increment()
            if !replay { recordLatency(of: event) }
        } else {
            failed.increment()
        }
    }

    /// Events a router passed on (republished or dropped) in one commit.
    func routed(_ events: [StoredEvent]) {
        delivered.increment(by: events.count)
        for event in events { recordLatency(of: event) }
    }

    func parked() {
        deadLettered.increment()
    }

    private func recordLatency(of event: StoredEvent) {
        guard let appended = Self.instant(event.receivedAt) else { return }
        latency.recordSeconds(max(0, Date().timeIntervalSince(appended)))
    }

    /// Parses the log's ISO-8601 time (`2026-01-02T03:04:05.678Z`); nil when it is not one.
    static func instant(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }
}
