import CallboardTesting
import CatalogModel
import Events
import Logging
import ServiceLifecycle
import StorePostgres
import Testing

/// Several instances on one PostgreSQL event log (SPEC §8): one instance at a time delivers a
/// subscriber's events, in order; a dead instance's subscribers are taken over and what it did
/// not acknowledge is redelivered; an append anywhere wakes the dispatchers everywhere.
@Suite("Delivery across instances", .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(1)))
struct SharedLogDeliveryTests {
    @Test func twoInstancesDeliverEachEventOnceInOrder() async throws {
        let first = try await EventsHarness(.postgres, instanceID: "first")
        defer { first.cleanUp() }
        let second = EventsHarness(sharing: first, instanceID: "second")
        let inboxes = [Inbox(), Inbox()]
        for (harness, inbox) in zip([first, second], inboxes) {
            try await harness.service.subscribe(id: "s", topics: ["t"]) { inbox.receive($0) }
        }
        try await running([first.service, second.service]) {
            for index in 0..<30 {
                try await first.service.publish(EventParams(topic: "t", eventPayload: ["n": .int(Int64(index))]))
            }
            #expect(try await eventually { try await first.log.subscribers().first?.cursor == 30 })
        }
        let delivered = inboxes.map { $0.events.map { $0.eventPayload["n"] } }
        // One instance held the subscriber throughout: each event once, in order.
        #expect(delivered.contains([]))
        #expect(delivered.flatMap { $0 } == (0..<30).map { JSONValue.int(Int64($0)) })
    }

    @Test func aDeadInstancesSubscriberIsTakenOverAndUnacknowledgedEventsRedelivered() async throws {
        let survivor = try await EventsHarness(.postgres, instanceID: "survivor")
        defer { survivor.cleanUp() }
        _ = try await survivor.log.register(subscriber: "s", topics: ["t"])
        // An instance took the subscriber, was handed three events and died before acknowledging.
        #expect(try await survivor.log.claimDelivery(subscriber: "s", owner: "dead", for: .seconds(1)))
        for index in 0..<3 {
            try await survivor.service.publish(EventParams(topic: "t", eventPayload: ["n": .int(Int64(index))]))
        }
        let inbox = Inbox()
        try await survivor.service.subscribe(id: "s", topics: ["t"]) { inbox.receive($0) }
        try await survivor.running { () async throws in
            await inbox.waitFor(3)
            let acknowledged = try await eventually { try await survivor.log.subscribers().first?.cursor == 3 }
            #expect(acknowledged)
        }
        #expect(inbox.events.map { $0.eventPayload["n"] } == (0..<3).map { JSONValue.int(Int64($0)) })
    }

    @Test func anInstanceShuttingDownHandsItsSubscribersOverAtOnce() async throws {
        // Leases last an hour: only the release at shutdown lets the second instance in.
        let first = try await EventsHarness(.postgres, instanceID: "first", deliveryLease: .seconds(3600))
        defer { first.cleanUp() }
        let second = EventsHarness(sharing: first, instanceID: "second", deliveryLease: .seconds(3600))
        let firstInbox = Inbox()
        let secondInbox = Inbox()
        try await first.service.subscribe(id: "s", topics: ["t"]) { firstInbox.receive($0) }
        try await second.service.subscribe(id: "s", topics: ["t"]) { secondInbox.receive($0) }
        try await first.running { () async throws in
            try await first.service.publish(EventParams(topic: "t", eventPayload: ["n": 1]))
            await firstInbox.waitFor(1)
            let acknowledged = try await eventually { try await first.log.subscribers().first?.cursor == 1 }
            #expect(acknowledged)
        }
        try await second.running {
            try await second.service.publish(EventParams(topic: "t", eventPayload: ["n": 2]))
            await secondInbox.waitFor(1)
        }
        #expect(firstInbox.events.map(\.eventPayload) == [["n": 1]])
        #expect(secondInbox.events.map(\.eventPayload) == [["n": 2]])
    }

    /// The consumer polls once an hour, so it gets the events through the listener's wake-ups
    /// (or, for an event appended before its read, that read). `AppendNotificationTests` shows
    /// the notification itself crossing instances.
    @Test func anAppendOnOneInstanceReachesASubscriberOnAnother() async throws {
        let publisher = try await EventsHarness(.postgres, instanceID: "publisher")
        defer { publisher.cleanUp() }
        // The consumer polls once an hour: only the notification can wake it in time.
        let consumer = EventsHarness(sharing: publisher, pollInterval: .seconds(3600), instanceID: "consumer")
        let log = try #require(publisher.log as? PostgresEventLog)
        let inbox = Inbox()
        try await consumer.service.subscribe(id: "s", topics: ["t"]) { inbox.receive($0) }
        let consumerService = consumer.service
        let listener = PostgresNotificationListener(appendsTo: log) { consumerService.wake() }
        try await running([consumer.service, listener]) {
            for index in 1...3 {
                try await publisher.service.publish(EventParams(topic: "t", eventPayload: ["n": .int(Int64(index))]))
                await inbox.waitFor(index)
            }
        }
        #expect(inbox.events.map { $0.eventPayload["n"] } == (1...3).map { JSONValue.int(Int64($0)) })
    }

    /// Runs `services` while `body` runs, then shuts them down gracefully.
    func running(_ services: [any Service], _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let serviceGroup = ServiceGroup(services: services, logger: EventsHarness.quietLogger)
            group.addTask { try await serviceGroup.run() }
            let result: Result<Void, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
            try result.get()
        }
    }
}
