import Foundation
import Scheduler
import ServiceLifecycle
import Testing

@Suite("Task scheduler", .timeLimit(.minutes(1)))
struct TaskSchedulerTests {
    let clock = ManualSchedulerClock()
    var t0: Date { Date(timeIntervalSince1970: 1_700_000_000) }

    func scheduler(store: any TaskStore = InMemoryTaskStore(), instance: String = "a",
                   retry: TaskRetryPolicy = TaskRetryPolicy()) -> TaskScheduler {
        TaskScheduler(store: store, clock: clock, instanceID: instance, pluginID: "catalog", retryPolicy: retry,
                      pollInterval: .seconds(3600), logger: quietLogger)
    }

    @Test func runsAreSpacedStartToStart() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        let probe = Probe()
        let (clock, t0) = (clock, t0)
        try await scheduler.register(id: "sync", schedule: every(60)) {
            let run = probe.call()
            // Each run takes 10 s.
            try await clock.sleep(until: t0.plus(Double(60 * (run - 1) + 10)))
        }
        try await whileRunning([scheduler]) { () async throws in
            await log.waitForStarts("sync", count: 1)
            clock.advance(to: t0.plus(10))
            await log.waitUntilSettled("sync", now: clock.now())
            #expect(try await store.record(id: "sync")?.nextRunAt == t0.plus(60))

            clock.advance(to: t0.plus(60))
            await log.waitForStarts("sync", count: 2)
            clock.advance(to: t0.plus(70))
            await log.waitUntilSettled("sync", now: clock.now())
        }
        #expect(await log.starts("sync") == [t0, t0.plus(60)])
        #expect(await log.outcomes("sync") == [nil, nil])
        #expect(try await store.record(id: "sync")?.nextRunAt == t0.plus(120))
    }

    @Test func overrunningRunIsFollowedAtOnceWithoutABurst() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        let probe = Probe()
        let (clock, t0) = (clock, t0)
        try await scheduler.register(id: "slow", schedule: every(10, timeout: 100)) {
            // The first run takes 35 s, more than three periods.
            if probe.call() == 1 { try await clock.sleep(until: t0.plus(35)) }
        }
        try await whileRunning([scheduler]) { () async throws in
            await log.waitForStarts("slow", count: 1)
            await clock.waitForSleepers(count: 2)  // the run and its timeout
            clock.advance(to: t0.plus(35))
            await log.waitForFinishes("slow", count: 2)
            await log.waitUntilSettled("slow", now: clock.now())
        }
        #expect(await log.starts("slow") == [t0, t0.plus(35)])
        #expect(try await store.record(id: "slow")?.nextRunAt == t0.plus(45))
    }

    @Test func firstRunWaitsForTheInitialDelay() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        try await scheduler.register(id: "delayed", schedule: every(60, initialDelay: 30)) {}
        try await whileRunning([scheduler]) { () async throws in
            await log.waitUntilSettled("delayed", now: clock.now())
            #expect(await log.starts("delayed").isEmpty)
            let description = try #require(try await scheduler.tasks().first)
            #expect(description.workerState.status == .initialWait)
            #expect(description.taskState == .idle(startsAt: t0.plus(30), lastRunEndedAt: nil, lastRunError: nil))

            clock.advance(to: t0.plus(30))
            await log.waitForFinishes("delayed", count: 1)
            await log.waitUntilSettled("delayed", now: clock.now())
        }
        #expect(await log.starts("delayed") == [t0.plus(30)])
        #expect(try await store.record(id: "delayed")?.nextRunAt == t0.plus(90))
    }

    @Test func cronTaskFirstRunsAtItsNextTime() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        // t0 is 22:13:20 UTC: the next quarter hour is 22:15:00.
        let schedule = TaskSchedule(frequency: .cron(try CronExpression("*/15 * * * *")), timeout: .seconds(60))
        try await scheduler.register(id: "cron", schedule: schedule) {}
        try await whileRunning([scheduler]) { () async throws in
            await log.waitUntilSettled("cron", now: clock.now())
            clock.advance(to: t0.plus(100))
            await log.waitForFinishes("cron", count: 1)
            await log.waitUntilSettled("cron", now: clock.now())
        }
        #expect(await log.starts("cron") == [t0.plus(100)])
        #expect(try await store.record(id: "cron")?.nextRunAt == t0.plus(100 + 900))
    }

    @Test func restartHonoursTheStoredNextRun() async throws {
        let store = InMemoryTaskStore()
        let first = scheduler(store: store, instance: "before")
        let firstLog = ActivityLog.recording(first)
        try await first.register(id: "sync", schedule: every(60)) {}
        try await whileRunning([first]) { () async throws in
            await firstLog.waitForFinishes("sync", count: 1)
            await firstLog.waitUntilSettled("sync", now: clock.now())
        }

        clock.advance(to: t0.plus(20))
        let second = scheduler(store: store, instance: "after")
        let secondLog = ActivityLog.recording(second)
        try await second.register(id: "sync", schedule: every(60)) {}
        try await whileRunning([second]) { () async throws in
            await secondLog.waitUntilSettled("sync", now: clock.now())
            #expect(await secondLog.starts("sync").isEmpty)
            clock.advance(to: t0.plus(60))
            await secondLog.waitForFinishes("sync", count: 1)
            await secondLog.waitUntilSettled("sync", now: clock.now())
        }
        #expect(await firstLog.starts("sync") == [t0])
        #expect(await secondLog.starts("sync") == [t0.plus(60)])
    }

    @Test func restartAfterDowntimeRunsOnceNotOncePerMissedPeriod() async throws {
        let store = InMemoryTaskStore()
        _ = try await store.register(id: "sync", settings: every(60).settings.jsonForTests, nextRunAt: t0.plus(60))
        clock.advance(to: t0.plus(600))
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        try await scheduler.register(id: "sync", schedule: every(60)) {}
        try await whileRunning([scheduler]) { () async throws in
            await log.waitForFinishes("sync", count: 1)
            await log.waitUntilSettled("sync", now: clock.now())
        }
        #expect(await log.starts("sync") == [t0.plus(600)])
        #expect(try await store.record(id: "sync")?.nextRunAt == t0.plus(660))
    }

    @Test func changedScheduleTakesEffectAtRegistration() async throws {
        let store = InMemoryTaskStore()
        let first = scheduler(store: store, instance: "before")
        let firstLog = ActivityLog.recording(first)
        try await first.register(id: "sync", schedule: every(3600)) {}
        try await whileRunning([first]) { () async throws in
            await firstLog.waitForFinishes("sync", count: 1)
            await firstLog.waitUntilSettled("sync", now: clock.now())
        }
        #expect(try await store.record(id: "sync")?.nextRunAt == t0.plus(3600))

        clock.advance(to: t0.plus(20))
        let second = scheduler(store: store, instance: "after")
        try await second.register(id: "sync", schedule: every(60)) {}
        // Spaced from the last start on the new schedule, not the old next run.
        #expect(try await store.record(id: "sync")?.nextRunAt == t0.plus(60))
    }

    @Test func timeoutCancelsTheRunAndRecordsAnError() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        let probe = Probe()
        let clock = clock
        try await scheduler.register(id: "stuck", schedule: every(60, timeout: 10)) {
            probe.call()
            do {
                try await clock.sleep(until: .distantFuture)
            } catch {
                probe.cancelled()
                throw error
            }
        }
        try await whileRunning([scheduler]) { () async throws in
            await log.waitForStarts("stuck", count: 1)
            clock.advance(to: t0.plus(10))
            await log.waitForFinishes("stuck", count: 1)
            await log.waitUntilSettled("stuck", now: clock.now())
        }
        #expect(probe.cancellations == 1)
        #expect(await log.outcomes("stuck") == ["Task timed out after PT10S"])
        let record = try #require(try await store.record(id: "stuck"))
        #expect(record.lastRunError == "Task timed out after PT10S")
        #expect(record.consecutiveFailures == 1)
        #expect(record.lease == nil)
        // Retried after 1 s of backoff, before the next period.
        #expect(record.nextRunAt == t0.plus(11))
    }

    @Test func failedRunsRetryWithBackoffThenResumeTheSchedule() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        let probe = Probe()
        try await scheduler.register(id: "flaky", schedule: every(60)) {
            let run = probe.call()
            if run <= 2 { throw TestFailure(description: "boom \(run)") }
        }
        try await whileRunning([scheduler]) { () async throws in
            await log.waitForFinishes("flaky", count: 1)
            await log.waitUntilSettled("flaky", now: clock.now())
            #expect(try await store.record(id: "flaky")?.nextRunAt == t0.plus(1))
            clock.advance(to: t0.plus(1))
            await log.waitForFinishes("flaky", count: 2)
            await log.waitUntilSettled("flaky", now: clock.now())
            #expect(try await store.record(id: "flaky")?.nextRunAt == t0.plus(3))
            clock.advance(to: t0.plus(3))
            await log.waitForFinishes("flaky", count: 3)
            await log.waitUntilSettled("flaky", now: clock.now())
        }
        #expect(await log.starts("flaky") == [t0, t0.plus(1), t0.plus(3)])
        #expect(await log.outcomes("flaky") == ["boom 1", "boom 2", nil])
        let record = try #require(try await store.record(id: "flaky"))
        #expect(record.consecutiveFailures == 0)
        #expect(record.lastRunError == nil)
        #expect(record.nextRunAt == t0.plus(63))
    }

    @Test func retriesNeverGoPastTheNextPeriod() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store, retry: TaskRetryPolicy(initialBackoff: .seconds(8)))
        let log = ActivityLog.recording(scheduler)
        try await scheduler.register(id: "failing", schedule: every(10)) { throw TestFailure(description: "down") }
        try await whileRunning([scheduler]) { () async throws in
            await log.waitForFinishes("failing", count: 1)
            await log.waitUntilSettled("failing", now: clock.now())
            #expect(try await store.record(id: "failing")?.nextRunAt == t0.plus(8))
            clock.advance(to: t0.plus(8))
            await log.waitForFinishes("failing", count: 2)
            await log.waitUntilSettled("failing", now: clock.now())
        }
        // A 16 s backoff would pass the next period (8 + 10): the period wins.
        let record = try #require(try await store.record(id: "failing"))
        #expect(record.nextRunAt == t0.plus(18))
        #expect(record.consecutiveFailures == 2)
    }

    @Test func backoffDoublesUpToItsCap() {
        let policy = TaskRetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(10))
        #expect((1...6).map { policy.backoff(afterFailures: $0) } == [1, 2, 4, 8, 10, 10].map { .seconds($0) })
        #expect(policy.backoff(afterFailures: 1000) == .seconds(10))
    }

    @Test func triggerRunsNowAndConflictsWhileRunning() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        let probe = Probe()
        let schedule = TaskSchedule(frequency: .manual, timeout: .seconds(60))
        try await scheduler.register(id: "manual", schedule: schedule) {
            probe.call()
            await probe.waitForGate()
        }
        try await whileRunning([scheduler]) { () async throws in
            await log.waitUntilSettled("manual", now: clock.now())
            #expect(await log.starts("manual").isEmpty)
            let idle = try #require(try await scheduler.task(id: "manual"))
            #expect(idle.settings.cadence == "manual")
            #expect(idle.taskState == .idle(startsAt: nil, lastRunEndedAt: nil, lastRunError: nil))

            await #expect(throws: TaskSchedulerError.notFound("nope")) { try await scheduler.trigger(id: "nope") }

            try await scheduler.trigger(id: "manual")
            await log.waitForStarts("manual", count: 1)
            await #expect(throws: TaskSchedulerError.alreadyRunning("manual")) {
                try await scheduler.trigger(id: "manual")
            }
            let running = try #require(try await scheduler.task(id: "manual"))
            #expect(running.taskState == .running(startedAt: t0, timesOutAt: t0.plus(60), lastRunEndedAt: nil,
                                                  lastRunError: nil))
            #expect(running.workerState.status == .running)

            probe.open()
            await log.waitForFinishes("manual", count: 1)
            clock.advance(to: t0.plus(5))
            try await scheduler.trigger(id: "manual")
            await log.waitForFinishes("manual", count: 2)
            await log.waitUntilSettled("manual", now: clock.now())
        }
        #expect(await log.starts("manual") == [t0, t0.plus(5)])
        let record = try #require(try await store.record(id: "manual"))
        #expect(record.nextRunAt == nil)
        #expect(record.lastRunEndedAt == t0.plus(5))
    }

    @Test func triggerSkipsTheInitialDelay() async throws {
        let scheduler = scheduler()
        let log = ActivityLog.recording(scheduler)
        try await scheduler.register(id: "later", schedule: every(60, initialDelay: 300)) {}
        try await whileRunning([scheduler]) { () async throws in
            await log.waitUntilSettled("later", now: clock.now())
            try await scheduler.trigger(id: "later")
            await log.waitForFinishes("later", count: 1)
        }
        #expect(await log.starts("later") == [t0])
    }

    @Test func duplicateAndInvalidRegistrationsAreRejected() async throws {
        let scheduler = scheduler()
        try await scheduler.register(id: "once", schedule: every(60)) {}
        await #expect(throws: TaskSchedulerError.duplicateTask("once")) {
            try await scheduler.register(id: "once", schedule: every(60)) {}
        }
        await #expect(throws: TaskSchedulerError.self) {
            try await scheduler.register(id: "zero", schedule: every(0)) {}
        }
        await #expect(throws: TaskSchedulerError.self) {
            try await scheduler.register(id: "no-timeout", schedule: every(60, timeout: 0)) {}
        }
        #expect(try await scheduler.tasks().map(\.taskId) == ["once"])
    }

    @Test func gracefulShutdownCancelsRunningTasks() async throws {
        let store = InMemoryTaskStore()
        let scheduler = scheduler(store: store)
        let log = ActivityLog.recording(scheduler)
        let probe = Probe()
        let clock = clock
        try await scheduler.register(id: "long", schedule: every(60, timeout: 600)) {
            do {
                try await clock.sleep(until: .distantFuture)
            } catch {
                probe.cancelled()
                throw error
            }
        }
        let group = ServiceGroup(services: [scheduler], logger: quietLogger)
        let running = Task { try await group.run() }
        await log.waitForStarts("long", count: 1)
        await group.triggerGracefulShutdown()
        try await running.value
        await log.waitForFinishes("long", count: 1)
        #expect(probe.cancellations == 1)
        let record = try #require(try await store.record(id: "long"))
        #expect(record.lease == nil)
        #expect(record.lastRunError == "Task was cancelled because the scheduler stopped")
        await #expect(throws: TaskSchedulerError.stopped) { try await scheduler.register(id: "late", schedule: every(60)) {} }
    }

    @Test func tasksAreDescribedLikeBackstage() async throws {
        let scheduler = scheduler()
        let schedule = TaskSchedule(frequency: .every(.seconds(1800)), timeout: .seconds(180),
                                    initialDelay: .seconds(5))
        try await scheduler.register(id: "frobs-production", schedule: schedule) {}
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(try await scheduler.tasks()), as: UTF8.self)
        #expect(json == """
            [{"pluginId":"catalog","scope":"global","settings":{"cadence":"PT30M","initialDelayDuration":"PT5S",\
            "timeoutAfterDuration":"PT3M","version":2},"taskId":"frobs-production","taskState":{"startsAt":\
            "2023-11-14T22:13:25.000Z","status":"idle"},"workerState":{"status":"initial-wait"}}]
            """)
        let decoded = try JSONDecoder().decode([TaskDescription].self, from: Data(json.utf8))
        #expect(decoded == (try await scheduler.tasks()))
    }

    @Test(arguments: [
        (Duration.seconds(90), "PT1M30S"), (.milliseconds(1500), "PT1.5S"), (.seconds(86_400), "P1D"),
        (.seconds(93_784), "P1DT2H3M4S"), (.zero, "PT0S"), (.seconds(3600), "PT1H"),
    ])
    func cadenceIsAnISODuration(duration: Duration, iso: String) {
        #expect(TaskSchedule.Frequency.every(duration).cadence == iso)
    }
}

extension TaskSettings {
    /// The settings JSON as the scheduler stores it (sorted keys).
    var jsonForTests: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
