import Catalog
import CallboardTesting
import GRDB
@testable import StoreSQLite
import Testing

/// A full mutation into an empty catalog drops the secondary indexes and builds them once at the
/// end (bulk mode); what it leaves behind must be exactly what row-by-row writes would.
@Suite struct BulkLoadTests {
    typealias F = EntityFactory

    static func indexes(_ store: SQLiteCatalogStore) async throws -> [String] {
        try await store.writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name
                """)
        }
    }

    @Test func aBulkLoadLeavesTheSchemaOfAFreshCatalog() async throws {
        let fresh = try CatalogHarness()
        defer { fresh.cleanUp() }
        let loaded = try CatalogHarness()
        defer { loaded.cleanUp() }
        let entities = (0..<50).map { F.component("svc-\($0)", owner: "team-\($0 % 3)", dependsOn: ["component:svc-\(($0 + 1) % 50)"]) }
        try await loaded.provider("p").applyMutation(.full(F.deferred(entities + [F.group("team-0")])))
        let expected = try await Self.indexes(try #require(fresh.sqliteStore))
        #expect(expected.contains { $0.hasPrefix("search_key_value: CREATE INDEX") })
        #expect(try await Self.indexes(try #require(loaded.sqliteStore)) == expected)
    }

    /// The index builds run with a small cache, so that SQLite's sorter stays small, and the
    /// writer gets its full cache back afterwards; sorted runs go to files, not memory.
    @Test func aBulkLoadRestoresTheWritersCacheAndKeepsTemporaryFilesOnDisk() async throws {
        let catalog = try CatalogHarness()
        defer { catalog.cleanUp() }
        let store = try #require(catalog.sqliteStore)
        try await catalog.provider("p").applyMutation(.full(F.deferred((0..<20).map { F.component("svc-\($0)") })))
        #expect(try await Self.indexes(store).contains { $0.hasPrefix("search_key_value: CREATE INDEX") })
        let (cacheSize, tempStore) = try await store.writer.writeWithoutTransaction { db in
            (try Int.fetchOne(db, sql: "PRAGMA cache_size"), try Int.fetchOne(db, sql: "PRAGMA temp_store"))
        }
        #expect(cacheSize == SQLiteCatalogStore.cacheSize)
        #expect(tempStore == 1)  // FILE
    }

    @Test func relationsWrittenInABulkLoadAreServedOnBothEndsWhateverTheOrder() async throws {
        let catalog = try CatalogHarness()
        defer { catalog.cleanUp() }
        try await catalog.provider("p").applyMutation(.full(F.deferred([
            F.component("a", owner: "team-x", dependsOn: ["component:b"]),
            F.group("team-x"),
            F.component("b", owner: "team-x", dependsOn: ["component:a"]),
        ])))
        #expect(try await catalog.relations("component:default/a").sorted() == [
            "dependencyOf component:default/b", "dependsOn component:default/b", "ownedBy group:default/team-x",
        ])
        #expect(try await catalog.relations("group:default/team-x").sorted() == [
            "ownerOf component:default/a", "ownerOf component:default/b",
        ])
        let page = try await catalog.store.entities(EntitiesRequest(filter: try EntityFilterParser.parse(["relations.ownedby=group:default/team-x"])))
        #expect(page.entities.count == 2)
    }

    @Test func aRefTwiceInOneBulkLoadEndsBulkModeAndKeepsTheLastContent() async throws {
        let catalog = try CatalogHarness()
        defer { catalog.cleanUp() }
        try await catalog.provider("p").applyMutation(.full(F.deferred([
            F.component("svc", owner: "team-a"), F.group("team-a"), F.group("team-b"),
            F.component("svc", owner: "team-b"),
        ])))
        #expect(try await catalog.relations("component:default/svc") == ["ownedBy group:default/team-b"])
        #expect(try await catalog.relations("group:default/team-a").isEmpty)
        #expect(try await catalog.relations("group:default/team-b") == ["ownerOf component:default/svc"])
        let fresh = try CatalogHarness()
        defer { fresh.cleanUp() }
        #expect(try await Self.indexes(try #require(catalog.sqliteStore)) == Self.indexes(try #require(fresh.sqliteStore)))
    }
}
