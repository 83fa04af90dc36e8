import CallboardTesting
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
