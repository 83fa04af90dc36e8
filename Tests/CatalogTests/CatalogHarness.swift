import Catalog
import CallboardTesting
import Foundation
import Logging
import Metrics
import StorePostgres
import StoreSQLite

/// A catalog engine on a fresh store: SQLite (a temp file, WAL mode, or in memory) or a new
/// PostgreSQL database, with helpers to read back.
struct CatalogHarness {
    let engine: CatalogEngine
    let store: any CatalogStore
    /// The store when it is SQLite, for the tests of SQLite's own mechanics.
    let sqliteStore: SQLiteCatalogStore?
    /// Where the SQLite store keeps its file (unused on PostgreSQL).
    let directory: URL
    private let cleanUpStore: @Sendable () async -> Void

    /// A harness on SQLite.
    init(processors: [any EntityProcessor] = [], onDisk: Bool = true,
         metrics: any MetricsFactory = MetricsSystem.factory) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sqlite = try SQLiteCatalogStore(path: onDisk ? directory.appendingPathComponent("catalog.sqlite").path : nil)
        self.init(store: sqlite, sqliteStore: sqlite, directory: directory, processors: processors, metrics: metrics) {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// A harness on `backend`.
    /// A new temporary directory and the path of a catalog file in it; the caller deletes it.
    static func temporaryCatalogPath() throws -> (directory: URL, path: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory, directory.appendingPathComponent("catalog.sqlite").path)
    }

    /// A harness on an existing SQLite file (migrated as the server would); the caller deletes it.
    init(path: String) throws {
        let sqlite = try SQLiteCatalogStore(path: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        self.init(store: sqlite, sqliteStore: sqlite, directory: directory, processors: [],
                  metrics: MetricsSystem.factory) {}
    }

    init(_ backend: StoreBackend, processors: [any EntityProcessor] = []) async throws {
        switch backend {
        case .sqlite:
            try self.init(processors: processors)
        case .postgres:
            let server = try await TestPostgres.shared()
            let configuration = try await server.makeDatabase()
            let database = try await PostgresBackend.open(
                configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            self.init(store: PostgresCatalogStore(database: database), sqliteStore: nil,
                      directory: FileManager.default.temporaryDirectory, processors: processors) {
                await database.close()
                await server.dropDatabase(configuration)
            }
        }
    }

    private init(store: any CatalogStore, sqliteStore: SQLiteCatalogStore?, directory: URL,
                 processors: [any EntityProcessor], metrics: any MetricsFactory = MetricsSystem.factory,
                 cleanUp: @escaping @Sendable () async -> Void) {
        self.store = store
        self.sqliteStore = sqliteStore
        self.directory = directory
        cleanUpStore = cleanUp
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        engine = CatalogEngine(store: store, processors: processors, logger: logger, metricsFactory: metrics)
    }

    func provider(_ name: String) -> any EntityProviderConnection {
        engine.connection(for: name)
    }

    /// The served entity with this ref, parsed.
    func entity(_ ref: String) async throws -> JSONValue? {
        try await store.entity(ref: ref).map { try JSONParser.parse($0) }
    }

    /// Every served entity's ref, sorted.
    func refs() async throws -> [String] {
        try await store.entities(EntitiesRequest()).entities.map { json in
            let value = try JSONParser.parse(json)
            return try Entity(json: value).ref.description
        }
    }

    /// The relations served on an entity as "type target" strings.
    func relations(_ ref: String) async throws -> [String] {
        guard let entity = try await entity(ref) else { return [] }
        return (entity["relations"]?.arrayValue ?? []).map {
            "\($0["type"]?.stringValue ?? "") \($0["targetRef"]?.stringValue ?? "")"
        }
    }

    func uid(_ ref: String) async throws -> String? {
        try await entity(ref)?.value(atPath: "metadata.uid")?.stringValue
    }

    func etag(_ ref: String) async throws -> String? {
        try await entity(ref)?.value(atPath: "metadata.etag")?.stringValue
    }

    func changes() async throws -> [CatalogChange] {
        try await store.changes(after: 0, limit: 1_000_000)
    }

    /// Closes and deletes the store (in the background: `defer` cannot wait).
    func cleanUp() {
        let cleanUpStore = self.cleanUpStore
        Task { await cleanUpStore() }
    }
}
