import Events
import Foundation
import Logging
import PostgresNIO

/// Subscribers: registration, cursors, errors, pause, and the delivery lease.
extension PostgresEventLog {
    static let subscriberColumns = "id, topics, cursor, paused, last_error, last_seen_at"

    static func subscriber(from row: PostgresRow) throws -> SubscriberState {
        let (id, topics, cursor, paused, lastError, lastSeenAt) = try row.decode(
            (String, [String], Int64, Bool, String?, Date).self)
        return SubscriberState(id: id, topics: topics, cursor: cursor, paused: paused, lastError: lastError,
                               lastSeenAt: Timestamp.string(lastSeenAt))
    }

    public func register(subscriber id: String, topics: [String]) async throws -> SubscriberState {
        try await run("register the subscriber") {
            guard let row = try await database.rows("""
                INSERT INTO events_subscribers (id, topics, cursor, last_seen_at)
                VALUES (\(id), \(topics), (SELECT position FROM events_head WHERE id = 1), now())
                ON CONFLICT (id) DO UPDATE SET topics = excluded.topics, last_seen_at = excluded.last_seen_at
                RETURNING \(unescaped: Self.subscriberColumns)
                """).first
            else { throw PostgresStoreError(code: "events.subscriber_vanished", message: "the subscriber vanished") }
            return try Self.subscriber(from: row)
        }
    }

    public func subscribers() async throws -> [SubscriberState] {
        try await run("list subscribers") {
            try await database.rows("SELECT \(unescaped: Self.subscriberColumns) FROM events_subscribers ORDER BY id")
                .map(Self.subscriber(from:))
        }
    }

    public func lag(subscriber id: String) async throws -> Int {
        try await run("count the subscriber's lag") {
            let count = try await database.rows("""
                SELECT count(*) FROM events_subscribers s
                JOIN events e ON e.topic = ANY(s.topics) AND e.position > s.cursor
                WHERE s.id = \(id)
                """).first?.decode(Int64.self) ?? 0
            return Int(count)
        }
    }

    public func advance(subscriber id: String, to position: Int64) async throws {
        try await run("advance the subscriber's cursor") {
            try await database.transaction { connection in try await Self.advance(id, to: position, connection, logger) }
        }
    }

    static func advance(_ id: String, to position: Int64, _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        try await connection.query("""
            UPDATE events_subscribers SET cursor = greatest(cursor, \(position)), last_error = NULL, last_seen_at = now()
            WHERE id = \(id)
            """, logger: logger)
    }

    public func republish(_ events: [NewEvent], subscriber id: String, advancingTo position: Int64) async throws {
        try await run("republish events") {
            try await database.transaction { connection in
                if !events.isEmpty { _ = try await Self.insert(events, connection, logger) }
                try await Self.advance(id, to: position, connection, logger)
            }
        }
    }

    public func park(_ event: StoredEvent, subscriber id: String, attempts: Int, error: String) async throws {
        let attempts = Int32(clamping: attempts)
        try await run("park a dead letter") {
            try await database.transaction { connection in
                try await connection.query("""
                    INSERT INTO events_dead_letters (subscriber, event_position, attempts, last_error, failed_at)
                    VALUES (\(id), \(event.position), \(attempts), \(error), now())
                    """, logger: logger)
                try await Self.advance(id, to: event.position, connection, logger)
                try await connection.query("UPDATE events_subscribers SET last_error = \(error) WHERE id = \(id)",
                                           logger: logger)
            }
        }
    }

    public func recordError(subscriber id: String, error: String?) async throws {
        try await run("record the subscriber's error") {
            _ = try await database.rows("UPDATE events_subscribers SET last_error = \(error) WHERE id = \(id)")
        }
    }

    public func setPaused(subscriber id: String, paused: Bool) async throws -> Bool {
        try await run("pause or resume the subscriber") {
            try await !database.rows("UPDATE events_subscribers SET paused = \(paused) WHERE id = \(id) RETURNING id")
                .isEmpty
        }
    }

    /// Takes or renews the subscriber's delivery lease for `owner` until `duration` from now on
    /// the database's clock (so instances' clocks need not agree); false while another owner's
    /// lease is unexpired.
    public func claimDelivery(subscriber id: String, owner: String, for duration: Duration) async throws -> Bool {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return try await run("claim the subscriber's delivery lease") {
            try await !database.rows("""
                UPDATE events_subscribers
                SET lease_owner = \(owner), lease_expires_at = clock_timestamp() + make_interval(secs => \(seconds))
                WHERE id = \(id)
                  AND (lease_owner IS NULL OR lease_owner = \(owner) OR lease_expires_at <= clock_timestamp())
                RETURNING id
                """).isEmpty
        }
    }

    /// Gives the lease up if `owner` holds it, so another instance takes over at once.
    public func releaseDelivery(subscriber id: String, owner: String) async throws {
        try await run("release the subscriber's delivery lease") {
            _ = try await database.rows("""
                UPDATE events_subscribers SET lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(id) AND lease_owner = \(owner)
                """)
        }
    }
}
