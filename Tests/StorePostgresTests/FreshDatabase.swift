import CallboardTesting
import Events
import Logging
import PostgresNIO
@testable import StorePostgres

let quietLogger = Logger(label: "store-postgres-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// A new, empty database on the test server, dropped by `cleanUp()`.
struct FreshDatabase {
    let server: TestPostgres
    let configuration: PostgresClient.Configuration

    init() async throws {
        server = try await TestPostgres.shared()
        configuration = try await server.makeDatabase()
    }

    /// Opens (and migrates) the database, as an instance starting up does.
    func open() async throws -> PostgresBackend {
        try await PostgresBackend.open(configuration: configuration, logger: quietLogger)
    }

    func cleanUp() async {
        await server.dropDatabase(configuration)
    }

    /// Runs `body` with an event log on a new database, then closes and drops the database.
    static func withLog(_ body: (PostgresBackend, PostgresEventLog) async throws -> Void) async throws {
        let fresh = try await FreshDatabase()
        let database = try await fresh.open()
        do {
            try await body(database, PostgresEventLog(database: database))
        } catch {
            await database.close()
            await fresh.cleanUp()
            throw error
        }
        await database.close()
        await fresh.cleanUp()
    }
}

/// A one-shot gate: `wait()` returns once `open()` was called.
struct Gate: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    func open() { continuation.finish() }

    func wait() async {
        for await _ in stream {}
    }
}

/// An append in a transaction that takes its position (and so the head's lock) and stays open
/// until ``commit()``: what another appender must wait for.
struct HeldAppend {
    let outcomes: Task<[AppendOutcome], any Error>
    private let committing: Gate

    /// Returns once the held append has taken its position.
    init(_ database: PostgresBackend, payload: String) async {
        let positionTaken = Gate()
        let committing = Gate()
        self.committing = committing
        outcomes = Task {
            try await database.transaction { connection in
                let outcomes = try await PostgresEventLog.insert(
                    [NewEvent(topic: "t", payload: Array(payload.utf8))], connection, quietLogger)
                positionTaken.open()
                await committing.wait()
                return outcomes
            }
        }
        await positionTaken.wait()
    }

    /// Lets the transaction commit.
    func commit() { committing.open() }
}

/// How many sessions of the database wait for a lock (appenders queued on the head's row).
func lockWaiters(_ database: PostgresBackend) async throws -> Int64 {
    try await database.rows("""
        SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
        """).first?.decode(Int64.self) ?? 0
}
