import Foundation
import Logging

extension TaskScheduler {
    /// What a worker does after one look at its task.
    enum Step {
        /// Look again at once (a run just ended).
        case again
        /// Sleep until this time (nil: until triggered), or a trigger.
        case wait(until: Date?)
    }

    /// One task's worker: look at the task, run it when due and the lease is ours, wait, repeat.
    func work(_ task: ScheduledTask) async {
        var storeFailures = 0
        while !Task.isCancelled {
            do {
                switch try await step(task) {
                case .again:
                    continue
                case .wait(let until):
                    storeFailures = 0
                    broadcaster.send(.waiting(taskID: task.id, until: until))
                    await wait(task, until: until)
                }
            } catch {
                guard !Task.isCancelled else { break }
                storeFailures += 1
                let delay = retryPolicy.backoff(afterFailures: storeFailures)
                logger.warning("Task store failed; retrying", metadata: [
                    "taskId": "\(task.id)", "error": "\(error)", "retryInMs": "\(Int(delay.timeInterval * 1000))",
                ])
                let until = clock.now().adding(delay)
                broadcaster.send(.waiting(taskID: task.id, until: until))
                await wait(task, until: until)
            }
        }
    }

    /// Looks at the task once: runs it if it is due and the lease can be taken.
    func step(_ task: ScheduledTask) async throws -> Step {
        let now = clock.now()
        if let notBefore = task.notBefore {
            guard now >= notBefore else { return .wait(until: notBefore) }
            task.clearNotBefore()
        }
        let store = store(for: task.schedule.scope)
        guard let record = try await store.record(id: task.id) else {
            // The record vanished (e.g. the table was emptied): store it again as if new.
            _ = try await store.register(id: task.id, settings: task.schedule.settings.json,
                                         nextRunAt: task.schedule.frequency.firstRun(notBefore: now))
            return .again
        }
        guard record.isDue(at: now) else { return .wait(until: wakeTime(task, record, now: now)) }
        let leaseExpiresAt = now.adding(task.schedule.timeout)
        if let acquired = try await store.acquire(id: task.id, owner: instanceID, now: now, leaseExpiresAt: leaseExpiresAt) {
            await execute(task, record: acquired, startedAt: now, timesOutAt: leaseExpiresAt)
            return .again
        }
        broadcaster.send(.notAcquired(taskID: task.id, at: now))
        let current = try await store.record(id: task.id) ?? record
        return .wait(until: wakeTime(task, current, now: now))
    }

    /// When to look again: at the next run, at the expiry of another instance's lease on a due
    /// task, and (global tasks) at least every poll interval.
    func wakeTime(_ task: ScheduledTask, _ record: TaskRecord, now: Date) -> Date? {
        var candidates: [Date] = []
        if let next = record.nextRunAt {
            if next > now {
                candidates.append(next)
            } else if let lease = record.lease, lease.expiresAt > now {
                candidates.append(lease.expiresAt)
            } else {
                // Due and free, yet the lease was missed: another instance ran it in between.
                candidates.append(now.adding(pollInterval))
            }
        }
        if task.schedule.scope == .global { candidates.append(now.adding(pollInterval)) }
        return candidates.min()
    }

    /// Sleeps until `until` (forever when nil) or a trigger, whichever comes first; returns at
    /// once when the worker is cancelled.
    func wait(_ task: ScheduledTask, until: Date?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await task.wake.wait() }
            if let until {
                group.addTask { try? await self.clock.sleep(until: until) }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
