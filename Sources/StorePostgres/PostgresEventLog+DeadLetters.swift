import Events
import Foundation
import PostgresNIO

/// Dead letters: parked deliveries, replay requests and their outcomes.
extension PostgresEventLog {
    public func deadLetters(subscriber id: String?, limit: Int) async throws -> [DeadLetter] {
        try await run("list dead letters") {
            let rows = try await database.rows("""
                SELECT d.id, d.subscriber, d.attempts, d.last_error, d.failed_at, d.replay_requested,
                       \(unescaped: Self.eventColumns)
                FROM events_dead_letters d JOIN events e ON e.position = d.event_position
                WHERE \(id)::text IS NULL OR d.subscriber = \(id)
                ORDER BY d.id LIMIT \(limit)
                """)
            return try rows.map { row in
                let (letter, subscriber, attempts, lastError, failedAt, replay, position, eventID, topic, payload,
                     metadata, key, receivedAt) = try row.decode(
                    (Int64, String, Int32, String, Date, Bool, Int64, String, String, Data, String, String?, Date).self)
                return DeadLetter(
                    id: letter, subscriberID: subscriber,
                    event: Self.event(from: (position, eventID, topic, payload, metadata, key, receivedAt)),
                    attempts: Int(attempts), lastError: lastError, failedAt: Timestamp.string(failedAt),
                    replayRequested: replay)
            }
        }
    }

    public func deadLetterCounts() async throws -> [String: Int] {
        try await run("count dead letters") {
            var counts: [String: Int] = [:]
            for row in try await database.rows(
                "SELECT subscriber, count(*) FROM events_dead_letters GROUP BY subscriber")
            {
                let (subscriber, count) = try row.decode((String, Int64).self)
                counts[subscriber] = Int(count)
            }
            return counts
        }
    }

    public func requestReplay(deadLetter id: Int64?, subscriber: String?) async throws -> Int {
        let query: PostgresQuery
        if let id {
            query = "UPDATE events_dead_letters SET replay_requested = true WHERE id = \(id) RETURNING id"
        } else if let subscriber {
            query = "UPDATE events_dead_letters SET replay_requested = true WHERE subscriber = \(subscriber) RETURNING id"
        } else {
            query = "UPDATE events_dead_letters SET replay_requested = true RETURNING id"
        }
        return try await run("request a replay") { try await database.rows(query).count }
    }

    public func deleteDeadLetter(id: Int64) async throws -> Bool {
        try await run("delete a dead letter") {
            try await !database.rows("DELETE FROM events_dead_letters WHERE id = \(id) RETURNING id").isEmpty
        }
    }

    public func replayFailed(deadLetter id: Int64, attempts: Int, error: String) async throws {
        let attempts = Int32(clamping: attempts)
        try await run("record a failed replay") {
            _ = try await database.rows("""
                UPDATE events_dead_letters
                SET replay_requested = false, attempts = \(attempts), last_error = \(error), failed_at = now()
                WHERE id = \(id)
                """)
        }
    }
}
