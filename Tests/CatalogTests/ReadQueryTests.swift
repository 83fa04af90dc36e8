import Catalog
import CallboardTesting
import Foundation
import GRDB
import Logging
@testable import StoreSQLite
import Testing

/// The store answers every read the same whichever way it reads a filter: from its matches
/// (`selectiveMatches` above any count) or by probing rows in an index's order (0). Orders,
/// keyset pages in both directions, totals and facets are checked against what the entities say.
@Suite struct ReadQueryTests {
    typealias F = EntityFactory

    /// A catalog of components (with one, several or no tags, types spelled two ways) and
    /// groups (no lifecycle, no tags) on a store with the given threshold.
    struct Catalog {
        let store: SQLiteCatalogStore
        let directory: URL

        init(selectiveMatches: Int) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try SQLiteCatalogStore(
                path: directory.appendingPathComponent("catalog.sqlite").path, selectiveMatches: selectiveMatches)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let engine = CatalogEngine(store: store, logger: logger)
            var entities: [Entity] = []
            for index in 0..<12 {
                let tags = [["go", "web"], ["java"], ["web", "batch"], []][index % 4]
                entities.append(F.component(
                    "svc-\(String(format: "%02d", (index * 5) % 12))", owner: "group:default/team-\(index % 2)",
                    type: index % 3 == 0 ? "Service" : (index % 3 == 1 ? "service" : "website"),
                    lifecycle: ["production", "experimental", "deprecated"][index % 3],
                    tags: tags.isEmpty ? nil : tags))
            }
            entities += ["team-0", "team-1", "a-team"].map { F.group($0) }
            try await engine.connection(for: "p").applyMutation(.full(F.deferred(entities)))
        }

