import Foundation
import Scheduler
import Synchronization
import Testing

@Suite("Global and local tasks across instances", .timeLimit(.minutes(1)))
struct LeaseTests {
    let clock = ManualSchedulerClock()
    var t0: Date { Date(timeIntervalSince1970: 1_700_000_000) }

    func scheduler(_ store: any TaskStore, _ instance: String) -> TaskScheduler {
        TaskScheduler(store: store, clock: clock, instanceID: instance, pollInterval: .seconds(3600), logger: quietLogger)
    }

    @Test(arguments: StoreKind.available)
    func globalTaskRunsOnOneInstancePerPeriod(kind: StoreKind) async throws {
        let stores = try await kind.make(instances: 2)
        defer { stores.cleanUp() }
        let a = scheduler(stores.stores[0], "a")
        let b = scheduler(stores.stores[1], "b")
        let logA = ActivityLog.recording(a)
        let logB = ActivityLog.recording(b)
        let gate = Probe()
        let runs = Mutex<[String]>([])
        try await a.register(id: "sync", schedule: every(60)) {
            runs.withLock { $0.append("a") }
            await gate.waitForGate()
        }
        try await whileRunning([a]) { () async throws in
            // A holds the lease for the first run while B comes up: B finds the task due but leased.
            await logA.waitForStarts("sync", count: 1)
            try await b.register(id: "sync", schedule: every(60)) {
                runs.withLock { $0.append("b") }
                await gate.waitForGate()
            }
            try await whileRunning([b]) { () async throws in
                await logB.waitUntilSettled("sync", now: clock.now())
                #expect(await logB.events.contains(.notAcquired(taskID: "sync", at: t0)))
                #expect(await logB.events.contains(.waiting(taskID: "sync", until: t0.plus(30))))
                gate.open()
                await logA.waitForFinishes("sync", count: 1)
                await logA.waitUntilSettled("sync", now: clock.now())

                for period in 1...4 {
                    clock.advance(to: t0.plus(Double(60 * period)))
                    await logA.waitUntilSettled("sync", now: clock.now())
                    await logB.waitUntilSettled("sync", now: clock.now())
                    #expect(runs.withLock { $0.count } == period + 1)
                }
            }
        }
        let starts = (await logA.starts("sync") + logB.starts("sync")).sorted()
        #expect(starts == (0...4).map { t0.plus(Double(60 * $0)) })
        #expect(runs.withLock { $0.first } == "a")
    }

    @Test(arguments: StoreKind.available)
    func expiredLeaseIsTakenOver(kind: StoreKind) async throws {
        let stores = try await kind.make(instances: 2)
        defer { stores.cleanUp() }
        // The dead instance took the lease through its own store.
        let store = stores.stores[0]
        let b = scheduler(stores.stores[1], "b")
        let log = ActivityLog.recording(b)
        try await b.register(id: "sync", schedule: every(60, timeout: 30)) {}
        // An instance that died mid-run holds the lease until t0 + 30.
        #expect(try await store.acquire(id: "sync", owner: "dead", now: t0, leaseExpiresAt: t0.plus(30)) != nil)
        try await whileRunning([b]) { () async throws in
            await log.waitUntilSettled("sync", now: clock.now())
            #expect(await log.starts("sync").isEmpty)
            let description = try #require(try await b.task(id: "sync"))
            #expect(description.taskState == .running(startedAt: t0, timesOutAt: t0.plus(30), lastRunEndedAt: nil,
                                                      lastRunError: nil))
            #expect(description.workerState.status == .idle)
            await #expect(throws: TaskSchedulerError.alreadyRunning("sync")) { try await b.trigger(id: "sync") }

            clock.advance(to: t0.plus(30))
            await log.waitForFinishes("sync", count: 1)
            await log.waitUntilSettled("sync", now: clock.now())
        }
        #expect(await log.starts("sync") == [t0.plus(30)])
        let late = TaskRunCompletion(endedAt: t0.plus(31), error: nil, consecutiveFailures: 0, nextRunAt: t0.plus(31))
        #expect(try await store.release(id: "sync", owner: "dead", completion: late) == false)
        #expect(try await store.record(id: "sync")?.nextRunAt == t0.plus(90))
    }

    @Test(arguments: StoreKind.available)
    func localTasksRunOnEveryInstance(kind: StoreKind) async throws {
        let stores = try await kind.make(instances: 2)
        defer { stores.cleanUp() }
        let store = stores.stores[0]
        let a = scheduler(store, "a")
        let b = scheduler(stores.stores[1], "b")
        let logA = ActivityLog.recording(a)
        let logB = ActivityLog.recording(b)
        try await a.register(id: "cache", schedule: every(60, scope: .local)) {}
        try await b.register(id: "cache", schedule: every(60, scope: .local)) {}
        try await whileRunning([a, b]) { () async throws in
            await logA.waitForFinishes("cache", count: 1)
            await logB.waitForFinishes("cache", count: 1)
            clock.advance(to: t0.plus(60))
            await logA.waitForFinishes("cache", count: 2)
            await logB.waitForFinishes("cache", count: 2)
            await logA.waitUntilSettled("cache", now: clock.now())
            await logB.waitUntilSettled("cache", now: clock.now())
            #expect(try await a.tasks().first?.scope == .local)
        }
        #expect(await logA.starts("cache") == [t0, t0.plus(60)])
        #expect(await logB.starts("cache") == [t0, t0.plus(60)])
        #expect(try await store.record(id: "cache") == nil)
    }
}
