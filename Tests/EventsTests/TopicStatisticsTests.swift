import CallboardTesting
import Events
import Foundation
import GRDB
@testable import StoreSQLite
import Synchronization
import Testing

/// The per-topic figures of `GET /api/events/topics` and `/metrics`: stored events, the last
/// position and time, and the last minute's count; kept right through appends, duplicates and
/// retention, and (SQLite) from a log written before the counters existed.
@Suite(.timeLimit(.minutes(1))) struct TopicStatisticsTests {
    static func figures(_ log: any EventLog) async throws -> [String] {
        try await log.topicStatistics().map {
            "\($0.topic) stored=\($0.storedEvents) last=\($0.lastPosition ?? -1) minute=\($0.lastMinute) at=\($0.lastReceivedAt != nil)"
        }
    }

    static func append(_ log: any EventLog, _ topic: String, _ count: Int, key: String? = nil) async throws {
        for index in 0..<count {
            _ = try await log.append([NewEvent(topic: topic, payload: Array("{\"n\":\(index)}".utf8), idempotencyKey: key)])
        }
    }

    @Test(arguments: StoreBackend.available)
    func countsFollowAppendsDuplicatesAndRetention(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        #expect(try await Self.figures(events.log) == [])
        try await Self.append(events.log, "b", 3)
        try await Self.append(events.log, "a", 2)
        try await Self.append(events.log, "a", 4, key: "same")  // one new event, three duplicates
        #expect(try await Self.figures(events.log) == [
            "a stored=3 last=6 minute=3 at=true",
            "b stored=3 last=3 minute=3 at=true",
        ])
        // Nobody subscribes, so retention may drop the oldest: keep 2 of the 6.
        let report = try await events.log.applyRetention(RetentionPolicy(maxAge: .seconds(3600), maxEvents: 2))
        #expect(report.eventsDeleted == 4)
        #expect(try await Self.figures(events.log) == ["a stored=2 last=6 minute=2 at=true"])
    }

    @Test(arguments: StoreBackend.available)
    func eventsOlderThanAMinuteAreNotInTheLastMinute(backend: StoreBackend) async throws {
        let events = try await EventsHarness(backend)
        defer { events.cleanUp() }
        try await Self.append(events.log, "t", 5)
        try await events.backdate(positions: 1...3, by: 120)
        #expect(try await Self.figures(events.log) == ["t stored=5 last=5 minute=2 at=true"])
        try await events.backdate(positions: 4...5, by: 120)
        #expect(try await Self.figures(events.log) == ["t stored=5 last=5 minute=0 at=true"])
    }

    @Test func aLogWrittenBeforeTheCountersGetsThem() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-v1-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("events.sqlite").path
        do {
            let log = try SQLiteEventLog(path: path)
            try await Self.append(log, "x", 4)
            try await Self.append(log, "y", 1)
            // Back to the layout of `v1-events`, and forget that `v2` ran.
            try await log.writer.write { db in
                try db.execute(sql: """
                    DROP TRIGGER events_counted_in; DROP TRIGGER events_counted_out; DROP TABLE topic_counters;
                    DELETE FROM grdb_migrations WHERE identifier = 'v2-topic-counters';
                    """)
            }
        }
        let log = try SQLiteEventLog(path: path)
        #expect(try await Self.figures(log) == ["x stored=4 last=4 minute=4 at=true", "y stored=1 last=5 minute=1 at=true"])
        try await Self.append(log, "y", 1)
        let bytes = try await log.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.topic, c.bytes = (SELECT sum(size) FROM events e WHERE e.topic = c.topic) FROM topic_counters c ORDER BY 1
                """).map { "\($0[0] as String) \($0[1] as Bool)" }
        }
        #expect(bytes == ["x true", "y true"])
        #expect(try await Self.figures(log).last == "y stored=2 last=6 minute=2 at=true")
    }

    /// The boundary search against a scan, over logs with gaps and equal timestamps.
    @Test(arguments: [[0, 0, 1, 2, 2, 2, 5], [3, 3, 3], [1], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]])
    func firstRecentPositionMatchesAScan(seconds: [Int]) async throws {
        let log = try SQLiteEventLog(path: nil)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        try await log.writer.write { db in
            for (index, offset) in seconds.enumerated() {
                // Every other position is left out, as retention leaves gaps.
                try db.execute(sql: """
                    INSERT INTO events (position, id, topic, payload, metadata, received_at, size)
                    VALUES (?, ?, 't', x'', '{}', ?, 0)
                    """, arguments: [index * 2 + 1, "e\(index)", SQLiteDatabase.timestamp(base.addingTimeInterval(Double(offset)))])
            }
        }
        for threshold in -1...(seconds.max()! + 1) {
            let timestamp = SQLiteDatabase.timestamp(base.addingTimeInterval(Double(threshold)))
            let expected = seconds.firstIndex { $0 >= threshold }.map { Int64($0 * 2 + 1) }
            let found = try await log.writer.read { db in try SQLiteEventLog.firstPosition(receivedAtOrAfter: timestamp, db: db) }
            // The search may land on the gap before the first recent position; both count the same.
            if let expected {
                let position = try #require(found)
                #expect(position <= expected && position > expected - 2, "threshold \(threshold)")
            } else {
                #expect(found == nil, "threshold \(threshold)")
            }
        }
    }

    /// The boundary search reads by key only: no statement it runs scans `events` (a scan is what
    /// made the topics view slow as the log grew).
    @Test func firstRecentPositionScansNothing() async throws {
        let log = try SQLiteEventLog(path: nil)
        try await Self.append(log, "t", 20)
        let plans = try await log.writer.read { db in
            let statements = Mutex<[String]>([])
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { statements.withLock { $0.append(statement.sql) } }
            }
            _ = try SQLiteEventLog.firstPosition(receivedAtOrAfter: SQLiteDatabase.timestamp(), db: db)
            db.trace(options: [])
            return try statements.withLock { $0 }.map { sql in
                let parameters = StatementArguments(Array(repeating: nil as Int64?, count: sql.filter { $0 == "?" }.count))
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: parameters)
                    .map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        #expect(!plans.isEmpty)
        for plan in plans { #expect(!plan.contains("SCAN events"), "\(plan)") }
    }
}
