import Catalog
import CallboardTesting
import Testing

/// SPEC §4.2: what full and delta mutations do.
@Suite struct MutationSemanticsTests {
    typealias F = EntityFactory

    @Test(arguments: StoreBackend.available)
    func fullMutationReplacesTheProvidersSet(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let provider = catalog.provider("p1")
        let first = try await provider.applyMutation(.full(F.deferred([F.component("a"), F.component("b")])))
        #expect(first.added == 2)
        let second = try await provider.applyMutation(.full(F.deferred([F.component("b"), F.component("c")])))
        #expect(second.added == 1)
        #expect(second.removed == 1)
        #expect(second.unchanged == 1)
        #expect(try await catalog.refs() == ["component:default/b", "component:default/c"])
    }

    @Test(arguments: StoreBackend.available)
    func emptyFullMutationRemovesEverythingTheProviderOwns(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("p1").applyMutation(.full(F.deferred([F.component("a")])))
        try await catalog.provider("p2").applyMutation(.full(F.deferred([F.component("b")])))
        let result = try await catalog.provider("p1").applyMutation(.full([]))
        #expect(result.removed == 1)
        #expect(try await catalog.refs() == ["component:default/b"])
    }

    @Test(arguments: StoreBackend.available)
    func unchangedFullMutationWritesNothing(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let provider = catalog.provider("p1")
        let entities = F.deferred([F.component("a", system: "sys"), F.component("b")], locationKey: "k")
        try await provider.applyMutation(.full(entities))
        let etag = try await catalog.etag("component:default/a")
        let changesBefore = try await catalog.changes().count
        let again = try await provider.applyMutation(.full(entities))
        #expect(again.unchanged == 2)
        #expect(again.added + again.updated + again.removed == 0)
        #expect(try await catalog.etag("component:default/a") == etag)
        #expect(try await catalog.changes().count == changesBefore)
    }

    @Test(arguments: StoreBackend.available)
    func changedContentUpdatesInPlaceAndChangesTheEtag(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let provider = catalog.provider("p1")
        try await provider.applyMutation(.full(F.deferred([F.component("a", lifecycle: "experimental")])))
        let uid = try await catalog.uid("component:default/a")
        let etag = try await catalog.etag("component:default/a")
        let result = try await provider.applyMutation(.full(F.deferred([F.component("a", lifecycle: "production")])))
        #expect(result.updated == 1)
        #expect(try await catalog.uid("component:default/a") == uid)
        #expect(try await catalog.etag("component:default/a") != etag)
        let served = try #require(try await catalog.entity("component:default/a"))
        #expect(served.value(atPath: "spec.lifecycle") == "production")
    }

    @Test(arguments: StoreBackend.available)
    func deltaModifyKeepsUIDAndEmitsOneUpdatedChange(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let provider = catalog.provider("frobs")
        try await provider.applyMutation(.delta(added: F.deferred([F.component("a", lifecycle: "experimental")]), removed: []))
        let uid = try #require(try await catalog.uid("component:default/a"))
        let before = try await catalog.changes().count
        let modified = F.component("a", lifecycle: "production")
        let result = try await provider.applyMutation(.delta(
            added: F.deferred([modified]), removed: [EntityRemoval(F.component("a", lifecycle: "experimental"))]))
        #expect(result.updated == 1)
        #expect(result.removed == 0)
        #expect(try await catalog.uid("component:default/a") == uid)
        let changes = try await catalog.changes().dropFirst(before)
        #expect(changes.map(\.type) == [.updated])
        #expect(changes.first?.uid == uid)
    }

    @Test(arguments: StoreBackend.available)
    func deltaRemovesOnlyWhatTheProviderOwns(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("p1").applyMutation(.delta(added: F.deferred([F.component("mine")]), removed: []))
        try await catalog.provider("p2").applyMutation(.delta(added: F.deferred([F.component("theirs")]), removed: []))
        let result = try await catalog.provider("p1").applyMutation(.delta(
            added: [], removed: [EntityRemoval(entityRef: "Component:default/theirs"),
                                 EntityRemoval(entityRef: "component:default/MINE")]))
        #expect(result.removed == 1)
        #expect(try await catalog.refs() == ["component:default/theirs"])
    }

    @Test(arguments: StoreBackend.available)
    func locationKeyConflictIsRecordedAndTheFirstOwnerKeepsTheEntity(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("first").applyMutation(
            .full(F.deferred([F.component("shared", lifecycle: "one")], locationKey: "url:first")))
        let uid = try await catalog.uid("component:default/shared")
        let result = try await catalog.provider("second").applyMutation(
            .full(F.deferred([F.component("shared", lifecycle: "two")], locationKey: "url:second")))
        #expect(result.conflicts.count == 1)
        #expect(result.conflicts.first?.owner == "first")
        let served = try #require(try await catalog.entity("component:default/shared"))
        #expect(served.value(atPath: "spec.lifecycle") == "one")
        #expect(try await catalog.uid("component:default/shared") == uid)
        let statuses = try await catalog.store.providerStatuses()
        let second = try #require(statuses.first { $0.name == "second" })
        #expect(second.conflicts.map(\.entityRef) == ["component:default/shared"])
        #expect(statuses.first { $0.name == "first" }?.entityCount == 1)
    }

