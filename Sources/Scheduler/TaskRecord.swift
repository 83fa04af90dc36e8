import Foundation

/// Who runs a global task right now, and until when that claim holds.
public struct TaskLease: Sendable, Hashable {
    /// The scheduler instance holding the lease.
    public var owner: String
    /// After this time the lease is free again (the owner is presumed dead).
    public var expiresAt: Date

    public init(owner: String, expiresAt: Date) {
        self.owner = owner
        self.expiresAt = expiresAt
    }
}

/// What a ``TaskStore`` keeps per task id.
public struct TaskRecord: Sendable, Hashable {
    /// The task id.
    public var id: String
    /// The schedule's settings JSON; a change means the schedule changed.
    public var settings: String
    /// When the task is due next; nil when it only runs when triggered.
    public var nextRunAt: Date?
    /// When the latest run started (set when the lease is acquired).
    public var lastRunStartedAt: Date?
    /// When the latest finished run ended.
    public var lastRunEndedAt: Date?
    /// The latest finished run's error, nil when it succeeded.
    public var lastRunError: String?
    /// Failed runs in a row, for the retry backoff.
    public var consecutiveFailures: Int
    /// The current lease, possibly expired.
    public var lease: TaskLease?

    public init(id: String, settings: String, nextRunAt: Date?, lastRunStartedAt: Date? = nil,
                lastRunEndedAt: Date? = nil, lastRunError: String? = nil, consecutiveFailures: Int = 0,
                lease: TaskLease? = nil) {
        self.id = id
        self.settings = settings
        self.nextRunAt = nextRunAt
        self.lastRunStartedAt = lastRunStartedAt
        self.lastRunEndedAt = lastRunEndedAt
        self.lastRunError = lastRunError
        self.consecutiveFailures = consecutiveFailures
        self.lease = lease
    }

    /// Whether a lease is held at `now` (it exists and has not expired).
    public func isLeased(at now: Date) -> Bool {
        guard let lease else { return false }
        return lease.expiresAt > now
    }

    /// Whether the task is due at `now`.
    public func isDue(at now: Date) -> Bool {
        guard let nextRunAt else { return false }
        return nextRunAt <= now
    }
}

/// How a run ended, as ``TaskStore/release(id:owner:completion:)`` records it.
public struct TaskRunCompletion: Sendable, Hashable {
    /// When the run ended.
    public var endedAt: Date
    /// The run's error, nil when it succeeded.
    public var error: String?
    /// Failed runs in a row including this one (0 after a success).
    public var consecutiveFailures: Int
    /// When the task is due next (a retry, the next period, or nil for a manual task).
    public var nextRunAt: Date?

    public init(endedAt: Date, error: String?, consecutiveFailures: Int, nextRunAt: Date?) {
        self.endedAt = endedAt
        self.error = error
        self.consecutiveFailures = consecutiveFailures
        self.nextRunAt = nextRunAt
    }
}

/// The outcome of ``TaskStore/requestRun(id:at:)``.
public enum TaskRunRequestOutcome: Sendable, Hashable {
    /// The task is now due.
    case scheduled
    /// A run holds an unexpired lease.
    case alreadyRunning
    /// No task with that id is stored.
    case notFound
}
