import CallboardTesting
import Events
import PostgresNIO
@testable import StorePostgres
import Testing

/// SPEC §3.4: positions become visible in commit order, even with concurrent appenders.
@Suite("PostgreSQL event log commit order", .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(1)))
struct CommitOrderTests {
    @Test func aReaderNeverPassesAPositionThatCommitsLater() async throws {
        let fresh = try await FreshDatabase()
        let database = try await fresh.open()
        let log = PostgresEventLog(database: database)
        let positionTaken = Gate()
        let commit = Gate()
        // Appender A takes position 1 and holds its transaction open.
        let first = Task {
            try await database.transaction { connection in
                let outcomes = try await PostgresEventLog.insert(
                    [NewEvent(topic: "t", payload: Array("{\"n\":1}".utf8))], connection, quietLogger)
                positionTaken.open()
                await commit.wait()
                return outcomes
            }
        }
        await positionTaken.wait()
        // Appender B appends meanwhile: it must not become visible before A.
        let second = Task { try await log.append([NewEvent(topic: "t", payload: Array("{\"n\":2}".utf8))]) }
        let waiting = try await eventually {
            try await database.rows("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'
                """).first?.decode(Int64.self) == 1
        }
        #expect(waiting, "the second appender waits for the first to commit")
        #expect(try await log.read(topics: ["t"], after: 0, limit: 10).isEmpty)
        #expect(try await log.tail() == 0)

        commit.open()
        let firstOutcomes = try await first.value
        let secondOutcomes = try await second.value
        #expect(firstOutcomes.map(\.position) == [1])
        #expect(secondOutcomes.map(\.position) == [2])
        let read = try await log.read(topics: ["t"], after: 0, limit: 10)
        #expect(read.map(\.position) == [1, 2])
        #expect(read.map(\.payload) == [Array("{\"n\":1}".utf8), Array("{\"n\":2}".utf8)])
        await database.close()
        await fresh.cleanUp()
    }

    @Test func aRolledBackAppendLeavesNoGap() async throws {
        let fresh = try await FreshDatabase()
        let database = try await fresh.open()
        let log = PostgresEventLog(database: database)
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await database.transaction { connection in
                _ = try await PostgresEventLog.insert([NewEvent(topic: "t", payload: Array("{}".utf8))], connection,
                                                      quietLogger)
                throw Abort()
            }
        }
        let outcomes = try await log.append([NewEvent(topic: "t", payload: Array("{}".utf8))])
        #expect(outcomes.map(\.position) == [1])
        await database.close()
        await fresh.cleanUp()
    }
}

extension AppendOutcome {
    var position: Int64? {
        if case .appended(_, let position) = self { return position }
        return nil
    }
}
