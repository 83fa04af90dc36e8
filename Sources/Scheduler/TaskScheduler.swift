import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Runs registered tasks on their schedules (SPEC §5), as a swift-service-lifecycle `Service`.
///
/// - Runs are spaced start to start; a run that overruns its period is followed at once by the
///   next one (never by a burst of missed runs).
/// - Each task's next run time lives in the ``TaskStore``, so a restart neither re-runs every
///   task at once nor forgets a due one; a changed schedule takes effect at registration.
/// - A failed run is retried after ``TaskRetryPolicy`` backoff, if that comes before the next
///   regular run.
/// - At its timeout a run's `Task` is cancelled (cooperatively: the scheduler then waits for the
///   function to return) and the run is recorded as failed. A function that ignores cancellation
///   keeps running, and once its lease has expired another instance may start the task too.
/// - Global tasks run on the instance that takes the store's lease (expiring after the timeout,
///   so a dead instance's run is taken over); local tasks run on every instance, with their state
///   in memory.
/// - ``trigger(id:)`` runs a task now; ``tasks()`` describes them for the task-list route.
/// - Tasks may be registered before or after ``run()`` starts; on graceful shutdown (or
///   cancellation) running tasks are cancelled and ``run()`` returns when they have returned.
public final class TaskScheduler: Service {
    /// This instance's lease owner id.
    public let instanceID: String
    /// The plugin shown in the task list.
    public let pluginID: String?
    let store: any TaskStore
    /// Local tasks' state: in memory, per instance.
    let localStore = InMemoryTaskStore()
    let clock: any SchedulerClock
    let retryPolicy: TaskRetryPolicy
    let pollInterval: Duration
    let logger: Logger
    /// Where run counts and durations go (``TaskRunMetrics``).
    let metricsFactory: any MetricsFactory
    let broadcaster = ActivityBroadcaster()
    private let registry = Mutex(Registry())

    private struct Registry {
        var tasks: [String: ScheduledTask] = [:]
        var order: [String] = []
        var started: AsyncStream<ScheduledTask>.Continuation?
        var stopped = false
    }

