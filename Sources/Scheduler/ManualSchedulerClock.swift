import Foundation
import Synchronization

/// A clock that only moves when told to, for deterministic tests: ``advance(by:)`` wakes every
/// sleeper whose deadline has passed, in deadline order; ``waitForSleepers(count:)`` waits until
/// that many tasks are parked in ``sleep(until:)``.
public final class ManualSchedulerClock: SchedulerClock {
    private struct Sleeper {
        var id: Int
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID = 0
        var sleepers: [Sleeper] = []
        var parkWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        mutating func readyParkWaiters() -> [CheckedContinuation<Void, Never>] {
            let count = sleepers.count
            let ready = parkWaiters.filter { $0.count <= count }.map(\.continuation)
            parkWaiters.removeAll { $0.count <= count }
            return ready
        }
    }

    private let state: Mutex<State>

    /// A clock showing `now` (by default 2023-11-14T22:13:20Z, a whole second).
    public init(now: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        state = Mutex(State(now: now))
    }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case park, resume, cancel }
                let (action, ready) = state.withLock { state -> (Action, [CheckedContinuation<Void, Never>]) in
                    // The cancellation flag is set before the handler runs, so checking it under
                    // the lock cannot miss a cancellation whose handler found no sleeper yet.
                    if Task.isCancelled { return (.cancel, []) }
                    if deadline <= state.now { return (.resume, []) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (.park, state.readyParkWaiters())
                }
                switch action {
                case .park: break
                case .resume: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                }
                for waiter in ready { waiter.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward and wakes the sleepers whose deadline has passed.
    public func advance(by duration: Duration) {
        advance(to: now().adding(duration))
    }

    /// Moves the clock to `date` (never backwards) and wakes the sleepers whose deadline has passed.
    public func advance(to date: Date) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = max(state.now, date)
            let now = state.now
            let woken = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return woken
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// How many tasks are parked in ``sleep(until:)``.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The deadlines of the parked sleepers, earliest first.
    public var sleeperDeadlines: [Date] { state.withLock { $0.sleepers.map(\.deadline).sorted() } }

    /// Returns once at least `count` tasks are parked in ``sleep(until:)``.
    public func waitForSleepers(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.sleepers.count >= count { return true }
                state.parkWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
