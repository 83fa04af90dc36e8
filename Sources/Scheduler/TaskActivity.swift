import Foundation
import Synchronization

/// What a scheduler's task workers do, in order per task: for a live view, and for tests that
/// must know when a worker has settled.
public enum TaskActivity: Sendable, Hashable {
    /// A run started on this instance.
    case started(taskID: String, at: Date)
    /// A run ended on this instance; `error` is nil on success.
    case finished(taskID: String, at: Date, error: String?)
    /// The task was due but another instance holds or just took the lease.
    case notAcquired(taskID: String, at: Date)
    /// The worker waits until `until` (nil: until triggered) or a trigger, whichever comes first.
    case waiting(taskID: String, until: Date?)

    /// The task the activity is about.
    public var taskID: String {
        switch self {
        case .started(let id, _), .finished(let id, _, _), .notAcquired(let id, _), .waiting(let id, _): return id
        }
    }
}

/// Fans activity out to every subscriber's stream (each keeps the newest 4096 unread events).
final class ActivityBroadcaster: Sendable {
    private struct State {
        var nextID = 0
        var continuations: [Int: AsyncStream<TaskActivity>.Continuation] = [:]
        var finished = false
    }

    private let state = Mutex(State())

    func subscribe() -> AsyncStream<TaskActivity> {
        let (stream, continuation) = AsyncStream<TaskActivity>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let id = state.withLock { state -> Int? in
            guard !state.finished else { return nil }
            state.nextID += 1
            state.continuations[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func send(_ activity: TaskActivity) {
        let continuations = state.withLock { Array($0.continuations.values) }
        for continuation in continuations { continuation.yield(activity) }
    }

    func finish() {
        let continuations = state.withLock { state -> [AsyncStream<TaskActivity>.Continuation] in
            state.finished = true
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
