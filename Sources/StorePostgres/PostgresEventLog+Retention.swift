import Events
import Foundation
import PostgresNIO

/// Retention (SPEC §3.4): stale subscribers are dropped, then passed events are deleted by age,
/// count and size, oldest first, in one transaction.
extension PostgresEventLog {
    /// An event is passed once every subscriber of its topic has a cursor at or beyond it (an
    /// event on a topic nobody subscribes to counts as passed) and no dead letter holds it.
    static let passed = """
        NOT EXISTS (SELECT 1 FROM events_subscribers s WHERE events.topic = ANY(s.topics) AND s.cursor < events.position)
        AND NOT EXISTS (SELECT 1 FROM events_dead_letters d WHERE d.event_position = events.position)
        """

    public func applyRetention(_ policy: RetentionPolicy) async throws -> RetentionReport {
        let staleAfter = Self.seconds(policy.staleSubscriberAfter)
        let maxAge = Self.seconds(policy.maxAge)
        let maxEvents = Int64(policy.maxEvents)
        let maxBytes = Int64(policy.maxBytes)
        return try await run("apply retention") {
            try await database.transaction { connection in
                var report = RetentionReport()
                report.staleSubscribersDropped = try await connection.rows("""
                    DELETE FROM events_subscribers
                    WHERE last_seen_at < clock_timestamp() - make_interval(secs => \(staleAfter)) RETURNING id
                    """, logger: logger).map { try $0.decode(String.self) }.sorted()
                try await connection.query("""
                    DELETE FROM events_dead_letters WHERE subscriber NOT IN (SELECT id FROM events_subscribers)
                    """, logger: logger)
                report.eventsDeleted += try await connection.rows("""
                    DELETE FROM events WHERE received_at < clock_timestamp() - make_interval(secs => \(maxAge))
                      AND \(unescaped: Self.passed)
                    RETURNING position
                    """, logger: logger).count
                report.eventsDeleted += try await connection.rows("""
                    DELETE FROM events WHERE position IN (
                        SELECT position FROM events WHERE \(unescaped: Self.passed) ORDER BY position
                        LIMIT greatest((SELECT count(*) FROM events) - \(maxEvents), 0))
                    RETURNING position
                    """, logger: logger).count
                // Oldest passed events first, while what would remain exceeds maxBytes.
                report.eventsDeleted += try await connection.rows("""
                    DELETE FROM events WHERE position IN (
                        SELECT position FROM (
                            SELECT position, sum(size) OVER (ORDER BY position) - size AS freed_before
                            FROM events WHERE \(unescaped: Self.passed)
                        ) candidates
                        WHERE (SELECT coalesce(sum(size), 0) FROM events) - freed_before > \(maxBytes))
                    RETURNING position
                    """, logger: logger).count
                return report
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
