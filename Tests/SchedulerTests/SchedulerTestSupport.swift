import Foundation
import Logging
import Scheduler
import Synchronization

/// A logger that discards everything.
let quietLogger = Logger(label: "scheduler-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// Records a scheduler's activity and lets a test wait for a state of it, without timers.
actor ActivityLog {
    private(set) var events: [TaskActivity] = []
    private var waiters: [(predicate: @Sendable ([TaskActivity]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    /// Starts recording `scheduler`'s activity (subscribe before starting it).
    static func recording(_ scheduler: TaskScheduler) -> ActivityLog {
        let log = ActivityLog()
        let stream = scheduler.activity()
        Task { for await event in stream { await log.append(event) } }
        return log
    }

    private func append(_ event: TaskActivity) {
        events.append(event)
        let events = self.events
        var remaining: [(predicate: @Sendable ([TaskActivity]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
        for waiter in waiters {
            if waiter.predicate(events) { waiter.continuation.resume() } else { remaining.append(waiter) }
        }
        waiters = remaining
    }

    /// Returns once `predicate` holds for the events recorded so far.
    func waitUntil(_ predicate: @escaping @Sendable ([TaskActivity]) -> Bool) async {
        if predicate(events) { return }
        await withCheckedContinuation { waiters.append((predicate, $0)) }
    }

    /// Start times of the task's runs on this scheduler.
    func starts(_ taskID: String) -> [Date] {
        events.compactMap { if case .started(taskID, let at) = $0 { return at } else { return nil } }
    }

    /// Errors of the task's finished runs (nil for a success).
    func outcomes(_ taskID: String) -> [String?] {
        events.compactMap { if case .finished(taskID, _, let error) = $0 { return error } else { return nil } }
    }

    func waitForStarts(_ taskID: String, count: Int) async {
        await waitUntil { events in
            events.count { if case .started(taskID, _) = $0 { true } else { false } } >= count
        }
    }

    func waitForFinishes(_ taskID: String, count: Int) async {
        await waitUntil { events in
            events.count { if case .finished(taskID, _, _) = $0 { true } else { false } } >= count
        }
    }

    /// Returns once the task's worker is parked with nothing to do until after `now`: its latest
    /// activity is `waiting` until a later time (or until triggered). Only a clock advance or a
    /// trigger can wake it then, so what it did so far is final.
    func waitUntilSettled(_ taskID: String, now: Date) async {
        await waitUntil { events in
            guard let last = events.last(where: { $0.taskID == taskID }) else { return false }
            guard case .waiting(_, let until) = last else { return false }
            return until.map { $0 > now } ?? true
        }
    }
}

/// Counts calls and lets a test hold a run open.
final class Probe: Sendable {
    private struct State {
        var calls = 0
        var cancellations = 0
        var gateOpen = false
        var gateWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var calls: Int { state.withLock { $0.calls } }
    var cancellations: Int { state.withLock { $0.cancellations } }

    /// Counts a call and returns its number (1-based).
    @discardableResult
    func call() -> Int { state.withLock { $0.calls += 1; return $0.calls } }

    func cancelled() { state.withLock { $0.cancellations += 1 } }

    /// Waits until ``open()`` (not cancellable: a run stays open until the test opens it).
    func waitForGate() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                if state.gateOpen { return true }
                state.gateWaiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.gateOpen = true
            defer { state.gateWaiters = [] }
            return state.gateWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs the schedulers' services during `body`, then cancels them and waits for them to stop.
func whileRunning<T>(_ schedulers: [TaskScheduler], _ body: () async throws -> T) async throws -> T {
    let services = schedulers.map { scheduler in Task { try await scheduler.run() } }
    do {
        let result = try await body()
        for service in services { service.cancel() }
        for service in services { _ = await service.result }
        return result
    } catch {
        for service in services { service.cancel() }
        for service in services { _ = await service.result }
        throw error
    }
}

extension Date {
    func plus(_ seconds: Double) -> Date { addingTimeInterval(seconds) }
}

func every(_ seconds: Int64, timeout: Int64 = 30, initialDelay: Int64? = nil,
           scope: TaskSchedule.Scope = .global) -> TaskSchedule {
    TaskSchedule(frequency: .every(.seconds(seconds)), timeout: .seconds(timeout),
                 initialDelay: initialDelay.map { .seconds($0) }, scope: scope)
}

/// A fresh temporary directory for database files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-scheduler-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
