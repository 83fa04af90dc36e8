import CallboardConfig
@testable import CallboardServer
import CallboardTesting
import Logging
import PostgresNIO
import Testing

/// `backend.database.connection` for `client: pg` becomes a working PostgreSQL client.
@Suite("PostgreSQL connection settings", .timeLimit(.minutes(1)))
struct PostgresConnectionTests {
    @Test(.enabled(if: TestPostgresAvailability.isEnabled), arguments: [nil, "disable", "prefer"])
    func theConfiguredConnectionReachesTheServer(sslmode: String?) async throws {
        let server = try await TestPostgres.shared()
        let database = try await server.makeDatabase()
        var options = ["application_name": "callboard-test"]
        options["sslmode"] = sslmode
        let connection = CallboardConfiguration.PostgresConnection(
            host: try #require(database.host), port: try #require(database.port), user: database.username,
            password: database.password.map(ConfigSecret.init), database: database.database, options: options)
        let client = PostgresClient(configuration: try PostgresClient.Configuration(callboard: connection),
                                    backgroundLogger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { await client.run() }
        let row = try await client.query(
            "SELECT current_user, current_database(), current_setting('application_name')").collect().first
        let (user, name, application) = try #require(row).decode((String, String, String).self)
        #expect(user == database.username)
        #expect(name == database.database)
        #expect(application == "callboard-test")
        running.cancel()
        await running.value
        await server.dropDatabase(database)
    }

    @Test func anUnknownSSLModeOrABadCAIsAStartupError() {
        let badMode = CallboardConfiguration.PostgresConnection(options: ["sslmode": "sometimes"])
        #expect(throws: StartupError.self) { try PostgresClient.Configuration(callboard: badMode) }
        let badCA = CallboardConfiguration.PostgresConnection(ssl: .init(ca: "not a certificate"))
        #expect(throws: StartupError.self) { try PostgresClient.Configuration(callboard: badCA) }
    }
}