        func cleanUp() { try? FileManager.default.removeItem(at: directory) }
    }

    /// An entity as a test sees it: its ref, uid and the text values of a field.
    struct Seen: Equatable {
        var ref: String
        var uid: String
        var json: JSONValue

        init(_ bytes: [UInt8]) throws {
            json = try JSONParser.parse(bytes)
            let entity = try Entity(json: json)
            ref = entity.ref.description.lowercased()
            uid = json.value(atPath: "metadata.uid")?.stringValue ?? ""
        }

        /// The smallest lower-cased text value of `field`, as the listing sorts on.
        func sortValue(_ field: String) -> String? {
            guard let value = json.value(atPath: field) else { return nil }
            let texts = (value.arrayValue ?? [value]).compactMap(\.stringValue).map { $0.lowercased() }
            return texts.min()
        }
    }

    static func all(_ store: SQLiteCatalogStore, _ filter: EntityFilter = EntityFilter()) async throws -> [Seen] {
        try await store.entities(EntitiesRequest(filter: filter)).entities.map(Seen.init)
    }

    /// The expected order: (no value, value, uid), ascending or descending.
    static func expected(_ seen: [Seen], field: String, descending: Bool) -> [String] {
        let sorted = seen.sorted { a, b in
            let (va, vb) = (a.sortValue(field), b.sortValue(field))
            let ka = (va == nil ? 1 : 0, va ?? "", a.uid)
            let kb = (vb == nil ? 1 : 0, vb ?? "", b.uid)
            return descending ? ka > kb : ka < kb
        }
        return sorted.map(\.ref)
    }

    static let filters: [String: EntityFilter] = [
        "none": EntityFilter(),
        "kind=component": EntityFilter(anyOf: [.init(conditions: [.init(key: "kind", values: ["Component"])])]),
        "kind=group OR spec.type=website": EntityFilter(anyOf: [
            .init(conditions: [.init(key: "kind", values: ["group"])]),
            .init(conditions: [.init(key: "spec.type", values: ["website"])]),
        ]),
        "component owned by team-0 with tags": EntityFilter(anyOf: [.init(conditions: [
            .init(key: "kind", values: ["component"]), .init(key: "relations.ownedBy", values: ["group:default/team-0"]),
            .init(key: "metadata.tags"),
        ])]),
        "tags go or java, lifecycle exists": EntityFilter(anyOf: [.init(conditions: [
            .init(key: "metadata.tags", values: ["go", "java"]), .init(key: "spec.lifecycle"),
        ])]),
    ]

    @Test(arguments: [0, Int.max])
    func byQueryPagesFollowTheOrderBothWaysWithTotals(selectiveMatches: Int) async throws {
        let catalog = try await Catalog(selectiveMatches: selectiveMatches)
        defer { catalog.cleanUp() }
        let store = catalog.store
        for (name, filter) in Self.filters {
            let matching = try await Self.all(store, filter)
            for field in ["metadata.name", "spec.lifecycle", "metadata.tags", "metadata.uid", "kind"] {
                for descending in [false, true] {
                    let expected = Self.expected(matching, field: field, descending: descending)
                    let order = EntityOrder(field: field, descending: descending)
                    var request = QueryEntitiesRequest(filter: filter, orderField: order, limit: 4)
                    let first = try await store.queryEntities(request, countTotal: true)
                    #expect(first.totalItems == matching.count, "\(name), \(field)")
                    var pages = [first.rows]
                    while let position = pages.last?.last?.position {
                        request.position = position
                        let page = try await store.queryEntities(request, countTotal: false)
                        if page.rows.isEmpty { break }
                        pages.append(page.rows)
                    }
                    let refs = try pages.map { try $0.map { try Seen($0.json).ref } }
                    #expect(refs.flatMap { $0 } == expected, "\(name), \(field), descending: \(descending)")
                    // Back from each page's first row: the page before it.
                    for index in pages.indices.dropFirst() {
                        request.position = pages[index][0].position
                        request.position?.backwards = true
                        let page = try await store.queryEntities(request, countTotal: false)
                        #expect(try page.rows.map { try Seen($0.json).ref } == refs[index - 1],
                                "\(name), \(field), descending: \(descending), back from page \(index)")
                    }
                }
            }
        }
    }

    @Test(arguments: [0, Int.max])
    func offsetsAndFullTextTermsKeepTheOrder(selectiveMatches: Int) async throws {
        let catalog = try await Catalog(selectiveMatches: selectiveMatches)
        defer { catalog.cleanUp() }
        let store = catalog.store
        let everything = try await Self.all(store)
        let byName = Self.expected(everything, field: "metadata.name", descending: true)
        let page = try await store.queryEntities(QueryEntitiesRequest(
            orderField: EntityOrder(field: "metadata.name", descending: true), limit: 5, offset: 3), countTotal: true)
        #expect(try page.rows.map { try Seen($0.json).ref } == Array(byName[3..<8]))
        #expect(page.totalItems == everything.count)
        let searched = try await store.queryEntities(QueryEntitiesRequest(
            orderField: EntityOrder(field: "metadata.name"), fullTextTerm: "SVC-1", limit: 10), countTotal: true)
        #expect(try searched.rows.map { try Seen($0.json).ref }
            == ["component:default/svc-10", "component:default/svc-11"])
        #expect(searched.totalItems == 2)
    }

    @Test(arguments: [0, Int.max])
    func entitiesPagesInRefOrderAndByRefsKeepTheFilter(selectiveMatches: Int) async throws {
        let catalog = try await Catalog(selectiveMatches: selectiveMatches)
        defer { catalog.cleanUp() }
        let store = catalog.store
        for (name, filter) in Self.filters {
            let matching = try await Self.all(store, filter).map(\.ref)
            #expect(matching == matching.sorted(), "\(name)")
            var seen: [String] = []
            var offset = 0
            while true {
                let page = try await store.entities(EntitiesRequest(filter: filter, offset: offset, limit: 5))
                seen += try page.entities.map { try Seen($0).ref }
                offset += 5
                if !page.hasMore { break }
            }
            #expect(seen == matching, "\(name)")
            let refs = ["group:default/team-0", "component:default/svc-03", "component:default/nope"]
            let found = try await store.entities(refs: refs, filter: filter)
            #expect(try found.map { try $0.map { try Seen($0).ref } } == refs.map { matching.contains($0) ? $0 : nil },
                    "\(name)")
        }
    }

    @Test(arguments: [0, Int.max])
    func facetsCountEntitiesPerOriginalSpelling(selectiveMatches: Int) async throws {
        let catalog = try await Catalog(selectiveMatches: selectiveMatches)
        defer { catalog.cleanUp() }
        let store = catalog.store
        for (name, filter) in Self.filters {
            let matching = try await Self.all(store, filter)
            let facets = try await store.facets(["spec.type", "metadata.tags", "kind", "relations.ownedBy"], filter: filter)
            for field in ["spec.type", "metadata.tags", "kind"] {
                var counts: [String: Int] = [:]
                for entity in matching {
                    guard let value = entity.json.value(atPath: field) else { continue }
                    for text in Set((value.arrayValue ?? [value]).compactMap(\.stringValue)) { counts[text, default: 0] += 1 }
                }
                let expected = counts.sorted { $0.key < $1.key }.map { FacetCount(value: $0.key, count: $0.value) }
                #expect(facets[field] == expected, "\(name), \(field)")
            }
            let owned = matching.filter { $0.ref.hasPrefix("component:") }
            #expect(facets["relations.ownedBy"]?.reduce(0) { $0 + $1.count } == owned.count, "\(name)")
        }
        let types = try await store.facets(["spec.type"], filter: EntityFilter())["spec.type"]
        #expect(types == [
            FacetCount(value: "Service", count: 4), FacetCount(value: "service", count: 4),
            FacetCount(value: "team", count: 3), FacetCount(value: "website", count: 4),
        ])
    }

    @Test func theFacetMigrationConvertsAnExistingCatalog() async throws {
        let (directory, path) = try CatalogHarness.temporaryCatalogPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A catalog as the previous release left it: migrated up to v2, with index rows.
        let queue = try DatabaseQueue(path: path)
        try CatalogSchema.migrator().migrate(queue, upTo: "v2-locations")
        try await queue.write { db in
            for (id, type) in ["Service", "service", "Service", "website"].enumerated() {
                try db.execute(sql: "INSERT INTO search (entity_id, key, value, original_value) VALUES (?, 'spec.type', ?, ?)",
                               arguments: [id + 1, type.lowercased(), type])
            }
        }
        let before = try await queue.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'search_key_value'")
        }
        #expect(before == "CREATE INDEX search_key_value ON search(key, value)")
        try queue.close()

        let store = try SQLiteCatalogStore(path: path)
        let after = try await store.writer.read { db in
            try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'search_key_value'")
        }
        #expect(after == CatalogSchema.deferrableIndexes.first { $0.name == "search_key_value" }?.sql)
        #expect(try await store.facets(["spec.type"], filter: EntityFilter())["spec.type"] == [
            FacetCount(value: "Service", count: 2), FacetCount(value: "service", count: 1),
            FacetCount(value: "website", count: 1),
        ])
    }
}
