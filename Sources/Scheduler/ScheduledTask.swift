import Foundation
import Synchronization

/// A registered task and what this instance's worker for it is doing.
final class ScheduledTask: Sendable {
    struct Run: Sendable {
        var startedAt: Date
        var timesOutAt: Date
    }

    private struct State {
        /// This instance does not start the task before this time (the initial delay).
        var notBefore: Date?
        var run: Run?
    }

    let id: String
    let schedule: TaskSchedule
    let fn: TaskFunction
    /// Wakes the worker for a trigger.
    let wake = TaskWakeSignal()
    private let state: Mutex<State>

    init(id: String, schedule: TaskSchedule, fn: @escaping TaskFunction, notBefore: Date?) {
        self.id = id
        self.schedule = schedule
        self.fn = fn
        state = Mutex(State(notBefore: notBefore))
    }

    var notBefore: Date? { state.withLock { $0.notBefore } }

    /// A trigger runs the task now, initial delay or not.
    func clearNotBefore() { state.withLock { $0.notBefore = nil } }

    var run: Run? { state.withLock { $0.run } }

    /// Marks the worker running unless it already is; false when it was.
    func begin(_ run: Run) -> Bool {
        state.withLock { state in
            guard state.run == nil else { return false }
            state.run = run
            return true
        }
    }

    func end() { state.withLock { $0.run = nil } }
}
