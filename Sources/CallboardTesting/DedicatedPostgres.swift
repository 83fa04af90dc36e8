import Foundation
import PostgresNIO

/// A PostgreSQL server of one test's own, which the test may stop and start again (faults:
/// "PostgreSQL down, then back"). Unlike ``TestPostgres``, nothing else shares it.
public final class DedicatedPostgres: Sendable {
    /// How to reach its `postgres` database as its superuser.
    public let configuration: PostgresClient.Configuration
    private let process: PostgresServerProcess

    private init(process: PostgresServerProcess) {
        self.process = process
        configuration = TestPostgres.clientConfiguration(
            host: "127.0.0.1", port: process.port, user: process.user, password: process.password, database: "postgres")
    }

    /// Starts one; nil when this machine has no PostgreSQL binaries (a server named by
    /// `CALLBOARD_TEST_POSTGRES_URL` cannot be stopped by a test).
    public static func start() throws -> DedicatedPostgres? {
        guard let binaries = PostgresServerProcess.locateBinaries() else { return nil }
        return DedicatedPostgres(process: try PostgresServerProcess.start(binaries: binaries))
    }

    /// Stops the server; clients see their connections close.
    public func stop() throws {
        try process.stop()
    }

    /// Starts it again on the same port with the same data.
    public func restart() throws {
        try process.restart()
    }
}
