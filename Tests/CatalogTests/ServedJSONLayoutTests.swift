import Catalog
import CallboardTesting
import Foundation
import GRDB
@testable import StoreSQLite
import Testing

/// The SQLite catalog keeps one copy of each entity, as served, and gets the processed JSON back
/// from it with ``Stitcher/Layout`` (migration v4 dropped the second copy).
@Suite struct ServedJSONLayoutTests {
    typealias F = EntityFactory

    static let relations = [
        EntityRelation(type: "dependsOn", targetRef: "component:default/b"),
        EntityRelation(type: "ownedBy", targetRef: "group:default/ünïcode-\"quoted\""),
    ]

    @Test(arguments: [[], Self.relations])
    func theProcessedJSONComesBackFromTheServedJSON(relations: [EntityRelation]) throws {
        var entities = try Fixtures.exampleEntities()
        entities.append(F.component("svc", dependsOn: ["component:b"], title: "Ünïcode \"title\" \\ with escapes"))
        #expect(entities.count > 10)
        for entity in entities {
            let processed = Stitcher.processedJSON(of: entity)
            let stitched = Stitcher.stitch(processedJSON: processed.json, metadataEnd: processed.metadataEnd,
                                           uid: "0193a0b1-0000-7000-8000-000000000001", relations: relations)
            #expect(Stitcher.processedJSON(fromServed: stitched.json, layout: stitched.layout) == processed.json)
            #expect(stitched.layout.metadataEnd == processed.metadataEnd)
            // The served JSON is the processed entity plus uid, etag and relations.
            let served = try JSONParser.parse(stitched.json)
            #expect(served["relations"]?.arrayValue?.count == relations.count)
            #expect(served.value(atPath: "metadata.etag")?.stringValue == stitched.etag)
        }
    }

    @Test func aLayoutThatDoesNotFitTheServedJSONGivesNothing() {
        let processed = Stitcher.processedJSON(of: F.component("svc"))
        let stitched = Stitcher.stitch(processedJSON: processed.json, metadataEnd: processed.metadataEnd, uid: "u",
                                       relations: [])
        var layout = stitched.layout
        layout.relationsStart = stitched.json.count
        #expect(Stitcher.processedJSON(fromServed: stitched.json, layout: layout) == nil)
        layout = stitched.layout
        layout.splicedEnd = layout.metadataEnd - 1
        #expect(Stitcher.processedJSON(fromServed: stitched.json, layout: layout) == nil)
        #expect(Stitcher.processedJSON(fromServed: [], layout: stitched.layout) == nil)
    }

    /// A catalog written before v4 (with `processed`) is converted: the offsets computed in SQL
    /// give back the processed JSON, and an entity whose relations change is re-stitched right.
    @Test func theMigrationConvertsACatalogWrittenBeforeIt() async throws {
        let (directory, path) = try CatalogHarness.temporaryCatalogPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = try DatabaseQueue(path: path)
        try CatalogSchema.migrator().migrate(queue, upTo: "v3-search-covers-facets")
        let entity = F.component("old", title: "Ünïcode \"title\"")
        let processed = Stitcher.processedJSON(of: entity)
        let uid = "0193a0b1-0000-7000-8000-00000000000a"
        let stitched = Stitcher.stitch(processedJSON: processed.json, metadataEnd: processed.metadataEnd, uid: uid,
                                       relations: [EntityRelation(type: "ownedBy", targetRef: "group:default/team-a")])
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO entities (uid, ref, provider, input_hash, processed, metadata_end, final, etag, updated_at)
                VALUES (?, 'component:default/old', 'p', 'h', ?, ?, ?, ?, '2026-01-01T00:00:00Z')
                """, arguments: [uid, Data(processed.json), processed.metadataEnd, Data(stitched.json), stitched.etag])
            try db.execute(sql: """
                INSERT INTO relations (origin_id, source_ref, type, target_ref)
                VALUES (1, 'component:default/old', 'ownedBy', 'group:default/team-a')
                """)
        }
        try queue.close()

        let catalog = try CatalogHarness(path: path)
        let store = try #require(catalog.sqliteStore)
        let layout = try await store.writer.read { db -> Stitcher.Layout? in
            try Row.fetchOne(db, sql: "SELECT metadata_end, spliced_end, relations_start FROM entities").map {
                Stitcher.Layout(metadataEnd: $0[0], splicedEnd: $0[1], relationsStart: $0[2])
            }
        }
        #expect(layout == stitched.layout)
        let columns = try await store.writer.read { db in try db.columns(in: "entities").map(\.name) }
        #expect(!columns.contains("processed"))
        #expect(try await catalog.entity("component:default/old") == (try JSONParser.parse(stitched.json)))

        // Another provider's entity names it: it is re-stitched from the converted row.
        try await catalog.provider("q").applyMutation(.full(F.deferred([F.component("new", dependsOn: ["component:old"])])))
        #expect(try await catalog.relations("component:default/old") == [
            "dependencyOf component:default/new", "ownedBy group:default/team-a",
        ])
        let served = try #require(try await catalog.entity("component:default/old"))
        #expect(served.value(atPath: "metadata.title")?.stringValue == "Ünïcode \"title\"")
        #expect(served.value(atPath: "metadata.uid")?.stringValue == uid)
        #expect(served.value(atPath: "metadata.etag")?.stringValue != stitched.etag)
    }
}
