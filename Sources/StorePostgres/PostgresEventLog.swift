import CatalogModel
import Events
import Foundation
import Logging
import PostgresNIO

/// The durable event log on PostgreSQL, shared by every instance on the database: any instance
/// appends, and each subscriber's cursor is delivered by one instance at a time (its delivery
/// lease, ``claimDelivery(subscriber:owner:for:)``).
///
/// Positions become visible in commit order (SPEC §3.4): an append locks the `events_head` row
/// before it takes positions and keeps the lock until it commits, so a later appender gets
/// higher positions and commits after it; a reader that sees position p therefore sees every
/// position below p. (A plain sequence would let a reader see p + 1 while p is still
/// uncommitted, and pass it for good.) Positions have no gaps: a rolled-back append gives its
/// positions back. Each append notifies ``appendChannel`` on commit, which
/// ``listenForAppends(_:)`` turns into wake-ups of the delivery loops on every instance.
public final class PostgresEventLog: EventLog {
    /// The LISTEN/NOTIFY channel an append notifies.
    public static let appendChannel = "callboard_events_appended"

    let database: PostgresBackend
    var logger: Logger { database.logger }

    public init(database: PostgresBackend) {
        self.database = database
    }

    /// Runs one operation; driver errors become ``PostgresStoreError``s (see `storeOperation`).
    func run<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        try await storeOperation("events.store_failed", what, body)
    }

    public func append(_ events: [NewEvent]) async throws -> [AppendOutcome] {
        guard !events.isEmpty else { return [] }
        if events.count == 1, let event = events.first, event.idempotencyKey == nil {
            return try await run("append events") { [try await appendOne(event)] }
        }
        return try await run("append events") {
            try await database.transaction { connection in try await Self.insert(events, connection, logger) }
        }
    }

    /// One event without an idempotency key (a webhook's usual case) in one statement, committed
    /// on its own: it takes the head's row lock, stores the event at the next position and
    /// notifies, so the lock is held for one statement and its commit instead of five round
    /// trips (which, with several instances, is what appenders queue on).
    private func appendOne(_ event: NewEvent) async throws -> AppendOutcome {
        let id = UUID().uuidString.lowercased()
        let metadata = JSONValue.object(event.metadata.mapValues(JSONValue.string)).canonicalString()
        let size = Int64(event.payload.count + metadata.utf8.count)
        guard let row = try await database.rows("""
            WITH head AS (UPDATE events_head SET position = position + 1 WHERE id = 1 RETURNING position),
            stored AS (
                INSERT INTO events (position, id, topic, payload, metadata, idempotency_key, received_at, size)
                SELECT position, \(id), \(event.topic), \(Data(event.payload)), \(metadata), NULL, now(), \(size)
                FROM head
                RETURNING position)
            SELECT position, pg_notify(\(Self.appendChannel), position::text)::text FROM stored
            """).first
        else { throw PostgresStoreError(code: "events.schema_broken", message: "the event log's head row is missing") }
        return .appended(id: id, position: try row.decode((Int64, String?).self).0)
    }

    /// Appends in the caller's transaction: locks the head (held until commit), skips events
    /// whose idempotency key its topic has seen, stores the rest at the next positions and
    /// notifies ``appendChannel`` (delivered when the transaction commits).
    static func insert(_ events: [NewEvent], _ connection: PostgresConnection, _ logger: Logger) async throws
        -> [AppendOutcome]
    {
        var head = try await lockHead(connection, logger)
        let start = head
        var outcomes: [AppendOutcome] = []
        for event in events {
            if let key = event.idempotencyKey, let existing = try await connection.rows(
                "SELECT id FROM events WHERE topic = \(event.topic) AND idempotency_key = \(key)", logger: logger
            ).first {
                outcomes.append(.duplicate(id: try existing.decode(String.self)))
                continue
            }
            head += 1
            let id = UUID().uuidString.lowercased()
            let metadata = JSONValue.object(event.metadata.mapValues(JSONValue.string)).canonicalString()
            let size = Int64(event.payload.count + metadata.utf8.count)
            try await connection.query("""
                INSERT INTO events (position, id, topic, payload, metadata, idempotency_key, received_at, size)
                VALUES (\(head), \(id), \(event.topic), \(Data(event.payload)), \(metadata), \(event.idempotencyKey),
                        now(), \(size))
                """, logger: logger)
            outcomes.append(.appended(id: id, position: head))
        }
        if head > start {
            try await connection.query("UPDATE events_head SET position = \(head) WHERE id = 1", logger: logger)
            try await connection.query("SELECT pg_notify(\(appendChannel), \(String(head)))", logger: logger)
        }
        return outcomes
    }

    /// Locks the head row until the transaction ends and returns the last position handed out.
    static func lockHead(_ connection: PostgresConnection, _ logger: Logger) async throws -> Int64 {
        guard let row = try await connection.rows("SELECT position FROM events_head WHERE id = 1 FOR UPDATE",
                                                  logger: logger).first
        else { throw PostgresStoreError(code: "events.schema_broken", message: "the event log's head row is missing") }
        return try row.decode(Int64.self)
    }

    static let eventColumns = "e.position, e.id, e.topic, e.payload, e.metadata, e.idempotency_key, e.received_at"

    typealias EventColumns = (Int64, String, String, Data, String, String?, Date)

    static func event(from columns: EventColumns) -> StoredEvent {
        let (position, id, topic, payload, metadataText, key, receivedAt) = columns
        var metadata: [String: String] = [:]
        if case .object(let members)? = try? JSONParser.parse(metadataText) {
            for (name, value) in members { metadata[name] = value.stringValue }
        }
        return StoredEvent(id: id, position: position, topic: topic, payload: [UInt8](payload), metadata: metadata,
                           idempotencyKey: key, receivedAt: Timestamp.string(receivedAt))
    }

    static func events(_ rows: [PostgresRow]) throws -> [StoredEvent] {
        try rows.map { event(from: try $0.decode(EventColumns.self)) }
    }

    public func read(topics: [String], after position: Int64, limit: Int) async throws -> [StoredEvent] {
        guard !topics.isEmpty else { return [] }
        return try await run("read events") {
            try Self.events(try await database.rows("""
                SELECT \(unescaped: Self.eventColumns) FROM events e
                WHERE e.topic = ANY(\(topics)) AND e.position > \(position)
                ORDER BY e.position LIMIT \(limit)
                """))
        }
    }

    public func tail() async throws -> Int64 {
        try await run("read the log's tail") {
            try await database.rows("SELECT position FROM events_head WHERE id = 1").first?.decode(Int64.self) ?? 0
        }
    }

    /// Calls `onAppend` after every append committed on any instance, and once each time it
    /// starts listening. Runs until cancelled (see `PostgresBackend.listen(on:_:)`); a lost
    /// notification costs the delivery loops one poll interval, never an event.
    public func listenForAppends(_ onAppend: @escaping @Sendable () -> Void) async throws {
        try await database.listen(on: Self.appendChannel, onAppend)
    }
}

/// ISO-8601 UTC timestamps with milliseconds, as the SQLite stores write them.
enum Timestamp {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
