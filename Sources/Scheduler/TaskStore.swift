import Foundation

/// Where scheduled tasks keep their state: the next run time (so that a restart neither re-runs
/// everything nor forgets a run), the last run's outcome, and for global tasks the lease that
/// lets exactly one instance run a due task.
///
/// Every method is atomic on its own. Implementations: ``InMemoryTaskStore`` (one process), and
/// `SQLiteTaskStore` in StoreSQLite (shared by every store opened on the same file).
public protocol TaskStore: Sendable {
    /// Creates the task's record due at `nextRunAt` if it has none. If it has one with other
    /// settings, replaces the settings and the next run time with the given ones; with the same
    /// settings it keeps the stored next run time. Returns the stored record.
    func register(id: String, settings: String, nextRunAt: Date?) async throws -> TaskRecord

    /// The stored record, or nil.
    func record(id: String) async throws -> TaskRecord?

    /// Takes the lease for `owner` until `leaseExpiresAt`, atomically, only when the task is due
    /// (`nextRunAt <= now`) and its lease is free or expired; records `now` as the run's start.
    /// Returns the record with the new lease, or nil when the lease was not taken.
    func acquire(id: String, owner: String, now: Date, leaseExpiresAt: Date) async throws -> TaskRecord?

    /// Records how a run ended and frees the lease, only if `owner` still holds it. Returns false
    /// (and changes nothing) when the lease was lost, e.g. taken over after it expired.
    func release(id: String, owner: String, completion: TaskRunCompletion) async throws -> Bool

    /// Makes the task due at `now` unless it is running (its lease is held and unexpired).
    func requestRun(id: String, at now: Date) async throws -> TaskRunRequestOutcome
}
