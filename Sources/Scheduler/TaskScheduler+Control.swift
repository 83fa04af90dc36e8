import Foundation
import Logging

extension TaskScheduler {
    /// Runs a task now (Backstage's `triggerTask`): it becomes due at once and this instance's
    /// worker is woken, even during the initial delay. Returns without waiting for the run.
    ///
    /// Throws ``TaskSchedulerError/notFound(_:)`` (HTTP 404) for an unknown id,
    /// ``TaskSchedulerError/alreadyRunning(_:)`` (HTTP 409) while it runs here or, for a global
    /// task, holds an unexpired lease anywhere; or the store's error.
    public func trigger(id: String) async throws {
        guard let task = registeredTask(id) else { throw TaskSchedulerError.notFound(id) }
        guard task.run == nil else { throw TaskSchedulerError.alreadyRunning(id) }
        switch try await store(for: task.schedule.scope).requestRun(id: id, at: clock.now()) {
        case .scheduled:
            task.clearNotBefore()
            task.wake.notify()
            logger.info("Task triggered", metadata: ["taskId": "\(id)"])
        case .alreadyRunning:
            throw TaskSchedulerError.alreadyRunning(id)
        case .notFound:
            throw TaskSchedulerError.notFound(id)
        }
    }

    /// The registered tasks, in registration order, shaped for
    /// `GET …/.backstage/scheduler/v1/tasks`. Global tasks' state comes from the shared store.
    public func tasks() async throws -> [TaskDescription] {
        var descriptions: [TaskDescription] = []
        for task in registeredTasks {
            descriptions.append(try await describe(task))
        }
        return descriptions
    }

    /// One task's description, or nil for an unknown id.
    public func task(id: String) async throws -> TaskDescription? {
        guard let task = registeredTask(id) else { return nil }
        return try await describe(task)
    }

    private func describe(_ task: ScheduledTask) async throws -> TaskDescription {
        let now = clock.now()
        let record = try await store(for: task.schedule.scope).record(id: task.id)
        let localRun = task.run
        let taskState: TaskState
        if let record, record.isLeased(at: now), let lease = record.lease {
            taskState = .running(
                startedAt: record.lastRunStartedAt ?? localRun?.startedAt ?? now, timesOutAt: lease.expiresAt,
                lastRunEndedAt: record.lastRunEndedAt, lastRunError: record.lastRunError)
        } else if let localRun {
            taskState = .running(startedAt: localRun.startedAt, timesOutAt: localRun.timesOutAt,
                                 lastRunEndedAt: record?.lastRunEndedAt, lastRunError: record?.lastRunError)
        } else {
            var startsAt = record?.nextRunAt
            if let notBefore = task.notBefore, let next = startsAt { startsAt = max(next, notBefore) }
            taskState = .idle(startsAt: startsAt, lastRunEndedAt: record?.lastRunEndedAt,
                              lastRunError: record?.lastRunError)
        }
        let workerStatus: WorkerState.Status
        if localRun != nil {
            workerStatus = .running
        } else if let notBefore = task.notBefore, notBefore > now {
            workerStatus = .initialWait
        } else {
            workerStatus = .idle
        }
        return TaskDescription(
            taskId: task.id, pluginId: pluginID, scope: task.schedule.scope, settings: task.schedule.settings,
            taskState: taskState, workerState: WorkerState(status: workerStatus))
    }
}
