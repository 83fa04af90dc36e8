import CallboardTesting
import Events
@testable import StorePostgres
import Testing

/// Group commit on a real server (issue 5): many concurrent appends through one instance, and
/// through two instances on one database, get distinct, contiguous positions in commit order,
/// and every acknowledged event is stored exactly once.
@Suite("PostgreSQL group commit", .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(2)))
struct GroupCommitTests {
    /// Appends `count` one-event requests concurrently, named `prefix-<n>`; returns what each
    /// acknowledged event's id was given: its name and position.
    static func appendConcurrently(_ log: PostgresEventLog, prefix: String, count: Int) async throws
        -> [String: (name: String, position: Int64)]
    {
        try await withThrowingTaskGroup(of: (String, AppendOutcome).self) { group in
            for index in 0..<count {
                let name = "\(prefix)-\(index)"
                group.addTask {
                    let outcomes = try await log.append([NewEvent(topic: "t", payload: Array(name.utf8))])
                    return (name, try #require(outcomes.first))
                }
            }
            var stored: [String: (name: String, position: Int64)] = [:]
            for try await (name, outcome) in group {
                guard case .appended(let id, let position) = outcome else {
                    Issue.record("\(name) was not appended: \(outcome)")
                    continue
                }
                stored[id] = (name, position)
            }
            return stored
        }
    }

    /// Reads the whole log and checks that it holds exactly `acknowledged`, at positions 1…count.
    static func expectLogHolds(_ acknowledged: [String: (name: String, position: Int64)], _ log: PostgresEventLog)
        async throws
    {
        let read = try await log.read(topics: ["t"], after: 0, limit: 10_000)
        #expect(read.map(\.position) == Array(1...Int64(acknowledged.count)))
        #expect(Set(acknowledged.values.map(\.position)).count == acknowledged.count)
        for event in read {
            let expected = acknowledged[event.id]
            #expect(expected?.position == event.position, "event \(event.id)")
            #expect(expected?.name == String(decoding: event.payload, as: UTF8.self), "event \(event.id)")
        }
        #expect(try await log.tail() == Int64(acknowledged.count))
    }

    @Test func fiveHundredConcurrentAppendsGetContiguousPositions() async throws {
        try await FreshDatabase.withLog { _, log in
            let acknowledged = try await Self.appendConcurrently(log, prefix: "e", count: 500)
            #expect(acknowledged.count == 500)
            try await Self.expectLogHolds(acknowledged, log)
        }
    }

    @Test func twoInstancesAppendingTogetherKeepPositionsContiguousAndInCommitOrder() async throws {
        let fresh = try await FreshDatabase()
        let first = try await fresh.open()
        let second = try await fresh.open()
        let logs = [PostgresEventLog(database: first), PostgresEventLog(database: second)]
        let total = 600
        // A reader polling meanwhile must never see a gap: a position that commits after a
        // higher one would be passed for good (SPEC §3.4).
        let reader = Task {
            var cursor: Int64 = 0
            var gaps = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while cursor < Int64(total), ContinuousClock.now < deadline {
                for event in try await logs[0].read(topics: ["t"], after: cursor, limit: 1_000) {
                    if event.position != cursor + 1 { gaps += 1 }
                    cursor = event.position
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            return gaps
        }
        async let fromFirst = Self.appendConcurrently(logs[0], prefix: "a", count: total / 2)
        async let fromSecond = Self.appendConcurrently(logs[1], prefix: "b", count: total / 2)
        let (firstAcknowledged, secondAcknowledged) = try await (fromFirst, fromSecond)
        let acknowledged = firstAcknowledged.merging(secondAcknowledged) { old, _ in old }
        #expect(acknowledged.count == total)
        #expect(try await reader.value == 0, "a reader saw positions out of commit order")
        try await Self.expectLogHolds(acknowledged, logs[1])
        await first.close()
        await second.close()
        await fresh.cleanUp()
    }

    @Test func keyedAndMultiEventAppendsInterleaveWithTheBatches() async throws {
        try await FreshDatabase.withLog { _, log in
            let outcomes = try await withThrowingTaskGroup(of: [AppendOutcome].self) { group in
                for index in 0..<100 {
                    group.addTask {
                        switch index % 3 {
                        case 0: try await log.append([NewEvent(topic: "t", payload: Array("k\(index)".utf8),
                                                               idempotencyKey: "key-\(index % 6)")])
                        case 1: try await log.append([NewEvent(topic: "t", payload: Array("m\(index)a".utf8)),
                                                      NewEvent(topic: "t", payload: Array("m\(index)b".utf8))])
                        default: try await log.append([NewEvent(topic: "t", payload: Array("s\(index)".utf8))])
                        }
                    }
                }
                var all: [[AppendOutcome]] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            // Two keys (key-0 and key-3) on the 34 keyed requests: two stored, 32 duplicates.
            let appended = outcomes.flatMap { $0 }.compactMap(\.position)
            #expect(appended.count == 2 + 33 * 2 + 33)
            #expect(appended.sorted() == Array(1...Int64(appended.count)))
            for request in outcomes where request.count == 2 {
                let positions = request.compactMap(\.position)
                #expect(positions.count == 2 && positions[1] == positions[0] + 1, "a request's events are contiguous")
            }
            #expect(try await log.read(topics: ["t"], after: 0, limit: 1_000).map(\.position)
                    == Array(1...Int64(appended.count)))
        }
    }

    @Test func aQueuedAppendCancelledWhileTheHeadIsLockedIsNotStored() async throws {
        try await FreshDatabase.withLog { database, log in
            let held = await HeldAppend(database, payload: "held")
            // The first batch waits for the lock; the next requests queue behind it.
            let inFlight = Task { try await log.append([NewEvent(topic: "t", payload: Array("in-flight".utf8))]) }
            #expect(try await eventually {
                let waiters = try await lockWaiters(database)
                return log.committer.queued == 0 && waiters == 1
            })
            let cancelled = Task { try await log.append([NewEvent(topic: "t", payload: Array("cancelled".utf8))]) }
            #expect(try await eventually { log.committer.queued == 1 })
            let kept = Task { try await log.append([NewEvent(topic: "t", payload: Array("kept".utf8))]) }
            #expect(try await eventually { log.committer.queued == 2 })
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }

            held.commit()
            #expect(try await held.outcomes.value.compactMap(\.position) == [1])
            #expect(try await inFlight.value.compactMap(\.position) == [2])
            #expect(try await kept.value.compactMap(\.position) == [3])
            let read = try await log.read(topics: ["t"], after: 0, limit: 10)
            #expect(read.map { String(decoding: $0.payload, as: UTF8.self) } == ["held", "in-flight", "kept"])
        }
    }
}