    @Test(arguments: StoreBackend.available)
    func equalOrNilKeysLetAnotherProviderTakeTheEntityOver(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("first").applyMutation(.full(F.deferred([F.component("x", lifecycle: "one")])))
        let result = try await catalog.provider("second").applyMutation(
            .full(F.deferred([F.component("x", lifecycle: "two")])))
        #expect(result.conflicts.isEmpty)
        #expect(result.updated == 1)
        let statuses = try await catalog.store.providerStatuses()
        #expect(statuses.first { $0.name == "second" }?.entityCount == 1)
        #expect(statuses.first { $0.name == "first" }?.entityCount == 0)
    }

    @Test(arguments: StoreBackend.available)
    func invalidEntityIsRejectedAloneAndTheErrorIsKept(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let bad = F.component("invalid component", tags: ["go 1.15.3"])
        let result = try await catalog.provider("p1").applyMutation(.full(F.deferred([F.component("good"), bad])))
        #expect(result.added == 1)
        #expect(result.rejected.count == 1)
        #expect(result.rejected.first?.errors.contains { $0.contains("metadata.name") } == true)
        #expect(try await catalog.refs() == ["component:default/good"])
        let status = try #require(try await catalog.store.providerStatuses().first { $0.name == "p1" })
        #expect(status.rejected.count == 1)
        #expect(status.lastFullSyncAt != nil)
    }

    @Test(arguments: StoreBackend.available)
    func streamedFullMutationAppliesAllBatches(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let count = 2_500
        let stream = AsyncStream<DeferredEntity> { continuation in
            for index in 0..<count {
                continuation.yield(DeferredEntity(entity: F.component("c\(index)")))
            }
            continuation.finish()
        }
        let result = try await catalog.provider("big").applyMutation(.full(streaming: stream))
        #expect(result.added == count)
        #expect(try await catalog.store.providerStatuses().first?.entityCount == count)
    }

    @Test(arguments: StoreBackend.available)
    func aFailingStreamRollsTheWholeMutationBack(backend: StoreBackend) async throws {
        struct Boom: Error {}
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("p").applyMutation(.full(F.deferred([F.component("keep")])))
        let stream = AsyncThrowingStream<DeferredEntity, any Error> { continuation in
            for index in 0..<1_500 { continuation.yield(DeferredEntity(entity: F.component("n\(index)"))) }
            continuation.finish(throwing: Boom())
        }
        await #expect(throws: Boom.self) {
            try await catalog.provider("p").applyMutation(.full(streaming: stream))
        }
        #expect(try await catalog.refs() == ["component:default/keep"])
    }

    @Test(arguments: StoreBackend.available)
    func mutationsOfOneProviderApplyInOrder(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let provider = catalog.provider("p")
        // A full mutation whose stream is held open until the delta has been issued: if the delta
        // ran first, the full mutation would remove what it added.
        let (stream, release) = AsyncStream<DeferredEntity>.makeStream()
        let full = Task { try await provider.applyMutation(.full(streaming: stream)) }
        release.yield(DeferredEntity(entity: F.component("from-full")))
        try await Task.sleep(for: .milliseconds(50))
        let delta = Task { try await provider.applyMutation(.delta(added: F.deferred([F.component("from-delta")]), removed: [])) }
        try await Task.sleep(for: .milliseconds(50))
        release.finish()
        _ = try await full.value
        _ = try await delta.value
        #expect(try await catalog.refs() == ["component:default/from-delta", "component:default/from-full"])
    }

    @Test(arguments: StoreBackend.available)
    func orphanedProvidersAreRemovedAtStart(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("gone").applyMutation(.full(F.deferred([F.component("old")])))
        let kept = TestProvider(name: "kept")
        try await catalog.engine.start(providers: [kept])
        try await kept.apply(.full(F.deferred([F.component("new")])))
        #expect(try await catalog.refs() == ["component:default/new"])
        #expect(try await catalog.store.providerStatuses().map(\.name) == ["kept"])
    }

    @Test(arguments: StoreBackend.available)
    func managedByAnnotationsAreFilled(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        try await catalog.provider("frobs-dev").applyMutation(.full(F.deferred([F.component("a")])))
        let served = try #require(try await catalog.entity("component:default/a"))
        let annotations = served.value(atPath: "metadata.annotations")
        #expect(annotations?["backstage.io/managed-by-location"] == "provider:frobs-dev")
        #expect(annotations?["backstage.io/managed-by-origin-location"] == "provider:frobs-dev")
        #expect(served.value(atPath: "metadata.namespace") == "default")
    }

    @Test(arguments: StoreBackend.available)
    func deleteByUIDRemovesAndTheNextFullMutationRestores(backend: StoreBackend) async throws {
        let catalog = try await CatalogHarness(backend)
        defer { catalog.cleanUp() }
        let entities = F.deferred([F.component("a")])
        try await catalog.provider("p").applyMutation(.full(entities))
        let uid = try #require(try await catalog.uid("component:default/a"))
        #expect(try await catalog.engine.deleteEntity(uid: uid))
        #expect(try await catalog.refs().isEmpty)
        #expect(try await catalog.engine.deleteEntity(uid: uid) == false)
        let result = try await catalog.provider("p").applyMutation(.full(entities))
        #expect(result.added == 1)
    }
}
