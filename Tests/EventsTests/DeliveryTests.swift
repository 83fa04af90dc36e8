import CallboardTesting
import CatalogModel
import Events
import Synchronization
import Testing

/// SPEC §3.4: at-least-once, in order, retries, dead letters, replay, routers.
@Suite struct DeliveryTests {
    struct Flaky: Error, CustomStringConvertible {
        var description: String { "upstream unavailable" }
    }

    @Test(arguments: StoreBackend.available)
    func aSubscriberGetsPublishedEventsInOrder(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        let inbox = Inbox()
        try await events.service.subscribe(id: "s1", topics: ["frobs"]) { inbox.receive($0) }
        try await events.running {
            for index in 0..<25 {
                try await events.service.publish(EventParams(topic: "frobs", eventPayload: ["n": .int(Int64(index))],
                                                             metadata: ["x-source": "test"]))
            }
            await inbox.waitFor(25)
        }
        #expect(inbox.events.map { $0.eventPayload["n"] } == (0..<25).map { JSONValue.int(Int64($0)) })
        #expect(inbox.events.first?.metadata == ["x-source": "test"])
        let state = try #require(try await events.log.subscribers().first)
        #expect(state.cursor == 25)
    }

    @Test(arguments: StoreBackend.available)
    func aNewSubscriberStartsAtTheTail(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        try await events.service.publish(EventParams(topic: "t", eventPayload: ["old": true]))
        let inbox = Inbox()
        try await events.service.subscribe(id: "late", topics: ["t"]) { inbox.receive($0) }
        try await events.running {
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["new": true]))
            await inbox.waitFor(1)
        }
        #expect(inbox.events.map(\.eventPayload) == [["new": true]])
    }

    @Test(arguments: StoreBackend.available)
    func aSubscriberThatThrowsTwiceGetsTheEventOnAttemptThree(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend, policy: DeliveryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(200)))
        defer { events.cleanUp() }
        let attempts = Atomic<Int>(0)
        let inbox = Inbox()
        try await events.service.subscribe(id: "flaky", topics: ["t"]) { event in
            if attempts.add(1, ordering: .relaxed).newValue < 3 { throw Flaky() }
            inbox.receive(event)
        }
        try await events.running {
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["id": "42"]))
            await inbox.waitFor(1)
        }
        #expect(attempts.load(ordering: .relaxed) == 3)
        let sleeps = events.clock.sleeps.withLock { $0 }
        #expect(sleeps.count == 2)
        // Backoff doubles (with jitter in [0.5, 1]): the second wait is at least the first's floor.
        #expect(sleeps.allSatisfy { $0 >= .milliseconds(100) && $0 <= .milliseconds(400) })
        #expect(try await events.log.deadLetters(subscriber: nil, limit: 10).isEmpty)
    }

    @Test(arguments: StoreBackend.available)
    func aSubscriberThatAlwaysThrowsYieldsADeadLetterThatAReplayDelivers(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend, policy: DeliveryPolicy(maxAttempts: 3))
        defer { events.cleanUp() }
        let fixed = Atomic<Bool>(false)
        let inbox = Inbox()
        try await events.service.subscribe(id: "broken", topics: ["t"]) { event in
            guard fixed.load(ordering: .relaxed) else { throw Flaky() }
            inbox.receive(event)
        }
        let after = Inbox()
        try await events.service.subscribe(id: "healthy", topics: ["t"]) { after.receive($0) }
        try await events.running {
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["n": 1]))
            try await events.service.publish(EventParams(topic: "t", eventPayload: ["n": 2]))
            await after.waitFor(2)
            // Wait until both events are parked (the subscriber moved on).
            while try await events.log.deadLetters(subscriber: "broken", limit: 10).count < 2 {
                try await Task.sleep(for: .milliseconds(10))
            }
            let parked = try await events.log.deadLetters(subscriber: "broken", limit: 10)
            #expect(parked.map(\.attempts) == [3, 3])
            #expect(parked.first?.lastError == "upstream unavailable")
            #expect(inbox.events.isEmpty)
            fixed.store(true, ordering: .relaxed)
            #expect(try await events.log.requestReplay(deadLetter: nil, subscriber: "broken") == 2)
            events.service.wake()
            await inbox.waitFor(2)
            while try await !events.log.deadLetters(subscriber: "broken", limit: 10).isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(inbox.events.map { $0.eventPayload["n"] } == [1, 2])
        #expect(after.events.count == 2)
    }

    @Test(arguments: StoreBackend.available)
    func aSlowSubscriberDoesNotHoldUpAnother(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        let (gate, open) = AsyncStream<Void>.makeStream()
        let slow = Inbox()
        try await events.service.subscribe(id: "slow", topics: ["t"]) { event in
            for await _ in gate { break }
            slow.receive(event)
        }
        let fast = Inbox()
        try await events.service.subscribe(id: "fast", topics: ["t"]) { fast.receive($0) }
        try await events.running {
            for index in 0..<10 {
                try await events.service.publish(EventParams(topic: "t", eventPayload: ["n": .int(Int64(index))]))
            }
            await fast.waitFor(10)
            #expect(slow.events.isEmpty)
            for _ in 0..<10 { open.yield() }
            await slow.waitFor(10)
        }
        #expect(slow.events.count == 10)
    }

    struct TypeRouter: SubTopicEventRouter {
        let subscriberID = "FrobsEventRouter"
        let topic = "frobs"
        func determineSubTopic(_ params: EventParams) -> String? { params.eventPayload["type"]?.stringValue }
    }

    @Test(arguments: StoreBackend.available)
    func aSubTopicRouterRepublishesWithMetadataAndDropsWhenNil(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        let added = Inbox()
        try await events.service.addRouter(TypeRouter())
        try await events.service.subscribe(id: "provider", topics: ["frobs.add", "frobs.delete"]) { added.receive($0) }
        try await events.running {
            try await events.service.publish(EventParams(topic: "frobs", eventPayload: ["type": "add", "id": "42"],
                                                         metadata: ["x-delivery": "d1"]))
            try await events.service.publish(EventParams(topic: "frobs", eventPayload: ["no-type": true]))
            try await events.service.publish(EventParams(topic: "frobs", eventPayload: ["type": "delete", "id": "42"]))
            await added.waitFor(2)
        }
        #expect(added.events.map(\.topic) == ["frobs.add", "frobs.delete"])
        #expect(added.events.first?.metadata == ["x-delivery": "d1"])
        #expect(added.events.first?.eventPayload == ["type": "add", "id": "42"])
    }

    @Test(arguments: StoreBackend.available)
    func pausedSubscribersKeepTheirCursorAndCatchUpOnResume(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        let inbox = Inbox()
        try await events.service.subscribe(id: "p", topics: ["t"]) { inbox.receive($0) }
        #expect(try await events.log.setPaused(subscriber: "p", paused: true))
        try await events.running {
            for index in 0..<3 {
                try await events.service.publish(EventParams(topic: "t", eventPayload: ["n": .int(Int64(index))]))
            }
            try await Task.sleep(for: .milliseconds(150))
            #expect(inbox.events.isEmpty)
            #expect(try await events.log.deadLetters(subscriber: "p", limit: 10).isEmpty)
            _ = try await events.log.setPaused(subscriber: "p", paused: false)
            events.service.wake()
            await inbox.waitFor(3)
        }
        #expect(inbox.events.count == 3)
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = DeliveryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(200), maxBackoff: .seconds(1))
        #expect(policy.backoff(afterAttempt: 1, jitter: 1) == .milliseconds(200))
        #expect(policy.backoff(afterAttempt: 2, jitter: 1) == .milliseconds(400))
        #expect(policy.backoff(afterAttempt: 3, jitter: 1) == .milliseconds(800))
        #expect(policy.backoff(afterAttempt: 4, jitter: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 40, jitter: 1) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 2, jitter: 0.5) == .milliseconds(200))
    }
}
