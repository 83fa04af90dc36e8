import Foundation
import Logging
import PostgresNIO

/// Why a PostgreSQL server for tests could not be had.
public struct TestPostgresError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { "test PostgreSQL: \(message)" }
}

/// A PostgreSQL server for the tests of one test process, and a fresh database per test.
///
/// With `CALLBOARD_TEST_POSTGRES_URL` (`postgresql://user:password@host:port/database`, a role
/// allowed to create databases) the tests use that server; otherwise, when the PostgreSQL
/// binaries are installed, the first test that asks starts a throwaway server
/// (``PostgresServerProcess``) that is stopped when the process exits. See
/// ``TestPostgresAvailability`` for when the PostgreSQL tests run at all.
public final class TestPostgres: Sendable {
    /// How to reach the server's maintenance database (the one test databases are created from).
    public let maintenance: PostgresClient.Configuration
    private let admin: PostgresClient

    private init(maintenance: PostgresClient.Configuration) {
        self.maintenance = maintenance
        admin = PostgresClient(configuration: maintenance, backgroundLogger: TestPostgres.quietLogger)
        let admin = self.admin
        // Runs for the rest of the process, like the server it talks to.
        Task { await admin.run() }
    }

    static let quietLogger = Logger(label: "test-postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The process's server, started (or connected to) on first use.
    public static func shared() async throws -> TestPostgres {
        try await launcher.server()
    }

    private static let launcher = Launcher()

    private actor Launcher {
        var launched: Task<TestPostgres, any Error>?

        func server() async throws -> TestPostgres {
            if let launched { return try await launched.value }
            let task = Task { try TestPostgres.connect() }
            launched = task
            return try await task.value
        }
    }

    private static func connect() throws -> TestPostgres {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["CALLBOARD_TEST_POSTGRES_URL"], !url.isEmpty {
            return TestPostgres(maintenance: try configuration(url: url))
        }
        guard let binaries = PostgresServerProcess.locateBinaries() else {
            throw TestPostgresError(message: "no PostgreSQL binaries (initdb, pg_ctl) found")
        }
        let server = try PostgresServerProcess.start(binaries: binaries)
        return TestPostgres(maintenance: clientConfiguration(
            host: "127.0.0.1", port: server.port, user: server.user, password: server.password, database: "postgres"))
    }

    /// A client configuration for tests: no TLS, a small pool.
    public static func clientConfiguration(host: String, port: Int, user: String, password: String?,
                                           database: String) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.maximumConnections = 8
        return configuration
    }

    static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host,
            ["postgres", "postgresql"].contains(components.scheme ?? "")
        else {
            throw TestPostgresError(message: "CALLBOARD_TEST_POSTGRES_URL is not a postgresql:// URL")
        }
        let database = components.path.split(separator: "/").first.map(String.init) ?? "postgres"
        return clientConfiguration(
            host: host, port: components.port ?? 5432, user: components.user ?? "postgres",
            password: components.password, database: database)
    }

    /// Creates an empty database and returns how to reach it.
    public func makeDatabase() async throws -> PostgresClient.Configuration {
        // Identifiers cannot be bound parameters; this one is made here of [a-z0-9_] only.
        let name = "callboard_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Self.quietLogger)
        var configuration = maintenance
        configuration.database = name
        return configuration
    }

    /// Drops a database made by ``makeDatabase()``, disconnecting its sessions (best effort).
    public func dropDatabase(_ configuration: PostgresClient.Configuration) async {
        guard let name = configuration.database, name.hasPrefix("callboard_test_"),
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else { return }
        _ = try? await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"),
                                   logger: Self.quietLogger)
    }
}
