import CatalogModel
import Events
import MetricsTestKit
import Synchronization
import Testing

/// The dispatcher's metrics: attempts by outcome, latency and handler time per delivered event,
/// dead letters, per subscriber.
@Suite struct DeliveryMetricsTests {
    struct Refused: Error {}

    @Test func attemptsLatenciesAndDeadLettersAreCountedPerSubscriber() async throws {
        let metrics = TestMetrics()
        let events = try EventsHarness(policy: DeliveryPolicy(maxAttempts: 2), metrics: metrics)
        defer { events.cleanUp() }
        let inbox = Inbox()
        // "ok" succeeds; "never" always throws; so the second event is parked after 2 attempts.
        try await events.service.subscribe(id: "counted", topics: ["t"]) { event in
            if event.eventPayload["kind"] == "never" { throw Refused() }
            inbox.receive(event)
        }
        try await events.running {
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["kind": "never"]))
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["kind": "ok"]))
            await inbox.waitFor(1)
        }
        let subscriber = [("subscriber", "counted")]
        #expect(try metrics.expectCounter("callboard_event_delivery_attempts_total",
                                          subscriber + [("outcome", "delivered")]).totalValue == 1)
        #expect(try metrics.expectCounter("callboard_event_delivery_attempts_total",
                                          subscriber + [("outcome", "failed")]).totalValue == 2)
        #expect(try metrics.expectCounter("callboard_event_dead_letters_total", subscriber).totalValue == 1)
        #expect(try metrics.expectTimer("callboard_event_handler_duration_seconds", subscriber).values.count == 3)
        let latency = try metrics.expectTimer("callboard_event_delivery_latency_seconds", subscriber).values
        #expect(latency.count == 1)
        #expect(latency.allSatisfy { $0 >= 0 })
    }
}
