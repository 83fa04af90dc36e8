import Catalog
import CallboardTesting
import Testing

/// SPEC §4.3: relations on both ends, kept current when either side changes; processors.
@Suite struct RelationsAndProcessingTests {
    typealias F = EntityFactory

    @Test(arguments: StoreBackend.available)
    func relationsAppearOnBothEnds(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("p").applyMutation(.full(F.deferred([
            F.group("team-a"), F.component("svc", owner: "team-a", system: "shop"),
        ])))
        #expect(try await catalog.relations("component:default/svc").contains("ownedBy group:default/team-a"))
        #expect(try await catalog.relations("component:default/svc").contains("partOf system:default/shop"))
        #expect(try await catalog.relations("group:default/team-a") == ["ownerOf component:default/svc"])
    }

    @Test(arguments: StoreBackend.available)
    func aTargetAddedLaterGetsItsInverseRelationAndAnUpdatedChange(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("components").applyMutation(.full(F.deferred([F.component("svc", owner: "team-a")])))
        try await catalog.provider("groups").applyMutation(.full(F.deferred([F.group("team-a")])))
        #expect(try await catalog.relations("group:default/team-a") == ["ownerOf component:default/svc"])
    }

    @Test(arguments: StoreBackend.available)
    func changingTheOwnerMovesTheInverseRelationAndChangesTheOldOwnersEtag(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("groups").applyMutation(.full(F.deferred([F.group("team-a"), F.group("team-b")])))
        try await catalog.provider("components").applyMutation(.full(F.deferred([F.component("svc", owner: "team-a")])))
        let etagA = try await catalog.etag("group:default/team-a")
        let before = try await catalog.changes().count
        try await catalog.provider("components").applyMutation(.full(F.deferred([F.component("svc", owner: "team-b")])))
        #expect(try await catalog.relations("group:default/team-a").isEmpty)
        #expect(try await catalog.relations("group:default/team-b") == ["ownerOf component:default/svc"])
        #expect(try await catalog.etag("group:default/team-a") != etagA)
        let changed = try await catalog.changes().dropFirst(before).map(\.entityRef).sorted()
        #expect(changed == ["component:default/svc", "group:default/team-a", "group:default/team-b"])
    }

    @Test(arguments: StoreBackend.available)
    func removingAnEntityRemovesItsRelationsFromTheOtherEnd(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("groups").applyMutation(.full(F.deferred([F.group("team-a")])))
        try await catalog.provider("components").applyMutation(.full(F.deferred([F.component("svc", owner: "team-a")])))
        try await catalog.provider("components").applyMutation(.full([]))
        #expect(try await catalog.relations("group:default/team-a").isEmpty)
    }

    @Test(arguments: StoreBackend.available)
    func unqualifiedTargetsTakeTheSourceNamespace(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("p").applyMutation(.full(F.deferred([
            F.component("svc", namespace: "payments", owner: "team-x"),
        ])))
        #expect(try await catalog.relations("component:payments/svc") == ["ownedBy group:payments/team-x"])
    }

    struct TaggingProcessor: EntityProcessor {
        let name = "tagging"
        func postProcessEntity(_ entity: Entity, context: inout ProcessingContext) throws -> Entity {
            var entity = entity
            entity.metadata.labels = (entity.metadata.labels ?? [:]).merging(["processed": "yes"]) { $1 }
            context.emit(refreshKey: "url:https://example.com/\(entity.metadata.name)")
            return entity
        }
    }

    struct RejectingProcessor: EntityProcessor {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "names starting with x are refused" }
        }
        let name = "rejecting"
        func preProcessEntity(_ entity: Entity, context: inout ProcessingContext) throws -> Entity {
            if entity.metadata.name.hasPrefix("x") { throw Refused() }
            return entity
        }
    }

    @Test(arguments: StoreBackend.available)
    func processorsRunOnEveryEntityAndCanReject(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend, processors: [TaggingProcessor(), RejectingProcessor()])
        defer { catalog.cleanUp() }
        let result = try await catalog.provider("p").applyMutation(.full(F.deferred([
            F.component("alpha"), F.component("xray"),
        ])))
        #expect(result.added == 1)
        #expect(result.rejected.first?.errors.first?.contains("names starting with x are refused") == true)
        let served = try #require(try await catalog.entity("component:default/alpha"))
        #expect(served.value(atPath: "metadata.labels.processed") == "yes")
        #expect(try await catalog.engine.store.refresh(keys: ["url:https://example.com/alpha"]) { _, _ in
            .failure(EntityRejection(entityRef: nil, errors: ["not re-prepared in this test"]))
        } == 1)
    }

    @Test(arguments: StoreBackend.available)
    func refreshByEntityRefReprocesses(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("p").applyMutation(.full(F.deferred([F.component("a")])))
        #expect(try await catalog.engine.refresh(entityRef: "component:default/a"))
        #expect(try await catalog.engine.refresh(entityRef: "component:default/missing") == false)
        #expect(try await catalog.refs() == ["component:default/a"])
    }
}
