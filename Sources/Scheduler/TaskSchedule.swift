import Foundation

/// When and how a task runs: Backstage's `SchedulerServiceTaskScheduleDefinition`.
public struct TaskSchedule: Sendable, Hashable {
    /// How often the task runs.
    public enum Frequency: Sendable, Hashable {
        /// Every interval, spaced start to start.
        case every(Duration)
        /// At the times a cron expression selects (UTC).
        case cron(CronExpression)
        /// Only when triggered (`POST …/tasks/{id}/trigger`).
        case manual
    }

    /// Where the task runs.
    public enum Scope: String, Sendable, Hashable, Codable {
        /// Once per period across all instances sharing the task store (a lease decides which).
        case global
        /// On every instance, independently; its state is kept in memory only.
        case local
    }

    /// How often the task runs.
    public var frequency: Frequency
    /// How long a run may take; then its `Task` is cancelled and the run recorded as failed.
    public var timeout: Duration
    /// How long after registration (startup) this instance waits before the first run; nil runs
    /// an interval task as soon as it is due and a cron task at its next time.
    public var initialDelay: Duration?
    /// `global` (the default) or `local`.
    public var scope: Scope

    public init(frequency: Frequency, timeout: Duration, initialDelay: Duration? = nil, scope: Scope = .global) {
        self.frequency = frequency
        self.timeout = timeout
        self.initialDelay = initialDelay
        self.scope = scope
    }

    /// What the task list shows, and what the store keeps to notice a changed schedule.
    public var settings: TaskSettings {
        TaskSettings(cadence: frequency.cadence, timeoutAfterDuration: timeout.iso8601,
                     initialDelayDuration: initialDelay?.iso8601)
    }

    /// Why this schedule cannot run, if it cannot.
    var problem: String? {
        if case .every(let period) = frequency, period <= .zero { return "the frequency must be positive" }
        if timeout <= .zero { return "the timeout must be positive" }
        if let initialDelay, initialDelay < .zero { return "the initial delay must not be negative" }
        return nil
    }
}

extension TaskSchedule.Frequency {
    /// Backstage's `cadence`: an ISO-8601 duration, the cron expression, or `manual`.
    public var cadence: String {
        switch self {
        case .every(let period): return period.iso8601
        case .cron(let expression): return expression.source
        case .manual: return "manual"
        }
    }

    /// The first run of a task never run before, not before `notBefore`.
    func firstRun(notBefore: Date) -> Date? {
        switch self {
        case .every: return notBefore
        case .cron(let expression): return expression.next(after: notBefore)
        case .manual: return nil
        }
    }

    /// The next run of a task whose schedule changed, from its last start.
    func rescheduled(lastStartedAt: Date?, now: Date) -> Date? {
        switch self {
        case .every(let period): return max(lastStartedAt?.adding(period) ?? now, now)
        case .cron(let expression): return expression.next(after: now)
        case .manual: return nil
        }
    }

    /// The next regular run after a run that started at `start` and ended at `end`: start to
    /// start for intervals (at once if the run overran its period), the next cron time after the
    /// end, none for manual tasks.
    func nextRun(afterStart start: Date, end: Date) -> Date? {
        switch self {
        case .every(let period): return max(start.adding(period), end)
        case .cron(let expression): return expression.next(after: end)
        case .manual: return nil
        }
    }
}
