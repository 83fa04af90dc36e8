/// The work of a scheduled task. It should honour cancellation (`Task.checkCancellation()`,
/// cancellable awaits): the scheduler cancels it at its timeout and at shutdown.
public typealias TaskFunction = @Sendable () async throws -> Void

/// Runs tasks on one schedule: Backstage's `scheduler.createScheduledTaskRunner(schedule)`,
/// whose `run({id, fn})` is `run(id:fn:)` here. What a module gets to schedule its work.
public protocol TaskRunner: Sendable {
    /// Registers `fn` under `id` on this runner's schedule. Throws
    /// ``TaskSchedulerError/duplicateTask(_:)`` for an id already registered.
    func run(id: String, fn: @escaping TaskFunction) async throws
}

/// A ``TaskRunner`` bound to a ``TaskScheduler`` and a schedule.
public struct ScheduledTaskRunner: TaskRunner {
    /// The scheduler the tasks are registered with.
    public let scheduler: TaskScheduler
    /// The schedule every task of this runner gets.
    public let schedule: TaskSchedule

    public init(scheduler: TaskScheduler, schedule: TaskSchedule) {
        self.scheduler = scheduler
        self.schedule = schedule
    }

    public func run(id: String, fn: @escaping TaskFunction) async throws {
        try await scheduler.register(id: id, schedule: schedule, fn: fn)
    }
}
