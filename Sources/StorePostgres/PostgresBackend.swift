import Logging
import PostgresNIO

/// One PostgreSQL database shared by every Callboard instance: a running `PostgresClient` pool,
/// migrated to the latest schema when opened.
///
/// The stores (``PostgresEventLog``, ``PostgresTaskStore``) share one `PostgresBackend`. The
/// client's `run()` runs in a task the database owns from ``open(configuration:logger:)`` to
/// ``close()``, so the stores work before (and without) a service group; the server closes it
/// at shutdown.
public final class PostgresBackend: Sendable {
    /// The connection pool.
    public let client: PostgresClient
    /// How the pool connects (internal: it holds the password).
    let configuration: PostgresClient.Configuration
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        runner = Task { await client.run() }
    }

    /// Connects and applies the migrations this instance does not find applied (several
    /// instances starting together apply each migration once, see ``PostgresMigrator``).
    public static func open(configuration: PostgresClient.Configuration, logger: Logger) async throws
        -> PostgresBackend
    {
        let database = PostgresBackend(client: PostgresClient(configuration: configuration, backgroundLogger: logger),
                                       configuration: configuration, logger: logger)
        do {
            try await PostgresMigrator(migrations: PostgresSchema.migrations).migrate(database)
        } catch {
            await database.close()
            throw PostgresStoreError.wrapping(error, code: "postgres.migration_failed",
                                              message: "cannot migrate the PostgreSQL database")
        }
        return database
    }

    /// Stops the pool: running queries fail, and the stores cannot be used any more.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// Runs `body` in a transaction (committed when it returns, rolled back when it throws);
    /// rethrows `body`'s own error as it was thrown.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError, error.rollbackError == nil { throw closureError }
            throw error
        }
    }

    /// Calls `onNotification` for each notification on `channel`, and once each time it starts
    /// listening (to catch up with what happened while it was not). Runs until cancelled,
    /// listening again after a lost connection; a notification lost meanwhile costs a reader
    /// one poll, never data (readers read from their own positions).
    func listen(on channel: String, _ onNotification: @escaping @Sendable () -> Void) async throws {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        onNotification()
                        for try await _ in notifications { onNotification() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                let failure = PostgresStoreError.wrapping(error, code: "postgres.listen_failed",
                                                          message: "cannot listen for notifications")
                logger.warning("Listening for notifications failed; retrying", metadata: [
                    "postgres.channel": "\(channel)", "error": "\(failure)",
                ])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs one statement outside a transaction and returns its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await client.query(query, logger: logger).collect()
    }
}

extension PostgresConnection {
    /// Runs one statement in the current transaction and returns its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
