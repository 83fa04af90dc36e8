import Catalog
import CallboardTesting
import Testing

/// Registered locations are kept by every catalog backend alike.
@Suite struct LocationStoreTests {
    @Test(arguments: StoreBackend.available)
    func registersListsAndRemovesLocationsOnce(_ backend: StoreBackend) async throws {
        let harness = try await CatalogHarness(backend)
        defer { harness.cleanUp() }
        let store = try #require(harness.store as? any LocationStore)
        #expect(try await store.locations().isEmpty)
        let first = try #require(try await store.addLocation(type: "url", target: "https://example.com/a.yaml"))
        let second = try #require(try await store.addLocation(type: "url", target: "https://example.com/b.yaml"))
        // The same type and target twice: refused, the first stays.
        #expect(try await store.addLocation(type: "url", target: "https://example.com/a.yaml") == nil)
        #expect(try await store.locations() == [first, second])
        #expect(try await store.removeLocation(id: first.id))
        #expect(try await !store.removeLocation(id: first.id))
        #expect(try await store.locations() == [second])
    }
}
