import CatalogModel
import Events
import Foundation
import Logging
import Metrics
import ServiceLifecycle
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

/// A durable events service on a fresh on-disk event log, running in the background.
struct EventsHarness {
    let log: SQLiteEventLog
    let service: DurableEventsService
    let clock = RecordingClock()
    let directory: URL

    init(policy: DeliveryPolicy = DeliveryPolicy(maxAttempts: 3), metrics: any MetricsFactory = MetricsSystem.factory)
        throws
    {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = try SQLiteEventLog(path: directory.appendingPathComponent("events.sqlite").path)
        var logger = Logger(label: "events-test")
        logger.logLevel = .critical
        service = DurableEventsService(log: log, policy: policy, clock: clock, logger: logger,
                                       pollInterval: .milliseconds(50), metricsFactory: metrics)
    }

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

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}
