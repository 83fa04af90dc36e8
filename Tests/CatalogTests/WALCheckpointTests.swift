import CallboardTesting
import Catalog
import Foundation
@testable import StoreSQLite
import Testing

/// Commits that grow the WAL past the threshold are checkpointed in the background: the data
/// reaches the database file without any writer running the checkpoint.
@Suite struct WALCheckpointTests {
    @Test func aLargeCommitIsCheckpointedIntoTheDatabaseFile() async throws {
        let catalog = try CatalogHarness()
        defer { catalog.cleanUp() }
        let path = catalog.directory.appendingPathComponent("catalog.sqlite").path
        let entities = (0..<3000).map { EntityFactory.component("svc-\($0)", title: String(repeating: "t", count: 200)) }
        try await catalog.provider("p").applyMutation(.full(EntityFactory.deferred(entities)))
        func size(_ file: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
        #expect(try await eventually { size(path) > 4_000_000 })
        #expect(await try #require(catalog.sqliteStore).checkpoint())
        #expect(size(path + "-wal") == 0)
    }
}
