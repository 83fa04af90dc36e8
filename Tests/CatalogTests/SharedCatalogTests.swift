import Catalog
import CallboardTesting
import Logging
@testable import StorePostgres
import Synchronization
import Testing

/// Several instances on one PostgreSQL catalog (SPEC §8): a mutation applied on one is visible
/// on every other at its next read, and every instance's change feed carries it.
@Suite(.enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(1)))
struct SharedCatalogTests {
    typealias F = EntityFactory
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Two instances' pools on one new database.
    static func twoInstances() async throws -> (PostgresBackend, PostgresBackend) {
        let configuration = try await TestPostgres.shared().makeDatabase()
        return (try await PostgresBackend.open(configuration: configuration, logger: Self.logger),
                try await PostgresBackend.open(configuration: configuration, logger: Self.logger))
    }

    /// Closes the pools and drops their database.
    static func close(_ first: PostgresBackend, _ second: PostgresBackend) async {
        await first.close()
        await second.close()
        await (try? await TestPostgres.shared())?.dropDatabase(first.configuration)
    }

    @Test func aMutationOnOneInstanceIsVisibleOnAnotherAndInItsChangeFeed() async throws {
        let (first, second) = try await Self.twoInstances()
        let writer = CatalogEngine(store: PostgresCatalogStore(database: first), logger: Self.logger)
        let reader = PostgresCatalogStore(database: second)

        try await writer.connection(for: "p").applyMutation(.full(F.deferred([F.component("svc"), F.group("team-a")])))
        let served = try #require(try await reader.entity(ref: "component:default/svc"))
        #expect(try JSONParser.parse(served).value(atPath: "relations")?.arrayValue?.count == 1)
        #expect(try await reader.changes(after: 0, limit: 10).map(\.entityRef).sorted()
            == ["component:default/svc", "group:default/team-a"])

        // Concurrent mutations from both instances apply one at a time; the feed has each once, in order.
        let secondWriter = CatalogEngine(store: reader, logger: Self.logger)
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
        await Self.close(first, second)
    }

    @Test func aMutationOnOneInstanceWakesTheChangeFeedsOfAnother() async throws {
        let (first, second) = try await Self.twoInstances()
        let writer = CatalogEngine(store: PostgresCatalogStore(database: first), logger: Self.logger)
        let readerStore = PostgresCatalogStore(database: second)
        let reader = CatalogEngine(store: readerStore, logger: Self.logger)
        let wakes = Atomic<Int>(0)
        let listening = Task {
            try await readerStore.listenForChanges {
                wakes.add(1, ordering: .relaxed)
                reader.changesCommittedElsewhere()
            }
        }
        // The first wake-up says the listener is in place; only then does the feed subscribe.
        #expect(try await eventually { wakes.load(ordering: .relaxed) == 1 })
        var feed = reader.changeNotifications().makeAsyncIterator()
        try await writer.connection(for: "p").applyMutation(.full(F.deferred([F.component("svc")])))
        _ = await feed.next()
        #expect(try await reader.store.changes(after: 0, limit: 10).map(\.entityRef) == ["component:default/svc"])
        listening.cancel()
        _ = try? await listening.value
        await Self.close(first, second)
    }
}
