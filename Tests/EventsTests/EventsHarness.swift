import CallboardTesting
import CatalogModel
import Events
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import StorePostgres
import StoreSQLite
import Synchronization

/// A clock that does not sleep but records how long it was asked to.
final class RecordingClock: DeliveryClock {
    let sleeps = Mutex<[Duration]>([])
    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        sleeps.withLock { $0.append(duration) }
        await Task.yield()
    }
}

/// Collects what a subscriber received, and lets a test wait for a count.
final class Inbox: Sendable {
    private let state = Mutex<(events: [EventParams], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

    func receive(_ event: EventParams) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.events.append(event)
            let count = state.events.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    var events: [EventParams] { state.withLock { $0.events } }

    /// Waits until at least `count` events arrived (the test's time limit bounds it).
    func waitFor(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.events.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }
}

/// A durable events service on a fresh event log of `backend` (an on-disk SQLite file, or a new
/// PostgreSQL database), running in the background.
struct EventsHarness {
    let log: any EventLog
    let service: DurableEventsService
    let clock = RecordingClock()
    private let cleanUpStore: @Sendable () async -> Void

    init(_ backend: StoreBackend = .sqlite, policy: DeliveryPolicy = DeliveryPolicy(maxAttempts: 3),
         pollInterval: Duration = .milliseconds(50), instanceID: String? = nil,
         deliveryLease: Duration = .seconds(30), metrics: any MetricsFactory = MetricsSystem.factory) async throws {
        let made = try await Self.makeLog(backend)
        log = made.log
        cleanUpStore = made.cleanUp
        var logger = Logger(label: "events-test")
        logger.logLevel = .critical
        service = DurableEventsService(log: log, policy: policy, clock: clock, logger: logger,
                                       pollInterval: pollInterval, metricsFactory: metrics, instanceID: instanceID,
                                       deliveryLease: deliveryLease)
    }

    /// A second instance on the same log (another process, on a shared database).
    init(sharing other: EventsHarness, policy: DeliveryPolicy = DeliveryPolicy(maxAttempts: 3),
         pollInterval: Duration = .milliseconds(50), instanceID: String? = nil,
         deliveryLease: Duration = .seconds(30)) {
        log = other.log
        cleanUpStore = {}
        var logger = Logger(label: "events-test")
        logger.logLevel = .critical
        service = DurableEventsService(log: log, policy: policy, clock: clock, logger: logger,
                                       pollInterval: pollInterval, instanceID: instanceID,
                                       deliveryLease: deliveryLease)
    }

    static func makeLog(_ backend: StoreBackend) async throws
        -> (log: any EventLog, cleanUp: @Sendable () async -> Void)
    {
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("callboard-events-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let log = try SQLiteEventLog(path: directory.appendingPathComponent("events.sqlite").path)
            return (log, { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            let server = try await TestPostgres.shared()
            let configuration = try await server.makeDatabase()
            let database = try await PostgresBackend.open(configuration: configuration, logger: quietLogger)
            return (PostgresEventLog(database: database), {
                await database.close()
                await server.dropDatabase(configuration)
            })
        }
    }

    static let quietLogger = Logger(label: "events-test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs the service while `body` runs, then shuts it down gracefully.
    func running<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let serviceGroup = ServiceGroup(services: [service], logger: Logger(label: "group"))
            group.addTask { try await serviceGroup.run() }
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            await serviceGroup.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// Closes and deletes the store (in the background: `defer` cannot wait).
    func cleanUp() {
        let cleanUpStore = self.cleanUpStore
        Task { await cleanUpStore() }
    }
}
