import CallboardConfig
import CallboardServer
import CallboardTesting
import Catalog
import Foundation
import PostgresNIO
import Testing

/// `backend.database.client: pg`: two Callboard instances on one PostgreSQL database share the
/// catalog and the event log.
@Suite(.enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(2)))
struct PostgresServerTests {
    @Test func twoInstancesShareTheCatalog() async throws {
        let server = try await TestPostgres.shared()
        let database = try await server.makeDatabase()
        defer { Task { await server.dropDatabase(database) } }
        let connection = CallboardConfiguration.PostgresConnection(
            host: try #require(database.host), port: try #require(database.port), user: database.username,
            password: database.password.map(ConfigSecret.init), database: database.database,
            options: ["sslmode": "disable"])
        let provider = TestProvider(name: "shared-provider")
        let usePostgres: (inout CallboardConfiguration) -> Void = { $0.backend.database = .postgres(connection) }
        try await LiveServer.with(modules: [], providers: [provider], configure: usePostgres) { first in
            try await LiveServer.with(modules: [], providers: [TestProvider(name: "shared-provider")],
                                      configure: usePostgres) { second in
                // Written through the first instance, read through the second.
                _ = try await provider.apply(.full(EntityFactory.deferred([EntityFactory.component("shared-svc")])))
                let reply = try await second.get("/api/catalog/entities/by-name/component/default/shared-svc")
                #expect(reply.status == 200)
                #expect(reply.text.contains("shared-svc"))
                #expect(try await first.get("/api/catalog/entities/by-name/component/default/shared-svc").status == 200)
            }
        }
    }
}
