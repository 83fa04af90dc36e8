import Foundation
import Logging
import PostgresNIO
import Scheduler

/// The scheduler's ``TaskStore`` on PostgreSQL, shared by every instance on the database.
///
/// Each method is one statement (or one transaction), and the lease is taken by a single
/// conditional `UPDATE … WHERE` the task is due and its lease free or expired, so two instances
/// never both hold it: PostgreSQL re-checks the condition on the latest row version after a
/// concurrent update. Times are the caller's (the scheduler's clock), in milliseconds.
public final class PostgresTaskStore: TaskStore {
    let database: PostgresBackend

    public init(database: PostgresBackend) {
        self.database = database
    }

    static let columns = """
        id, settings, next_run_at, last_run_started_at, last_run_ended_at, last_run_error,
        consecutive_failures, lease_owner, lease_expires_at
        """

    typealias Columns = (String, String, Int64?, Int64?, Int64?, String?, Int32, String?, Int64?)

    static func record(from row: PostgresRow) throws -> TaskRecord {
        let (id, settings, next, started, ended, error, failures, owner, expires) = try row.decode(Columns.self)
        var lease: TaskLease?
        if let owner, let expiresAt = TaskStoreTime.date(expires) {
            lease = TaskLease(owner: owner, expiresAt: expiresAt)
        }
        return TaskRecord(
            id: id, settings: settings, nextRunAt: TaskStoreTime.date(next),
            lastRunStartedAt: TaskStoreTime.date(started), lastRunEndedAt: TaskStoreTime.date(ended),
            lastRunError: error, consecutiveFailures: Int(failures), lease: lease)
    }

    /// Runs one operation; driver errors become ``PostgresStoreError``s (see `storeOperation`).
    private func run<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        try await storeOperation("scheduler.store_failed", what, body)
    }

    public func register(id: String, settings: String, nextRunAt: Date?) async throws -> TaskRecord {
        let next = TaskStoreTime.milliseconds(nextRunAt)
        return try await run("register the scheduled task") {
            _ = try await database.rows("""
                INSERT INTO scheduler_tasks AS t (id, settings, next_run_at) VALUES (\(id), \(settings), \(next))
                ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, next_run_at = excluded.next_run_at
                WHERE t.settings <> excluded.settings
                """)
            guard let record = try await record(id: id) else {
                throw PostgresStoreError(code: "scheduler.task_vanished", message: "the task vanished during registration")
            }
            return record
        }
    }

    public func record(id: String) async throws -> TaskRecord? {
        try await run("read the scheduled task") {
            try await database.rows("SELECT \(unescaped: Self.columns) FROM scheduler_tasks WHERE id = \(id)")
                .first.map(Self.record(from:))
        }
    }

    public func acquire(id: String, owner: String, now: Date, leaseExpiresAt: Date) async throws -> TaskRecord? {
        let nowMilliseconds = TaskStoreTime.milliseconds(now)
        let expires = TaskStoreTime.milliseconds(leaseExpiresAt)
        return try await run("take the task's lease") {
            try await database.rows("""
                UPDATE scheduler_tasks SET lease_owner = \(owner), lease_expires_at = \(expires),
                  last_run_started_at = \(nowMilliseconds)
                WHERE id = \(id) AND next_run_at IS NOT NULL AND next_run_at <= \(nowMilliseconds)
                  AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= \(nowMilliseconds))
                RETURNING \(unescaped: Self.columns)
                """).first.map(Self.record(from:))
        }
    }

    public func release(id: String, owner: String, completion: TaskRunCompletion) async throws -> Bool {
        let ended = TaskStoreTime.milliseconds(completion.endedAt)
        let next = TaskStoreTime.milliseconds(completion.nextRunAt)
        let failures = Int32(clamping: completion.consecutiveFailures)
        return try await run("release the task's lease") {
            try await !database.rows("""
                UPDATE scheduler_tasks SET lease_owner = NULL, lease_expires_at = NULL, last_run_ended_at = \(ended),
                  last_run_error = \(completion.error), consecutive_failures = \(failures), next_run_at = \(next)
                WHERE id = \(id) AND lease_owner = \(owner)
                RETURNING id
                """).isEmpty
        }
    }

    public func requestRun(id: String, at now: Date) async throws -> TaskRunRequestOutcome {
        let nowMilliseconds = TaskStoreTime.milliseconds(now)
        return try await run("request a run of the task") {
            let scheduled = try await database.rows("""
                UPDATE scheduler_tasks SET next_run_at = \(nowMilliseconds)
                WHERE id = \(id)
                  AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= \(nowMilliseconds))
                RETURNING id
                """)
            if !scheduled.isEmpty { return .scheduled }
            let exists = try await !database.rows("SELECT 1 FROM scheduler_tasks WHERE id = \(id)").isEmpty
            return exists ? .alreadyRunning : .notFound
        }
    }
}
