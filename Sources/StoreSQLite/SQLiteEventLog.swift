import CatalogModel
import Events
import Foundation
import GRDB

/// The durable event log on SQLite: its own database file, WAL with `synchronous=FULL` so that an
/// acknowledged append survives `kill -9` and power loss, and group commit so that many
/// concurrent appends share one flush.
public final class SQLiteEventLog: EventLog {
    let writer: any DatabaseWriter
    private let committer: GroupCommitter
    /// Checkpoints the WAL off the commit path; kept as long as `writer`, whose hook points to it.
    private let checkpointer: WALCheckpointer?

    /// Opens (creating if needed) the event log at `path`, or an in-memory one for `nil`.
    public init(path: String?) throws {
        checkpointer = path.map { WALCheckpointer(path: $0) }
        writer = try SQLiteDatabase.open(
            path: path, pragmas: "PRAGMA synchronous = FULL", migrator: EventLogSchema.migrator(),
            checkpointer: checkpointer)
        committer = GroupCommitter(writer: writer) { db, requests in
            let now = SQLiteDatabase.timestamp()
            return try requests.map { events in try events.map { try Self.insert($0, db: db, now: now) } }
        }
    }

    /// Inserts one event unless its idempotency key was seen on its topic.
    static func insert(_ event: NewEvent, db: Database, now: String) throws -> AppendOutcome {
        if let key = event.idempotencyKey {
            let existing = try String.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM events WHERE topic = ? AND idempotency_key = ?"),
                arguments: [event.topic, key])
            if let existing { return .duplicate(id: existing) }
        }
        let id = TimeOrderedUUID.make()
        let metadata = JSONValue.object(event.metadata.mapValues(JSONValue.string)).canonicalString()
        try db.cachedStatement(sql: """
            INSERT INTO events (id, topic, payload, metadata, idempotency_key, received_at, size)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id, event.topic, Data(event.payload), metadata, event.idempotencyKey, now,
                event.payload.count + metadata.utf8.count,
            ])
        return .appended(id: id, position: db.lastInsertedRowID)
    }

    public func append(_ events: [NewEvent]) async throws -> [AppendOutcome] {
        guard !events.isEmpty else { return [] }
        return try await committer.append(events)
    }

    static let eventColumns = "position, id, topic, payload, metadata, idempotency_key, received_at"

    static func event(from row: Row, offset: Int = 0) -> StoredEvent {
        let payload: Data = row[offset + 3]
        let metadataText: String = row[offset + 4]
        var metadata: [String: String] = [:]
        if case .object(let members)? = try? JSONParser.parse(metadataText) {
            for (key, value) in members { metadata[key] = value.stringValue }
        }
        return StoredEvent(
            id: row[offset + 1], position: row[offset + 0], topic: row[offset + 2], payload: [UInt8](payload),
            metadata: metadata, idempotencyKey: row[offset + 5], receivedAt: row[offset + 6])
    }

    public func read(topics: [String], after position: Int64, limit: Int) async throws -> [StoredEvent] {
        guard !topics.isEmpty else { return [] }
        return try await writer.read { db in
            let placeholders = Array(repeating: "?", count: topics.count).joined(separator: ",")
            var arguments = StatementArguments(topics)
            arguments += [position, limit]
            return try Row.fetchAll(db, sql: """
                SELECT \(Self.eventColumns) FROM events WHERE topic IN (\(placeholders)) AND position > ?
                ORDER BY position LIMIT ?
                """, arguments: arguments).map { Self.event(from: $0) }
        }
    }

    public func tail() async throws -> Int64 {
        try await writer.read { db in try Self.tail(db) }
    }

    static func tail(_ db: Database) throws -> Int64 {
        // The AUTOINCREMENT high-water mark, so the tail never moves back after deletions.
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'")
        return sequence ?? 0
    }

    static func topicsJSON(_ topics: [String]) -> String {
        JSONValue.array(topics.map(JSONValue.string)).canonicalString()
    }

    static func subscriber(from row: Row) -> SubscriberState {
        let topicsText: String = row[1]
        let topics = (try? JSONParser.parse(topicsText))?.arrayValue?.compactMap(\.stringValue) ?? []
        return SubscriberState(id: row[0], topics: topics, cursor: row[2], paused: row[3], lastError: row[4],
                               lastSeenAt: row[5])
    }

    public func register(subscriber id: String, topics: [String]) async throws -> SubscriberState {
        try await writer.write { db in
            let now = SQLiteDatabase.timestamp()
            try db.execute(sql: """
                INSERT INTO subscribers (id, topics, cursor, last_seen_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET topics = excluded.topics, last_seen_at = excluded.last_seen_at
                """, arguments: [id, Self.topicsJSON(topics), try Self.tail(db), now])
            let row = try Row.fetchOne(db, sql: """
                SELECT id, topics, cursor, paused, last_error, last_seen_at FROM subscribers WHERE id = ?
                """, arguments: [id])!
            return Self.subscriber(from: row)
        }
    }

    public func subscribers() async throws -> [SubscriberState] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, topics, cursor, paused, last_error, last_seen_at FROM subscribers ORDER BY id
                """).map(Self.subscriber(from:))
        }
    }

    public func lag(subscriber id: String) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM subscribers s, json_each(s.topics) t
                JOIN events e ON e.topic = t.value AND e.position > s.cursor
                WHERE s.id = ?
                """, arguments: [id]) ?? 0
        }
    }

    public func advance(subscriber id: String, to position: Int64) async throws {
        try await writer.write { db in try Self.advance(db, subscriber: id, to: position) }
    }

    static func advance(_ db: Database, subscriber id: String, to position: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE subscribers SET cursor = max(cursor, ?), last_error = NULL, last_seen_at = ? WHERE id = ?
            """).execute(arguments: [position, SQLiteDatabase.timestamp(), id])
    }

    public func republish(_ events: [NewEvent], subscriber id: String, advancingTo position: Int64) async throws {
        try await writer.write { db in
            let now = SQLiteDatabase.timestamp()
            for event in events { _ = try Self.insert(event, db: db, now: now) }
            try Self.advance(db, subscriber: id, to: position)
        }
    }

    public func park(_ event: StoredEvent, subscriber id: String, attempts: Int, error: String) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO dead_letters (subscriber, event_position, attempts, last_error, failed_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [id, event.position, attempts, error, SQLiteDatabase.timestamp()])
            try Self.advance(db, subscriber: id, to: event.position)
            try db.execute(sql: "UPDATE subscribers SET last_error = ? WHERE id = ?", arguments: [error, id])
        }
    }

    public func recordError(subscriber id: String, error: String?) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE subscribers SET last_error = ? WHERE id = ?", arguments: [error, id])
        }
    }

    public func setPaused(subscriber id: String, paused: Bool) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE subscribers SET paused = ? WHERE id = ?", arguments: [paused, id])
            return db.changesCount > 0
        }
    }

    public func deadLetters(subscriber id: String?, limit: Int) async throws -> [DeadLetter] {
        try await writer.read { db in
            var sql = """
                SELECT d.id, d.subscriber, d.attempts, d.last_error, d.failed_at, d.replay_requested,
                    \(Self.eventColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }
                        .joined(separator: ", "))
                FROM dead_letters d JOIN events e ON e.position = d.event_position
                """
            var arguments = StatementArguments()
            if let id {
                sql += " WHERE d.subscriber = ?"
                arguments += [id]
            }
            sql += " ORDER BY d.id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                DeadLetter(id: row[0], subscriberID: row[1], event: Self.event(from: row, offset: 6), attempts: row[2],
                           lastError: row[3], failedAt: row[4], replayRequested: row[5])
            }
        }
    }

    public func deadLetterCounts() async throws -> [String: Int] {
        try await writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT subscriber, count(*) FROM dead_letters GROUP BY subscriber") {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    public func requestReplay(deadLetter id: Int64?, subscriber: String?) async throws -> Int {
        try await writer.write { db in
            if let id {
                try db.execute(sql: "UPDATE dead_letters SET replay_requested = 1 WHERE id = ?", arguments: [id])
            } else if let subscriber {
                try db.execute(sql: "UPDATE dead_letters SET replay_requested = 1 WHERE subscriber = ?",
                               arguments: [subscriber])
            } else {
                try db.execute(sql: "UPDATE dead_letters SET replay_requested = 1")
            }
            return db.changesCount
        }
    }

    public func deleteDeadLetter(id: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM dead_letters WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func replayFailed(deadLetter id: Int64, attempts: Int, error: String) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE dead_letters SET replay_requested = 0, attempts = ?, last_error = ?, failed_at = ? WHERE id = ?
                """, arguments: [attempts, error, SQLiteDatabase.timestamp(), id])
        }
    }

    public func recentEvents(topic: String?, before position: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let topic {
                conditions.append("topic = ?")
                arguments += [topic]
            }
            if let position {
                conditions.append("position < ?")
                arguments += [position]
            }
            arguments += [limit]
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT \(Self.eventColumns) FROM events \(whereClause) ORDER BY position DESC LIMIT ?
                """, arguments: arguments).map { Self.event(from: $0) }
        }
    }

    public func event(id: String) async throws -> StoredEvent? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.eventColumns) FROM events WHERE id = ?", arguments: [id])
                .map { Self.event(from: $0) }
        }
    }

    public func topicStatistics() async throws -> [TopicStatistics] {
        try await writer.read { db in
            // Counts come from `topic_counters`; a topic's last event is one index lookup, and
            // the last minute an index range from the first recent position.
            let minuteAgo = SQLiteDatabase.timestamp(Date.now.addingTimeInterval(-60))
            let recent = try Self.firstPosition(receivedAtOrAfter: minuteAgo, db: db) ?? Int64.max
            return try Row.fetchAll(db, sql: """
                SELECT c.topic, c.events, e.position, e.received_at,
                       (SELECT count(*) FROM events WHERE topic = c.topic AND position >= ?)
                FROM topic_counters c
                LEFT JOIN events e ON e.position = (SELECT max(position) FROM events WHERE topic = c.topic)
                WHERE c.events > 0 ORDER BY c.topic
                """, arguments: [recent]).map {
                TopicStatistics(topic: $0[0], storedEvents: $0[1], lastPosition: $0[2], lastReceivedAt: $0[3],
                                lastMinute: $0[4])
            }
        }
    }

    /// The lowest position from which on every event was received at or after `timestamp`, or
    /// `nil` when no event was. Positions are given in commit order with the commit's time, so
    /// `received_at` never decreases along positions (unless the wall clock went back), and a
    /// binary search over positions, each step one primary-key lookup, finds the boundary without
    /// reading the log.
    static func firstPosition(receivedAtOrAfter timestamp: String, db: Database) throws -> Int64? {
        // Two subqueries: a lone min() or max() is read from the key's ends, both in one select
        // would scan the table.
        guard let bounds = try Row.fetchOne(db, sql: """
                SELECT (SELECT min(position) FROM events), (SELECT max(position) FROM events)
                """),
              var low = bounds[0] as Int64?, var high = bounds[1] as Int64? else { return nil }
        let receivedAt = try db.cachedStatement(sql: """
            SELECT received_at FROM events WHERE position >= ? ORDER BY position LIMIT 1
            """)
        func isRecent(from position: Int64) throws -> Bool {
            try String.fetchOne(receivedAt, arguments: [position]).map { $0 >= timestamp } ?? true
        }
        guard try isRecent(from: high) else { return nil }
        while low < high {
            let middle = low + (high - low) / 2
            if try isRecent(from: middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    public func applyRetention(_ policy: RetentionPolicy) async throws -> RetentionReport {
        try await writer.write { db in
            var report = RetentionReport()
            let now = Date.now
            let staleBefore = SQLiteDatabase.timestamp(now.addingTimeInterval(-Self.seconds(policy.staleSubscriberAfter)))
            report.staleSubscribersDropped = try String.fetchAll(
                db, sql: "SELECT id FROM subscribers WHERE last_seen_at < ? ORDER BY id", arguments: [staleBefore])
            try db.execute(sql: "DELETE FROM subscribers WHERE last_seen_at < ?", arguments: [staleBefore])
            try db.execute(sql: """
                DELETE FROM dead_letters WHERE subscriber NOT IN (SELECT id FROM subscribers)
                """)
            // An event is passed once every subscriber of its topic has a cursor at or beyond it
            // (an event on a topic nobody subscribes to counts as passed) and no dead letter holds it.
            let passed = """
                NOT EXISTS (SELECT 1 FROM subscribers s, json_each(s.topics) t
                            WHERE t.value = events.topic AND s.cursor < events.position)
                AND position NOT IN (SELECT event_position FROM dead_letters)
                """
            let oldBefore = SQLiteDatabase.timestamp(now.addingTimeInterval(-Self.seconds(policy.maxAge)))
            // Only positions before the first young one can be old: an index range, not a scan.
            let young = try Self.firstPosition(receivedAtOrAfter: oldBefore, db: db) ?? Int64.max
            try db.execute(sql: "DELETE FROM events WHERE position < ? AND received_at < ? AND \(passed)",
                           arguments: [young, oldBefore])
            report.eventsDeleted += db.changesCount
            let count = try Int.fetchOne(db, sql: "SELECT coalesce(sum(events), 0) FROM topic_counters") ?? 0
            if count > policy.maxEvents {
                try db.execute(sql: """
                    DELETE FROM events WHERE position IN (
                        SELECT position FROM events WHERE \(passed) ORDER BY position LIMIT ?)
                    """, arguments: [count - policy.maxEvents])
                report.eventsDeleted += db.changesCount
            }
            var bytes = try Int.fetchOne(db, sql: "SELECT coalesce(sum(bytes), 0) FROM topic_counters") ?? 0
            while bytes > policy.maxBytes {
                let batch = try Row.fetchAll(db, sql: """
                    SELECT position, size FROM events WHERE \(passed) ORDER BY position LIMIT 1000
                    """)
                guard !batch.isEmpty else { break }
                var last: Int64 = 0
                for row in batch {
                    if bytes <= policy.maxBytes { break }
                    bytes -= row[1] as Int
                    last = row[0]
                }
                guard last > 0 else { break }
                try db.execute(sql: "DELETE FROM events WHERE position <= ? AND \(passed)", arguments: [last])
                report.eventsDeleted += db.changesCount
            }
            return report
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let components = duration.components
        return TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
