import CallboardTesting
import PostgresNIO
@testable import StorePostgres
import Testing

@Suite("PostgreSQL migrations", .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(1)))
struct MigrationTests {
    @Test func instancesStartingTogetherApplyEachMigrationOnce() async throws {
        let fresh = try await FreshDatabase()
        let databases = try await withThrowingTaskGroup(of: PostgresBackend.self) { group in
            for _ in 0..<6 { group.addTask { try await fresh.open() } }
            return try await group.reduce(into: [PostgresBackend]()) { $0.append($1) }
        }
        let applied = try await databases[0].rows("SELECT id FROM callboard_migrations ORDER BY applied_at, id")
            .map { try $0.decode(String.self) }
        #expect(applied.sorted() == PostgresSchema.migrations.map(\.id).sorted())
        // Reopening finds nothing left to do.
        #expect(try await PostgresMigrator(migrations: PostgresSchema.migrations).migrate(databases[0]).isEmpty)
        for database in databases { await database.close() }
        await fresh.cleanUp()
    }

    @Test func aNewMigrationIsAppliedOnTopOfTheShippedOnes() async throws {
        let fresh = try await FreshDatabase()
        let database = try await fresh.open()
        let next = PostgresMigration(id: "v999-test", statements: ["CREATE TABLE migration_probe (n integer)"])
        let applied = try await PostgresMigrator(migrations: PostgresSchema.migrations + [next]).migrate(database)
        #expect(applied == ["v999-test"])
        #expect(try await database.rows("SELECT count(*) FROM migration_probe").first?.decode(Int64.self) == 0)
        await database.close()
        await fresh.cleanUp()
    }
}
