import Catalog
import CallboardTesting
import Foundation
import Logging
import Metrics
import StoreSQLite

/// A catalog engine on a fresh SQLite store (a temp file, WAL mode), with helpers to read back.
struct CatalogHarness {
    let engine: CatalogEngine
    let store: SQLiteCatalogStore
    let directory: URL

    init(processors: [any EntityProcessor] = [], onDisk: Bool = true,
         metrics: any MetricsFactory = MetricsSystem.factory) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteCatalogStore(path: onDisk ? directory.appendingPathComponent("catalog.sqlite").path : nil)
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

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}
