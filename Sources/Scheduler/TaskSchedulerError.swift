/// Errors of ``TaskScheduler``'s API (store failures are thrown as the store threw them).
public enum TaskSchedulerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No task with this id is registered (HTTP 404, NotFoundError).
    case notFound(String)
    /// The task is running, here or on another instance (HTTP 409, ConflictError).
    case alreadyRunning(String)
    /// A task with this id is already registered.
    case duplicateTask(String)
    /// The schedule cannot run (a non-positive frequency or timeout).
    case invalidSchedule(id: String, reason: String)
    /// The scheduler has stopped; no task can be registered any more.
    case stopped

    public var description: String {
        switch self {
        case .notFound(let id): return "Task \(id) does not exist"
        case .alreadyRunning(let id): return "Task \(id) is currently running"
        case .duplicateTask(let id): return "Task \(id) is already scheduled"
        case .invalidSchedule(let id, let reason): return "Task \(id) has an invalid schedule: \(reason)"
        case .stopped: return "The scheduler has stopped"
        }
    }
}
