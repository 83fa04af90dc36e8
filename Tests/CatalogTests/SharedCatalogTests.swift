import Catalog
import CallboardTesting
import Logging
import StorePostgres
import Testing

/// Several instances on one PostgreSQL catalog (SPEC §8): a mutation applied on one is visible
/// on every other at its next read, and every instance's change feed carries it.
@Suite(.enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(1)))
struct SharedCatalogTests {
    typealias F = EntityFactory

    @Test func aMutationOnOneInstanceIsVisibleOnAnotherAndInItsChangeFeed() async throws {
        let server = try await TestPostgres.shared()
        let configuration = try await server.makeDatabase()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let first = try await PostgresBackend.open(configuration: configuration, logger: logger)
        let second = try await PostgresBackend.open(configuration: configuration, logger: logger)
        let writer = CatalogEngine(store: PostgresCatalogStore(database: first), logger: logger)
        let reader = PostgresCatalogStore(database: second)

        try await writer.connection(for: "p").applyMutation(.full(F.deferred([F.component("svc"), F.group("team-a")])))
        let served = try #require(try await reader.entity(ref: "component:default/svc"))
        #expect(try JSONParser.parse(served).value(atPath: "relations")?.arrayValue?.count == 1)
        #expect(try await reader.changes(after: 0, limit: 10).map(\.entityRef).sorted()
            == ["component:default/svc", "group:default/team-a"])

        // Concurrent mutations from both instances apply one at a time; the feed has each once, in order.
        let secondWriter = CatalogEngine(store: reader, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<10 {
                let engine = index.isMultiple(of: 2) ? writer : secondWriter
                group.addTask {
                    try await engine.connection(for: "p\(index)").applyMutation(
                        .delta(added: F.deferred([F.component("svc-\(index)")]), removed: []))
                }
            }
            try await group.waitForAll()
        }
        let feed = try await PostgresCatalogStore(database: first).changes(after: 0, limit: 100)
        #expect(feed.map(\.sequence) == feed.map(\.sequence).sorted())
        #expect(Set(feed.map(\.entityRef)).count == 12)
        #expect(try await reader.entities(EntitiesRequest()).entities.count == 12)
        await first.close()
        await second.close()
        await server.dropDatabase(configuration)
    }
}
