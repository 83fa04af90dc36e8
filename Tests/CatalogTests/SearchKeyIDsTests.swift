import Catalog
import CallboardTesting
import Foundation
import GRDB
@testable import StoreSQLite
import Testing

/// The filter index keeps its keys by id (`search_keys`) and an original value only where it
/// differs from the lower-cased one: a catalog written before that converts to the same answers,
/// and updates reuse the keys they find.
@Suite struct SearchKeyIDsTests {
    typealias F = EntityFactory

    /// Every answer a filter or facet read gives on `store`, as comparable text.
    static func answers(_ store: SQLiteCatalogStore) async throws -> [String] {
        var answers: [String] = []
        for (name, filter) in ReadQueryTests.filters.sorted(by: { $0.key < $1.key }) {
            let refs = try await ReadQueryTests.all(store, filter).map(\.ref)
            answers.append("\(name): \(refs)")
            let facets = try await store.facets(["spec.type", "metadata.tags", "kind", "metadata.name"], filter: filter)
            for (field, counts) in facets.sorted(by: { $0.key < $1.key }) {
                answers.append("\(name) facets \(field): \(counts.map { "\($0.value)=\($0.count)" })")
            }
        }
        let byType = EntityFilter(anyOf: [.init(conditions: [.init(key: "spec.type", values: ["SERVICE"])])])
        let page = try await store.queryEntities(
            QueryEntitiesRequest(filter: byType, orderField: EntityOrder(field: "spec.type", descending: true), limit: 100),
            countTotal: true)
        answers.append("by-query: \(page.totalItems ?? -1) \(try page.rows.map { try ReadQueryTests.Seen($0.json).ref })")
        return answers
    }

    /// The index rows with their key's name and the original value as it reads: (entity, key, value, original).
    static func indexRows(_ store: SQLiteCatalogStore) async throws -> [String] {
        try await store.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.entity_id, k.name, quote(s.value), coalesce(s.original_value, s.value) FROM search s
                JOIN search_keys k ON k.id = s.key ORDER BY 1, 2, 3
                """).map { "\($0[0] as Int64) \($0[1] as String) \($0[2] as String) \(String(describing: $0[3] as String?))" }
        }
    }

    @Test func aCatalogWrittenWithKeyTextConvertsToTheSameAnswers() async throws {
        let catalog = try await ReadQueryTests.Catalog(selectiveMatches: Int.max)
        defer { catalog.cleanUp() }
        let expectedAnswers = try await Self.answers(catalog.store)
        let expectedRows = try await Self.indexRows(catalog.store)
        #expect(expectedRows.contains { $0.contains(" spec.type 'service' Optional(\"Service\")") })

        // Put the index back the way `v4` left it (key text, every original spelled out) and
        // forget that `v5` ran.
        try await catalog.store.writer.write { db in
            try db.execute(sql: """
                CREATE TABLE search_v4 (
                    entity_id INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value NOT NULL,
                    original_value TEXT,
                    PRIMARY KEY (entity_id, key, value)
                ) WITHOUT ROWID;
                INSERT INTO search_v4 SELECT s.entity_id, k.name, s.value,
                    CASE WHEN typeof(s.value) = 'text' THEN coalesce(s.original_value, s.value) ELSE s.original_value END
                    FROM search s JOIN search_keys k ON k.id = s.key;
                DROP TABLE search;
                DROP TABLE search_keys;
                ALTER TABLE search_v4 RENAME TO search;
                CREATE INDEX search_key_value ON search(key, value, original_value);
                DELETE FROM grdb_migrations WHERE identifier = 'v5-search-key-ids';
                """)
        }
        let v4Originals = try await catalog.store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM search WHERE original_value = value")
        }
        #expect((v4Originals ?? 0) > 0)

        let converted = try SQLiteCatalogStore(path: catalog.directory.appendingPathComponent("catalog.sqlite").path)
        #expect(try await Self.indexRows(converted) == expectedRows)
        let stored = try await converted.writer.read { db in
            (keyType: try String.fetchOne(db, sql: "SELECT DISTINCT typeof(key) FROM search"),
             equalOriginals: try Int.fetchOne(db, sql: "SELECT count(*) FROM search WHERE original_value = value"),
             keys: try Int.fetchOne(db, sql: "SELECT count(*) FROM search_keys"),
             usedKeys: try Int.fetchOne(db, sql: "SELECT count(DISTINCT key) FROM search"))
        }
        #expect(stored.keyType == "integer")
        #expect(stored.equalOriginals == 0)
        #expect(stored.keys == stored.usedKeys)
        #expect(try await Self.answers(converted) == expectedAnswers)
    }

    @Test func updatesReuseTheKeysTheyFindAndAddOnlyNewOnes() async throws {
        let catalog = try CatalogHarness()
        defer { catalog.cleanUp() }
        let store = try #require(catalog.sqliteStore)
        let provider = catalog.provider("p")
        try await provider.applyMutation(.full(F.deferred([F.component("a", type: "Service"), F.component("b")])))
        let keyNames = { try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM search_keys ORDER BY id") } }
        let before = try await keyNames()
        #expect(before.contains("spec.type"))
        #expect(!before.contains("metadata.labels.tier"))

        // A changed entity with the same fields adds no key; a new field adds one, at the end.
        try await provider.applyMutation(.full(F.deferred([
            F.component("a", type: "Website"), F.component("b", labels: ["tier": "Gold"]),
        ])))
        #expect(try await keyNames() == before + ["metadata.labels.tier"])
        let types = try await store.facets(["spec.type", "metadata.labels.tier"], filter: EntityFilter())
        #expect(Set(types["spec.type"]?.map { "\($0.value)=\($0.count)" } ?? []) == ["service=1", "Website=1"])
        #expect(types["metadata.labels.tier"] == [FacetCount(value: "Gold", count: 1)])
        let gold = EntityFilter(anyOf: [.init(conditions: [.init(key: "metadata.labels.tier", values: ["gold"])])])
        #expect(try await ReadQueryTests.all(store, gold).map(\.ref) == ["component:default/b"])
        let oldType = EntityFilter(anyOf: [.init(conditions: [.init(key: "spec.type", values: ["service"])])])
        #expect(try await ReadQueryTests.all(store, oldType).map(\.ref) == ["component:default/b"])

        // A key nobody has indexed matches nothing and is not added by reading it.
        let unknown = EntityFilter(anyOf: [.init(conditions: [.init(key: "spec.nothing")])])
        #expect(try await ReadQueryTests.all(store, unknown).isEmpty)
        #expect(try await keyNames() == before + ["metadata.labels.tier"])
    }
}
