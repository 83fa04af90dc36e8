import CallboardTesting
import Foundation
import Logging
import Scheduler
import StorePostgres
import StoreSQLite
import Testing

/// The task stores under test: the conformance suites run on each.
enum StoreKind: String, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite
    case postgres

    /// In memory and SQLite always; PostgreSQL when a server is available (see `TestPostgresAvailability`).
    static let available: [StoreKind] = [.memory, .sqlite] + (StoreBackend.available.contains(.postgres) ? [.postgres] : [])

    var testDescription: String { rawValue }

    /// One store.
    func make() async throws -> TaskStores {
        try await make(instances: 1)
    }

    /// `instances` stores on one database, as that many instances see it: one shared object in
    /// memory, stores on one SQLite file, separate connection pools on one PostgreSQL database.
    func make(instances: Int) async throws -> TaskStores {
        switch self {
        case .memory:
            let store = InMemoryTaskStore()
            return TaskStores(stores: Array(repeating: store, count: instances), cleanUpStores: {})
        case .sqlite:
            let directory = try temporaryDirectory()
            let path = directory.appendingPathComponent("scheduler.sqlite").path
            let stores: [any TaskStore] = try (0..<instances).map { _ in try SQLiteTaskStore(path: path) }
            return TaskStores(stores: stores, cleanUpStores: { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            let server = try await TestPostgres.shared()
            let configuration = try await server.makeDatabase()
            var databases: [PostgresBackend] = []
            for _ in 0..<instances {
                databases.append(try await PostgresBackend.open(configuration: configuration, logger: quietLogger))
            }
            return TaskStores(stores: databases.map { PostgresTaskStore(database: $0) }, cleanUpStores: { [databases] in
                for database in databases { await database.close() }
                await server.dropDatabase(configuration)
            })
        }
    }
}

/// Task stores of one database, and how to delete it.
struct TaskStores: Sendable {
    let stores: [any TaskStore]
    let cleanUpStores: @Sendable () async -> Void

    /// The first (or only) store.
    var store: any TaskStore { stores[0] }

    /// Closes and deletes the stores' database (in the background: `defer` cannot wait).
    func cleanUp() {
        let cleanUpStores = self.cleanUpStores
        Task { await cleanUpStores() }
    }
}
