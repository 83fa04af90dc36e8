import CallboardTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// What the fault tests check on the store a killed (or stopped) `callboard serve` left behind,
/// per backend: on SQLite `PRAGMA integrity_check` of each file; on PostgreSQL (whose server
/// is not the process killed, so its files are never torn) that the server has ended the dead
/// process's sessions (rolling back their transactions) and that the rows each transaction
/// writes together are all there or all gone.
extension FaultWorkspace {
    /// Each check by name, "ok" when it passes.
    func consistencyCheck() async throws -> [String: String] {
        guard let postgres else {
            var results: [String: String] = [:]
            for (name, result) in try integrityCheck() { results["integrity_check of \(name).sqlite"] = result }
            return results
        }
        let probe = PostgresProbe(postgres)
        defer { probe.close() }
        return try await probe.consistency()
    }

    /// Expects every check of ``consistencyCheck()`` to pass; `moment` says when (for the message).
    func expectConsistent(_ moment: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for (name, result) in try await consistencyCheck().sorted(by: { $0.key < $1.key }) {
            #expect(result == "ok", "\(name) \(moment): \(result)", sourceLocation: sourceLocation)
        }
    }

    /// Asks, from outside the server, whether the catalog's write transaction is open: SQLite's
    /// WAL write lock on `catalog.sqlite`, or on PostgreSQL a granted lock on `catalog_writer`
    /// (every catalog mutation locks its row first and holds it until it commits).
    func catalogWriteProbe() -> CatalogWriteProbe {
        guard let postgres else {
            let catalog = database("catalog")
            return CatalogWriteProbe(held: { SQLiteProbe.writeLockHeld(catalog) }, close: {})
        }
        let probe = PostgresProbe(postgres)
        return CatalogWriteProbe(held: { (try? await probe.catalogWriterLocked()) ?? false }, close: { probe.close() })
    }
}

/// See ``FaultWorkspace/catalogWriteProbe()``.
struct CatalogWriteProbe: Sendable {
    let held: @Sendable () async -> Bool
    let close: @Sendable () -> Void
}

/// One connection to a fault test's PostgreSQL database, for looking at what the server left.
final class PostgresProbe: Sendable {
    static let applicationName = "callboard-fault-probe"
    private let client: PostgresClient
    private let runner: Task<Void, Never>

    init(_ configuration: PostgresClient.Configuration) {
        var configuration = configuration
        configuration.options.maximumConnections = 1
        configuration.options.additionalStartupParameters = [("application_name", Self.applicationName)]
        let client = PostgresClient(configuration: configuration,
                                    backgroundLogger: Logger(label: "fault-probe", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.client = client
        runner = Task { await client.run() }
    }

    func close() { runner.cancel() }

    /// The first column of the first row, as an integer.
    func integer(_ sql: String) async throws -> Int64 {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return value }
        return 0
    }

    func catalogWriterLocked() async throws -> Bool {
        try await integer("""
            SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'catalog_writer' AND l.granted AND l.pid <> pg_backend_pid()
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """) > 0
    }

    func consistency() async throws -> [String: String] {
        var results: [String: String] = [:]

        // The killed process's connections: PostgreSQL ends each (rolling back its open
        // transaction) once it finds the socket closed; until then the catalog writer row or
        // the log's head may still be locked.
        var sessions: Int64 = 0
        let ended = try await eventually(seconds: 30) {
            sessions = try await integer("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND backend_type = 'client backend'
                  AND pid <> pg_backend_pid() AND application_name <> '\(Self.applicationName)'
                """)
            return sessions == 0
        }
        results["the dead server's sessions ended"] = ended ? "ok" : "\(sessions) sessions still open after 30 s"

        // The log: positions are handed out from events_head in the appending transaction, so a
        // rolled-back append leaves no gap and no head beyond the last event (these tests
        // apply no retention, which could delete events).
        let head = try await integer("SELECT position FROM events_head WHERE id = 1")
        let last = try await integer("SELECT coalesce(max(position), 0) FROM events")
        let first = try await integer("SELECT coalesce(min(position), 1) FROM events")
        let count = try await integer("SELECT count(*) FROM events")
        results["event log head and positions"] = head == last && count == last - first + 1
            ? "ok" : "head \(head), positions \(first)...\(last), \(count) events"

        let ahead = try await integer("""
            SELECT count(*) FROM events_subscribers WHERE cursor > (SELECT position FROM events_head WHERE id = 1)
            """)
        let lostLetters = try await integer("""
            SELECT count(*) FROM events_dead_letters d WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.position = d.event_position)
            """)
        results["subscriber cursors and dead letters"] = ahead == 0 && lostLetters == 0
            ? "ok" : "\(ahead) cursors beyond the head, \(lostLetters) dead letters of missing events"

        // The catalog: an entity's row, its index rows, relations and refresh keys are written
        // in one transaction; a torn mutation would leave some without the others.
        let orphans = try await integer("""
            SELECT (SELECT count(*) FROM catalog_search s WHERE NOT EXISTS (SELECT 1 FROM catalog_entities e WHERE e.id = s.entity_id))
                 + (SELECT count(*) FROM catalog_relations r WHERE NOT EXISTS (SELECT 1 FROM catalog_entities e WHERE e.id = r.origin_id))
                 + (SELECT count(*) FROM catalog_refresh_keys k WHERE NOT EXISTS (SELECT 1 FROM catalog_entities e WHERE e.id = k.entity_id))
            """)
        let unindexed = try await integer("""
            SELECT count(*) FROM catalog_entities e WHERE NOT EXISTS (SELECT 1 FROM catalog_search s WHERE s.entity_id = e.id)
            """)
        results["catalog rows"] = orphans == 0 && unindexed == 0
            ? "ok" : "\(orphans) index, relation or refresh-key rows without their entity, \(unindexed) entities without index rows"
        return results
    }
}
