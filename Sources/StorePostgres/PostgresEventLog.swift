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
/// positions back. Unkeyed appends of one instance are batched (``PostgresGroupCommitter``): one
/// statement, one lock and one commit for every webhook that arrived while the previous batch
/// was committing. Each append notifies ``appendChannel`` on commit, which
/// ``listenForAppends(_:)`` turns into wake-ups of the delivery loops on every instance.
public final class PostgresEventLog: EventLog {
    /// The LISTEN/NOTIFY channel an append notifies.
    public static let appendChannel = "callboard_events_appended"

    let database: PostgresBackend
    var logger: Logger { database.logger }
    /// Batches this instance's unkeyed appends, one statement per batch (``appendBatch(_:_:)``).
    let committer: PostgresGroupCommitter

    public init(database: PostgresBackend) {
        self.database = database
        committer = PostgresGroupCommitter { [database] requests in try await Self.appendBatch(requests, database) }
    }

    /// Runs one operation; driver errors become ``PostgresStoreError``s (see `storeOperation`).
    func run<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        try await storeOperation("events.store_failed", what, body)
    }

    /// Events without idempotency keys (webhooks, as a rule) join the group commit, one request
    /// or many; a request with a key keeps its own transaction (``insert(_:_:_:)``), since its
    /// duplicate check must run under the head's lock before it takes positions. A topic with a
    /// NUL character (which PostgreSQL's `text` rejects) goes alone too, so that it cannot fail a
    /// whole batch of other callers' events.
    public func append(_ events: [NewEvent]) async throws -> [AppendOutcome] {
        guard !events.isEmpty else { return [] }
        if events.allSatisfy({ $0.idempotencyKey == nil && !$0.topic.utf8.contains(0) }) {
            return try await run("append events") { try await committer.append(events) }
        }
        return try await run("append events") {
            try await database.transaction { connection in try await Self.insert(events, connection, logger) }
        }
    }

    /// Stores one group commit's requests in one autocommitted statement: it moves the head by
    /// the batch's size (taking the head's row lock until its commit, so batches of all instances
    /// take positions and commit in the same order), inserts the events at the positions given
    /// up, in request order (`unnest … WITH ORDINALITY`), and notifies once. The lock is held for
    /// that one statement and its commit, however many webhooks the batch holds.
    static func appendBatch(_ requests: [[NewEvent]], _ database: PostgresBackend) async throws -> [[AppendOutcome]] {
        let events = requests.flatMap { $0 }
        let ids = events.map { _ in UUID().uuidString.lowercased() }
        let metadata = events.map { JSONValue.object($0.metadata.mapValues(JSONValue.string)).canonicalString() }
        let sizes = zip(events, metadata).map { Int64($0.payload.count + $1.utf8.count) }
        let payloads = events.map { ByteBuffer(bytes: $0.payload) }
        let count = Int64(events.count)
        guard let row = try await database.rows("""
            WITH head AS (UPDATE events_head SET position = position + \(count) WHERE id = 1 RETURNING position),
            stored AS (
                INSERT INTO events (position, id, topic, payload, metadata, idempotency_key, received_at, size)
                SELECT head.position - \(count) + t.ord, t.id, t.topic, t.payload, t.metadata, NULL, now(), t.size
                FROM head, unnest(\(ids)::text[], \(events.map(\.topic))::text[], \(payloads)::bytea[],
                                  \(metadata)::text[], \(sizes)::bigint[])
                     WITH ORDINALITY AS t(id, topic, payload, metadata, size, ord)
                RETURNING position)
            SELECT max(position), pg_notify(\(Self.appendChannel), max(position)::text)::text FROM stored
            """).first, let last = try row.decode((Int64?, String?).self).0
        else { throw headMissing }
        let first = last - count + 1
        var index = 0
        return requests.map { request in
            request.map { _ in
                defer { index += 1 }
                return .appended(id: ids[index], position: first + Int64(index))
            }
        }
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
        else { throw headMissing }
        return try row.decode(Int64.self)
    }

    static var headMissing: PostgresStoreError {
        PostgresStoreError(code: "events.schema_broken", message: "the event log's head row is missing")
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
