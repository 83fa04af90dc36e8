import Logging
import PostgresNIO

/// One versioned schema change: statements run in order, in the migrator's transaction. A
/// shipped migration is never edited: add one.
struct PostgresMigration: Sendable {
    var id: String
    var statements: [String]
}

/// Applies migrations once per database, even when several instances start together: the
/// whole run is one transaction that first takes a transaction-scoped advisory lock, so a second
/// instance waits, then finds the migrations applied and does nothing.
struct PostgresMigrator: Sendable {
    /// The advisory lock key of Callboard's migrations ("callboard" in ASCII, truncated to 8 bytes).
    static let lockKey: Int64 = 0x6361_6C6C_626F_6172

    var migrations: [PostgresMigration]

    /// Applies the migrations not yet recorded in `callboard_migrations`; returns their ids.
    @discardableResult
    func migrate(_ database: PostgresBackend) async throws -> [String] {
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS callboard_migrations (
                    id text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied = Set<String>()
            for try await id in try await connection.query("SELECT id FROM callboard_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(id)
            }
            var newlyApplied: [String] = []
            for migration in migrations where !applied.contains(migration.id) {
                for statement in migration.statements {
                    // Schema text is a constant of this module, never built from input.
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO callboard_migrations (id) VALUES (\(migration.id))",
                                           logger: logger)
                newlyApplied.append(migration.id)
                logger.info("PostgreSQL migration applied", metadata: ["migration.id": "\(migration.id)"])
            }
            return newlyApplied
        }
    }
}
