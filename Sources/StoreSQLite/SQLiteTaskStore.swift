import Foundation
import GRDB
import Scheduler

/// The scheduler's ``TaskStore`` on SQLite, in its own database file (`scheduler.sqlite`).
///
/// Every method is one write transaction, and the lease is taken by a single conditional
/// `UPDATE … WHERE` the task is due and its lease free or expired, checked by its change count:
/// stores opened on the same file (several processes, or several stores in one) never both hold
/// a lease. Connections wait up to 5 s for another connection's write lock.
public final class SQLiteTaskStore: TaskStore {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path`, or an in-memory one for `nil`.
    public init(path: String?) throws {
        writer = try SQLiteDatabase.open(
            path: path, pragmas: "PRAGMA busy_timeout = 5000", migrator: SchedulerSchema.migrator())
    }

    static let columns = """
        id, settings, next_run_at, last_run_started_at, last_run_ended_at, last_run_error,
        consecutive_failures, lease_owner, lease_expires_at
        """

    static func fetch(_ db: Database, id: String) throws -> TaskRecord? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(columns) FROM scheduler_tasks WHERE id = ?", arguments: [id])
        else { return nil }
        var lease: TaskLease?
        if let owner: String = row["lease_owner"], let expiresAt = TaskStoreTime.date(row["lease_expires_at"]) {
            lease = TaskLease(owner: owner, expiresAt: expiresAt)
        }
        return TaskRecord(
            id: row["id"], settings: row["settings"], nextRunAt: TaskStoreTime.date(row["next_run_at"]),
            lastRunStartedAt: TaskStoreTime.date(row["last_run_started_at"]),
            lastRunEndedAt: TaskStoreTime.date(row["last_run_ended_at"]),
            lastRunError: row["last_run_error"], consecutiveFailures: row["consecutive_failures"], lease: lease)
    }

    public func register(id: String, settings: String, nextRunAt: Date?) async throws -> TaskRecord {
        let next = TaskStoreTime.milliseconds(nextRunAt)
        return try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO scheduler_tasks (id, settings, next_run_at) VALUES (?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET settings = excluded.settings, next_run_at = excluded.next_run_at
                WHERE scheduler_tasks.settings <> excluded.settings
                """, arguments: [id, settings, next])
            guard let record = try Self.fetch(db, id: id) else {
                throw DatabaseError(message: "scheduler task \(id) vanished during registration")
            }
            return record
        }
    }

    public func record(id: String) async throws -> TaskRecord? {
        try await writer.read { db in try Self.fetch(db, id: id) }
    }

    public func acquire(id: String, owner: String, now: Date, leaseExpiresAt: Date) async throws -> TaskRecord? {
        let nowMilliseconds = TaskStoreTime.milliseconds(now)
        let expires = TaskStoreTime.milliseconds(leaseExpiresAt)
        return try await writer.write { db in
            try db.execute(sql: """
                UPDATE scheduler_tasks SET lease_owner = ?, lease_expires_at = ?, last_run_started_at = ?
                WHERE id = ? AND next_run_at IS NOT NULL AND next_run_at <= ?
                  AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= ?)
                """, arguments: [owner, expires, nowMilliseconds, id, nowMilliseconds, nowMilliseconds])
            guard db.changesCount == 1 else { return nil }
            return try Self.fetch(db, id: id)
        }
    }

    public func release(id: String, owner: String, completion: TaskRunCompletion) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE scheduler_tasks SET lease_owner = NULL, lease_expires_at = NULL, last_run_ended_at = ?,
                  last_run_error = ?, consecutive_failures = ?, next_run_at = ?
                WHERE id = ? AND lease_owner = ?
                """, arguments: [
                    TaskStoreTime.milliseconds(completion.endedAt), completion.error, completion.consecutiveFailures,
                    TaskStoreTime.milliseconds(completion.nextRunAt), id, owner,
                ])
            return db.changesCount == 1
        }
    }

    public func requestRun(id: String, at now: Date) async throws -> TaskRunRequestOutcome {
        let nowMilliseconds = TaskStoreTime.milliseconds(now)
        return try await writer.write { db in
            try db.execute(sql: """
                UPDATE scheduler_tasks SET next_run_at = ?
                WHERE id = ? AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= ?)
                """, arguments: [nowMilliseconds, id, nowMilliseconds])
            if db.changesCount == 1 { return .scheduled }
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM scheduler_tasks WHERE id = ?", arguments: [id]) ?? false
            return exists ? .alreadyRunning : .notFound
        }
    }
}
