import Foundation
import Synchronization

/// A ``TaskStore`` in memory: state lasts as long as the object, and is shared by the schedulers
/// given the same instance (which is how tests model several instances on one database).
public final class InMemoryTaskStore: TaskStore {
    private let records = Mutex<[String: TaskRecord]>([:])

    public init() {}

    public func register(id: String, settings: String, nextRunAt: Date?) async throws -> TaskRecord {
        records.withLock { records in
            if var record = records[id] {
                if record.settings != settings {
                    record.settings = settings
                    record.nextRunAt = nextRunAt
                    records[id] = record
                }
                return record
            }
            let record = TaskRecord(id: id, settings: settings, nextRunAt: nextRunAt)
            records[id] = record
            return record
        }
    }

    public func record(id: String) async throws -> TaskRecord? {
        records.withLock { $0[id] }
    }

    public func acquire(id: String, owner: String, now: Date, leaseExpiresAt: Date) async throws -> TaskRecord? {
        records.withLock { records in
            guard var record = records[id], record.isDue(at: now), !record.isLeased(at: now) else { return nil }
            record.lease = TaskLease(owner: owner, expiresAt: leaseExpiresAt)
            record.lastRunStartedAt = now
            records[id] = record
            return record
        }
    }

    public func release(id: String, owner: String, completion: TaskRunCompletion) async throws -> Bool {
        records.withLock { records in
            guard var record = records[id], record.lease?.owner == owner else { return false }
            record.lease = nil
            record.lastRunEndedAt = completion.endedAt
            record.lastRunError = completion.error
            record.consecutiveFailures = completion.consecutiveFailures
            record.nextRunAt = completion.nextRunAt
            records[id] = record
            return true
        }
    }

    public func requestRun(id: String, at now: Date) async throws -> TaskRunRequestOutcome {
        records.withLock { records in
            guard var record = records[id] else { return .notFound }
            guard !record.isLeased(at: now) else { return .alreadyRunning }
            record.nextRunAt = now
            records[id] = record
            return .scheduled
        }
    }
}
