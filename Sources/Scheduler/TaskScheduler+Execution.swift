import Foundation
import Logging

extension TaskScheduler {
    /// How a run ended.
    enum RunOutcome: Sendable {
        case succeeded
        case failed(any Error)
        case timedOut
        /// The scheduler stopped (graceful shutdown or cancellation) during the run.
        case interrupted
    }

    /// Runs the task once (the lease is held), then records the outcome and the next run time
    /// and frees the lease.
    func execute(_ task: ScheduledTask, record: TaskRecord, startedAt: Date, timesOutAt: Date) async {
        guard task.begin(ScheduledTask.Run(startedAt: startedAt, timesOutAt: timesOutAt)) else { return }
        let metadata: Logger.Metadata = ["taskId": "\(task.id)"]
        broadcaster.send(.started(taskID: task.id, at: startedAt))
        logger.debug("Task run started", metadata: metadata)

        let outcome = await runWithTimeout(task.fn, timesOutAt: timesOutAt)
        let endedAt = clock.now()
        TaskRunMetrics.record(task: task.id, outcome: outcome, startedAt: startedAt, endedAt: endedAt,
                              factory: metricsFactory)
        let error: String?
        switch outcome {
        case .succeeded: error = nil
        case .failed(let failure): error = String(describing: failure)
        case .timedOut: error = "Task timed out after \(task.schedule.timeout.iso8601)"
        case .interrupted: error = "Task was cancelled because the scheduler stopped"
        }
        let failures = error == nil ? 0 : record.consecutiveFailures + 1
        let regular = task.schedule.frequency.nextRun(afterStart: startedAt, end: endedAt)
        var nextRunAt = regular
        if error != nil, let regular {
            nextRunAt = min(endedAt.adding(retryPolicy.backoff(afterFailures: failures)), regular)
        }
        let completion = TaskRunCompletion(
            endedAt: endedAt, error: error, consecutiveFailures: failures, nextRunAt: nextRunAt)
        let store = store(for: task.schedule.scope)
        let id = task.id
        let owner = instanceID
        // The release must happen even when the worker is being cancelled (shutdown), and a
        // store may refuse to start work in a cancelled task: run it in a task of its own.
        let released = await Task { try await store.release(id: id, owner: owner, completion: completion) }.result
        task.end()

        var details = metadata
        details["durationMs"] = "\(Int((endedAt.timeIntervalSince(startedAt) * 1000).rounded()))"
        details["nextRunAt"] = "\(nextRunAt?.iso8601 ?? "none")"
        if let error {
            details["error"] = "\(error)"
            details["consecutiveFailures"] = "\(failures)"
            logger.warning("Task run failed", metadata: details)
        } else {
            logger.debug("Task run succeeded", metadata: details)
        }
        switch released {
        case .success(true): break
        case .success(false):
            logger.warning("Task lease was lost during the run (it outlived its timeout); outcome not recorded",
                           metadata: metadata)
        case .failure(let failure):
            logger.error("Task store failed to record the run", metadata: metadata.merging(["error": "\(failure)"]) { $1 })
        }
        broadcaster.send(.finished(taskID: task.id, at: endedAt, error: error))
    }

    /// Runs `fn` in a child task, cancelling it at `timesOutAt`; waits for it to return.
    func runWithTimeout(_ fn: @escaping TaskFunction, timesOutAt: Date) async -> RunOutcome {
        enum Event: Sendable {
            case returned((any Error)?)
            case deadline
            case deadlineCancelled
        }
        let clock = self.clock
        return await withTaskGroup(of: Event.self) { group in
            group.addTask {
                do {
                    try await fn()
                    return .returned(nil)
                } catch {
                    return .returned(error)
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(until: timesOutAt)
                    return .deadline
                } catch {
                    return .deadlineCancelled
                }
            }
            let first = await group.next()!
            group.cancelAll()
            let second = await group.next()!
            if case .deadline = first { return .timedOut }
            var failure: (any Error)?
            for case .returned(let error) in [first, second] { failure = error }
            guard let failure else { return .succeeded }
            return Task.isCancelled ? .interrupted : .failed(failure)
        }
    }
}
