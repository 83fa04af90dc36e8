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
        let events = try await EventsHarness(policy: DeliveryPolicy(maxAttempts: 2), metrics: metrics)
        defer { events.cleanUp() }
        let inbox = Inbox()
        let refusing = Atomic<Bool>(true)
        // "never" is refused until the test says otherwise, so it is parked after 2 attempts.
        try await events.service.subscribe(id: "counted", topics: ["t"]) { event in
            if event.eventPayload["kind"] == "never" && refusing.load(ordering: .relaxed) { throw Refused() }
            inbox.receive(event)
        }
        let subscriber = [("subscriber", "counted")]
        let attempts = "callboard_event_delivery_attempts_total"
        let latency = "callboard_event_delivery_latency_seconds"
        try await events.running {
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["kind": "never"]))
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["kind": "ok"]))
            await inbox.waitFor(1)
            #expect(try metrics.expectCounter("callboard_event_dead_letters_total", subscriber).totalValue == 1)
            #expect(try metrics.expectCounter(attempts, subscriber + [("outcome", "failed")]).totalValue == 2)

            // A replayed dead letter counts as an attempt, not in the append-to-delivery latency.
            refusing.store(false, ordering: .relaxed)
            _ = try await events.log.requestReplay(deadLetter: nil, subscriber: "counted")
            events.service.wake()
            await inbox.waitFor(2)
        }
        #expect(try metrics.expectCounter(attempts, subscriber + [("outcome", "delivered")]).totalValue == 2)
        #expect(try metrics.expectCounter(attempts, subscriber + [("outcome", "failed")]).totalValue == 2)
        #expect(try metrics.expectTimer("callboard_event_handler_duration_seconds", subscriber).values.count == 4)
        let latencies = try metrics.expectTimer(latency, subscriber).values
        #expect(latencies.count == 1)
        #expect(latencies.allSatisfy { $0 >= 0 })
    }
}
