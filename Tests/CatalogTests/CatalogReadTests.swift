import Catalog
import CallboardTesting
import Testing

/// The store's reads on every backend: filters, order and paging, keyset pages, full text,
/// facets, reads by ref.
@Suite(.timeLimit(.minutes(1))) struct CatalogReadTests {
    typealias F = EntityFactory

    /// Five components of two teams, and the teams.
    static func loaded(_ backend: StoreBackend) async throws -> CatalogHarness {
        let catalog = try await CatalogHarness(backend)
        let components = [
            F.component("svc-a", owner: "group:default/team-a"),
            F.component("svc-b", owner: "group:default/team-b", type: "website"),
            F.component("svc-c", owner: "group:default/team-a", tags: ["java"]),
            F.component("svc-d", owner: "group:default/team-b", type: "website"),
            F.component("svc-e", owner: "group:default/team-a"),
        ]
        try await catalog.provider("p").applyMutation(.full(F.deferred(components + [F.group("team-a"), F.group("team-b")])))
        return catalog
    }

    static func names(_ documents: [[UInt8]]) throws -> [String] {
        try documents.map { try JSONParser.parse($0).value(atPath: "metadata.name")?.stringValue ?? "" }
    }

    @Test(arguments: StoreBackend.available)
    func filtersOrderAndPages(backend: StoreBackend) async throws {
        let catalog = try await Self.loaded(backend)
        defer { catalog.cleanUp() }
        let websites = try await catalog.store.entities(EntitiesRequest(
            filter: try EntityFilterParser.parse(["kind=component,spec.type=website"])))
        #expect(try Self.names(websites.entities) == ["svc-b", "svc-d"])
        let ownedByB = try await catalog.store.entities(EntitiesRequest(
            filter: try EntityFilterParser.parse(["relations.ownedBy=group:default/team-b"])))
        #expect(try Self.names(ownedByB.entities) == ["svc-b", "svc-d"])
        let either = try await catalog.store.entities(EntitiesRequest(
            filter: try EntityFilterParser.parse(["kind=group", "metadata.tags=java"])))
        #expect(try Self.names(either.entities) == ["svc-c", "team-a", "team-b"])
        let page = try await catalog.store.entities(EntitiesRequest(
            filter: try EntityFilterParser.parse(["kind=component"]),
            order: [EntityOrder(field: "metadata.name", descending: true)], offset: 1, limit: 2))
        #expect(try Self.names(page.entities) == ["svc-d", "svc-c"])
        #expect(page.hasMore)
    }

    @Test(arguments: StoreBackend.available)
    func keysetPagesWalkEverythingOnceWithATotal(backend: StoreBackend) async throws {
        let catalog = try await Self.loaded(backend)
        defer { catalog.cleanUp() }
        var request = QueryEntitiesRequest(
            filter: try EntityFilterParser.parse(["kind=component"]), orderField: EntityOrder(field: "metadata.name"),
            limit: 2)
        var seen: [String] = []
        var total: Int?
        while true {
            let (rows, count) = try await catalog.store.queryEntities(request, countTotal: total == nil)
            total = total ?? count
            seen += try Self.names(rows.map(\.json))
            guard rows.count == request.limit, let last = rows.last else { break }
            request.position = last.position
        }
        #expect(seen == ["svc-a", "svc-b", "svc-c", "svc-d", "svc-e"])
        #expect(total == 5)
        let search = QueryEntitiesRequest(fullTextTerm: "VC-C", fullTextFields: ["metadata.name"])
        #expect(try Self.names(try await catalog.store.queryEntities(search, countTotal: false).rows.map(\.json))
            == ["svc-c"])
    }

    @Test(arguments: StoreBackend.available)
    func facetsAndReadsByRef(backend: StoreBackend) async throws {
        let catalog = try await Self.loaded(backend)
        defer { catalog.cleanUp() }
        let facets = try await catalog.store.facets(
            ["spec.type", "relations.ownedBy"], filter: try EntityFilterParser.parse(["kind=component"]))
        #expect(facets["spec.type"] == [FacetCount(value: "service", count: 3), FacetCount(value: "website", count: 2)])
        #expect(facets["relations.ownedBy"] == [
            FacetCount(value: "group:default/team-a", count: 3), FacetCount(value: "group:default/team-b", count: 2),
        ])
        let byRef = try await catalog.store.entities(
            refs: ["component:default/svc-e", "component:default/missing", "group:default/team-a", "Component:default/SVC-A"],
            filter: try EntityFilterParser.parse(["kind=component"]))
        #expect(byRef.map { $0 == nil } == [false, true, true, false])
        #expect(try Self.names(byRef.compactMap { $0 }) == ["svc-e", "svc-a"])
    }
}
