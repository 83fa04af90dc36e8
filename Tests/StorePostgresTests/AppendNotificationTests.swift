import CallboardTesting
import Events
@testable import StorePostgres
import Synchronization
import Testing

/// LISTEN/NOTIFY: an append committed through one instance's pool reaches the listener of
/// another instance, so its dispatchers wake without waiting for a poll.
@Suite("PostgreSQL append notifications", .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(1)))
struct AppendNotificationTests {
    @Test func anAppendOnOneInstanceNotifiesTheListenerOfAnother() async throws {
        let fresh = try await FreshDatabase()
        let publisher = try await fresh.open()
        let consumer = try await fresh.open()
        let wakes = Atomic<Int>(0)
        let listening = Task {
            try await PostgresEventLog(database: consumer).listenForAppends { wakes.add(1, ordering: .relaxed) }
        }
        // The first wake-up says the listener is in place (it catches up once when it starts).
        #expect(try await eventually { wakes.load(ordering: .relaxed) == 1 })
        let log = PostgresEventLog(database: publisher)
        _ = try await log.append([NewEvent(topic: "t", payload: Array("{}".utf8))])
        #expect(try await eventually { wakes.load(ordering: .relaxed) == 2 })
        listening.cancel()
        _ = try? await listening.value
        await publisher.close()
        await consumer.close()
        await fresh.cleanUp()
    }
}
