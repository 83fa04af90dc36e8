import Events
import Foundation
import PostgresNIO

/// What the admin view reads: recent events, one event, per-topic figures.
extension PostgresEventLog {
    public func recentEvents(topic: String?, before position: Int64?, limit: Int) async throws -> [StoredEvent] {
        try await run("list recent events") {
            try Self.events(try await database.rows("""
                SELECT \(unescaped: Self.eventColumns) FROM events e
                WHERE (\(topic)::text IS NULL OR e.topic = \(topic))
                  AND (\(position)::bigint IS NULL OR e.position < \(position))
                ORDER BY e.position DESC LIMIT \(limit)
                """))
        }
    }

    public func event(id: String) async throws -> StoredEvent? {
        try await run("read an event") {
            try Self.events(try await database.rows(
                "SELECT \(unescaped: Self.eventColumns) FROM events e WHERE e.id = \(id)")).first
        }
    }

    public func topicStatistics() async throws -> [TopicStatistics] {
        try await run("compute topic statistics") {
            try await database.rows("""
                SELECT topic, count(*), max(position), max(received_at),
                       count(*) FILTER (WHERE received_at >= now() - interval '1 minute')
                FROM events GROUP BY topic ORDER BY topic
                """).map { row in
                let (topic, stored, last, lastReceived, lastMinute) = try row.decode(
                    (String, Int64, Int64?, Date?, Int64).self)
                return TopicStatistics(topic: topic, storedEvents: Int(stored), lastPosition: last,
                                       lastReceivedAt: lastReceived.map(Timestamp.string), lastMinute: Int(lastMinute))
            }
        }
    }
}
