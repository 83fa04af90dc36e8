import Foundation
import MetricsTestKit
import Scheduler
import Testing

/// The scheduler's metrics: runs by task and outcome, and their durations on the scheduler's clock.
@Suite("Task run metrics", .timeLimit(.minutes(1)))
struct TaskRunMetricsTests {
    @Test func runsAreCountedByOutcomeWithTheirDuration() async throws {
        let clock = ManualSchedulerClock()
        let t0 = clock.now()
        let metrics = TestMetrics()
        // No retry before the next period, so "bad" runs once while the clock stands still.
        let scheduler = TaskScheduler(clock: clock, instanceID: "a", retryPolicy: TaskRetryPolicy(initialBackoff: .seconds(3600)),
                                      pollInterval: .seconds(3600), logger: quietLogger, metricsFactory: metrics)
        let log = ActivityLog.recording(scheduler)
        try await scheduler.register(id: "ok", schedule: every(60)) {
            try await clock.sleep(until: t0.plus(10))
        }
        try await scheduler.register(id: "bad", schedule: every(60)) { throw TestFailure(description: "upstream down") }
        try await whileRunning([scheduler]) { () async throws in
            await log.waitForFinishes("bad", count: 1)
            await log.waitForStarts("ok", count: 1)
            clock.advance(to: t0.plus(10))
            await log.waitForFinishes("ok", count: 1)
        }
        let runs = "callboard_scheduler_task_runs_total"
        #expect(try metrics.expectCounter(runs, [("task", "ok"), ("outcome", "succeeded")]).totalValue == 1)
        #expect(try metrics.expectCounter(runs, [("task", "bad"), ("outcome", "failed")]).totalValue == 1)
        #expect(metrics.counters(label: runs, dimensions: [("task", "ok"), ("outcome", "failed")]).isEmpty)
        let duration = try metrics.expectTimer("callboard_scheduler_task_duration_seconds", [("task", "ok")])
        #expect(duration.values == [10_000_000_000])
    }
}