    /// - Parameters:
    ///   - store: global tasks' shared state (an `SQLiteTaskStore` in a server).
    ///   - clock: time and sleeping (tests pass a ``ManualSchedulerClock``).
    ///   - instanceID: this instance's lease owner id; unique per process.
    ///   - pluginID: shown as `pluginId` in the task list.
    ///   - retryPolicy: the backoff after failed runs.
    ///   - pollInterval: how often a global task's worker re-reads the store without being woken
    ///     (it sees runs, triggers and schedule changes made by other instances).
    ///   - logger: logs registrations, runs (task id, duration, error) and store failures.
    ///   - metricsFactory: receives runs by outcome and their durations (swift-metrics' global
    ///     factory by default).
    public init(store: any TaskStore = InMemoryTaskStore(), clock: any SchedulerClock = SystemSchedulerClock(),
                instanceID: String = UUID().uuidString.lowercased(), pluginID: String? = nil,
                retryPolicy: TaskRetryPolicy = TaskRetryPolicy(), pollInterval: Duration = .seconds(5),
                logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.metricsFactory = metricsFactory
        self.store = store
        self.clock = clock
        self.instanceID = instanceID
        self.pluginID = pluginID
        self.retryPolicy = retryPolicy
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// A runner that registers tasks on `schedule` (Backstage's `createScheduledTaskRunner`).
    public func createScheduledTaskRunner(_ schedule: TaskSchedule) -> ScheduledTaskRunner {
        ScheduledTaskRunner(scheduler: self, schedule: schedule)
    }

    /// Registers a task: stores its schedule and first run time (keeping a stored next run time
    /// when the schedule is unchanged) and starts its worker once the service runs.
    ///
    /// Throws ``TaskSchedulerError/duplicateTask(_:)``, ``TaskSchedulerError/invalidSchedule(id:reason:)``,
    /// ``TaskSchedulerError/stopped``, or the store's error.
    public func register(id: String, schedule: TaskSchedule, fn: @escaping TaskFunction) async throws {
        if let problem = schedule.problem { throw TaskSchedulerError.invalidSchedule(id: id, reason: problem) }
        let now = clock.now()
        let task = ScheduledTask(id: id, schedule: schedule, fn: fn, notBefore: schedule.initialDelay.map(now.adding))
        try registry.withLock { registry throws(TaskSchedulerError) in
            guard !registry.stopped else { throw .stopped }
            guard registry.tasks[id] == nil else { throw .duplicateTask(id) }
            registry.tasks[id] = task  // reserved; listed and started once stored
        }
        let record: TaskRecord
        do {
            record = try await storeRecord(for: task, now: now)
        } catch {
            registry.withLock { _ = $0.tasks.removeValue(forKey: id) }
            throw error
        }
        let started = registry.withLock { registry -> AsyncStream<ScheduledTask>.Continuation? in
            registry.order.append(id)
            return registry.started
        }
        started?.yield(task)
        logger.info("Scheduled task", metadata: [
            "taskId": "\(id)", "scope": "\(schedule.scope.rawValue)", "cadence": "\(schedule.frequency.cadence)",
            "nextRunAt": "\(record.nextRunAt?.iso8601 ?? "none")",
        ])
    }

    /// Creates or updates the task's stored record.
    private func storeRecord(for task: ScheduledTask, now: Date) async throws -> TaskRecord {
        let schedule = task.schedule
        let store = store(for: schedule.scope)
        let settings = schedule.settings.json
        let nextRunAt: Date?
        if let existing = try await store.record(id: task.id) {
            nextRunAt = existing.settings == settings
                ? existing.nextRunAt
                : schedule.frequency.rescheduled(lastStartedAt: existing.lastRunStartedAt, now: now)
        } else {
            nextRunAt = schedule.frequency.firstRun(notBefore: task.notBefore ?? now)
        }
        return try await store.register(id: task.id, settings: settings, nextRunAt: nextRunAt)
    }

    /// The store holding a task's state: the shared one for global tasks, memory for local ones.
    func store(for scope: TaskSchedule.Scope) -> any TaskStore {
        scope == .global ? store : localStore
    }

    /// The registered task with this id.
    func registeredTask(_ id: String) -> ScheduledTask? {
        registry.withLock { registry in registry.order.contains(id) ? registry.tasks[id] : nil }
    }

    /// The registered tasks, in registration order.
    var registeredTasks: [ScheduledTask] {
        registry.withLock { registry in registry.order.compactMap { registry.tasks[$0] } }
    }

    /// A stream of what the workers do from now on; it finishes when the scheduler stops.
    public func activity() -> AsyncStream<TaskActivity> { broadcaster.subscribe() }

    // MARK: - Service

    /// Runs every registered task's worker (and those registered later) until graceful shutdown
    /// or cancellation; then cancels running tasks and returns once they have returned.
    public func run() async throws {
        let (newTasks, continuation) = AsyncStream<ScheduledTask>.makeStream()
        let existing = try registry.withLock { registry throws(TaskSchedulerError) -> [ScheduledTask] in
            guard !registry.stopped, registry.started == nil else { throw .stopped }
            registry.started = continuation
            return registry.order.compactMap { registry.tasks[$0] }
        }
        for task in existing { continuation.yield(task) }
        logger.info("Task scheduler started", metadata: ["instanceId": "\(instanceID)", "tasks": "\(existing.count)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await task in newTasks {
                    group.addTask { await self.work(task) }
                }
            }
        }
        registry.withLock { registry in
            registry.started = nil
            registry.stopped = true
        }
        continuation.finish()
        broadcaster.finish()
        logger.info("Task scheduler stopped", metadata: ["instanceId": "\(instanceID)"])
    }
}
