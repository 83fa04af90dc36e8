import CallboardTesting
import CatalogModel
import Events
import Testing

/// The event log on every backend: appends, idempotency, cursors, retention.
@Suite(.timeLimit(.minutes(1))) struct EventLogTests {
    @Test(arguments: StoreBackend.available)
    func concurrentAppendsGetDistinctIncreasingPositions(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        let outcomes = try await withThrowingTaskGroup(of: [AppendOutcome].self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await events.log.append([NewEvent(topic: "t", payload: Array("{\"n\":\(index)}".utf8))])
                }
            }
            var all: [AppendOutcome] = []
            for try await outcome in group { all += outcome }
            return all
        }
        let positions = outcomes.compactMap { outcome -> Int64? in
            if case .appended(_, let position) = outcome { return position }
            return nil
        }
        #expect(Set(positions).count == 200)
        #expect(positions.max() == 200)
        #expect(try await events.log.tail() == 200)
        let read = try await events.log.read(topics: ["t"], after: 0, limit: 1000)
        #expect(read.map(\.position) == Array(1...200))
    }

    @Test(arguments: StoreBackend.available)
    func rawPayloadBytesAreKeptExactly(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        let raw = Array(#"{"version": 5.0, "name": "caf\u00e9 ☕", "b": 1}"#.utf8)
        _ = try await events.log.append([NewEvent(topic: "t", payload: raw, metadata: ["x-github-event": "push"])])
        let stored = try #require(try await events.log.read(topics: ["t"], after: 0, limit: 1).first)
        #expect(stored.payload == raw)
        #expect(stored.metadata == ["x-github-event": "push"])
    }

    @Test(arguments: StoreBackend.available)
    func aRepeatedIdempotencyKeyIsADuplicateOfTheFirstEvent(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        let first = try await events.log.append([NewEvent(topic: "github", payload: Array("{}".utf8), idempotencyKey: "d-1")])
        let second = try await events.log.append([
            NewEvent(topic: "github", payload: Array("{}".utf8), idempotencyKey: "d-1"),
            NewEvent(topic: "gitlab", payload: Array("{}".utf8), idempotencyKey: "d-1"),
        ])
        guard case .appended(let id, _) = first[0] else {
            Issue.record("first append was not stored")
            return
        }
        #expect(second[0] == .duplicate(id: id))
        if case .appended = second[1] {} else { Issue.record("same key on another topic must be stored") }
        #expect(try await events.log.read(topics: ["github", "gitlab"], after: 0, limit: 10).count == 2)
    }

    @Test(arguments: StoreBackend.available)
    func retentionKeepsUndeliveredEventsAndDeletesPassedOnes(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        _ = try await events.log.register(subscriber: "reader", topics: ["watched"])
        for index in 0..<10 {
            _ = try await events.log.append([
                NewEvent(topic: "watched", payload: Array("{\"n\":\(index)}".utf8)),
                NewEvent(topic: "unwatched", payload: Array("{\"n\":\(index)}".utf8)),
            ])
        }
        try await events.log.advance(subscriber: "reader", to: 10)  // passed the first 5 watched events
        let report = try await events.log.applyRetention(RetentionPolicy(maxAge: .seconds(3600), maxEvents: 5))
        #expect(report.eventsDeleted == 15)
        let left = try await events.log.read(topics: ["watched", "unwatched"], after: 0, limit: 100)
        #expect(left.count == 5)
        #expect(left.allSatisfy { $0.topic == "watched" && $0.position > 10 })
    }

    @Test(arguments: StoreBackend.available)
    func staleSubscribersAreDroppedSoTheyCannotPinTheLog(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        _ = try await events.log.register(subscriber: "gone", topics: ["t"])
        _ = try await events.log.append([NewEvent(topic: "t", payload: Array("{}".utf8))])
        try await Task.sleep(for: .milliseconds(5))  // timestamps have millisecond resolution
        let report = try await events.log.applyRetention(
            RetentionPolicy(maxAge: .zero, maxEvents: 0, staleSubscriberAfter: .zero))
        #expect(report.staleSubscribersDropped == ["gone"])
        #expect(report.eventsDeleted == 1)
    }

    @Test(arguments: StoreBackend.available)
    func registeringAgainKeepsTheCursor(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        _ = try await events.log.append([NewEvent(topic: "t", payload: Array("{}".utf8))])
        let first = try await events.log.register(subscriber: "s", topics: ["t"])
        #expect(first.cursor == 1)
        _ = try await events.log.append([NewEvent(topic: "t", payload: Array("{}".utf8))])
        let again = try await events.log.register(subscriber: "s", topics: ["t", "u"])
        #expect(again.cursor == 1)
        #expect(again.topics == ["t", "u"])
    }
}
