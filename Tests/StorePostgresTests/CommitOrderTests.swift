import CallboardTesting
import Events
import PostgresNIO
@testable import StorePostgres
import Testing

/// SPEC §3.4: positions become visible in commit order, even with concurrent appenders.
@Suite("PostgreSQL event log commit order", .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(1)))
struct CommitOrderTests {
    @Test func aReaderNeverPassesAPositionThatCommitsLater() async throws {
        try await FreshDatabase.withLog { database, log in
            // Appender A takes position 1 and holds its transaction open.
            let first = await HeldAppend(database, payload: "{\"n\":1}")
            // Appender B appends meanwhile: it must not become visible before A.
            let second = Task { try await log.append([NewEvent(topic: "t", payload: Array("{\"n\":2}".utf8))]) }
            let waiting = try await eventually { try await lockWaiters(database) == 1 }
            #expect(waiting, "the second appender waits for the first to commit")
            #expect(try await log.read(topics: ["t"], after: 0, limit: 10).isEmpty)
            #expect(try await log.tail() == 0)

            first.commit()
            let firstOutcomes = try await first.outcomes.value
            let secondOutcomes = try await second.value
            #expect(firstOutcomes.map(\.position) == [1])
            #expect(secondOutcomes.map(\.position) == [2])
            let read = try await log.read(topics: ["t"], after: 0, limit: 10)
            #expect(read.map(\.position) == [1, 2])
            #expect(read.map(\.payload) == [Array("{\"n\":1}".utf8), Array("{\"n\":2}".utf8)])
        }
    }

    @Test func aRolledBackAppendLeavesNoGap() async throws {
        try await FreshDatabase.withLog { database, log in
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await database.transaction { connection in
                    _ = try await PostgresEventLog.insert([NewEvent(topic: "t", payload: Array("{}".utf8))],
                                                          connection, quietLogger)
                    throw Abort()
                }
            }
            let outcomes = try await log.append([NewEvent(topic: "t", payload: Array("{}".utf8))])
            #expect(outcomes.map(\.position) == [1])
        }
    }
}

extension AppendOutcome {
    var position: Int64? {
        if case .appended(_, let position) = self { return position }
        return nil
    }
}
