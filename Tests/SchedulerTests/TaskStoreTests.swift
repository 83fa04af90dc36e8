import Foundation
import Scheduler
import StoreSQLite
import Testing

@Suite("Task stores", .timeLimit(.minutes(1)))
struct TaskStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test(arguments: StoreKind.available)
    func registerKeepsTheNextRunUnlessTheSettingsChange(kind: StoreKind) async throws {
        let stores = try await kind.make()
        defer { stores.cleanUp() }
        let store = stores.store
        let created = try await store.register(id: "t", settings: "s1", nextRunAt: t0)
        #expect(created == TaskRecord(id: "t", settings: "s1", nextRunAt: t0))
        #expect(try await store.register(id: "t", settings: "s1", nextRunAt: t0.plus(99)).nextRunAt == t0)
        let changed = try await store.register(id: "t", settings: "s2", nextRunAt: t0.plus(5))
        #expect(changed.settings == "s2")
        #expect(changed.nextRunAt == t0.plus(5))
        #expect(try await store.register(id: "manual", settings: "m", nextRunAt: nil).nextRunAt == nil)
        #expect(try await store.record(id: "unknown") == nil)
    }

    @Test(arguments: StoreKind.available)
    func leaseIsTakenOnlyWhenDueAndFreeOrExpired(kind: StoreKind) async throws {
        let stores = try await kind.make()
        defer { stores.cleanUp() }
        let store = stores.store
        _ = try await store.register(id: "t", settings: "s", nextRunAt: t0.plus(10))
        #expect(try await store.acquire(id: "t", owner: "a", now: t0, leaseExpiresAt: t0.plus(30)) == nil)
        #expect(try await store.acquire(id: "unknown", owner: "a", now: t0, leaseExpiresAt: t0.plus(30)) == nil)

        let acquired = try #require(try await store.acquire(id: "t", owner: "a", now: t0.plus(10), leaseExpiresAt: t0.plus(40)))
        #expect(acquired.lease == TaskLease(owner: "a", expiresAt: t0.plus(40)))
        #expect(acquired.lastRunStartedAt == t0.plus(10))
        #expect(acquired.isLeased(at: t0.plus(39)))
        #expect(try await store.acquire(id: "t", owner: "b", now: t0.plus(39), leaseExpiresAt: t0.plus(69)) == nil)
        #expect(try await store.requestRun(id: "t", at: t0.plus(39)) == .alreadyRunning)

        // Expired: another owner takes over, and the first can no longer release.
        let takenOver = try #require(try await store.acquire(id: "t", owner: "b", now: t0.plus(40), leaseExpiresAt: t0.plus(70)))
        #expect(takenOver.lease?.owner == "b")
        let completion = TaskRunCompletion(endedAt: t0.plus(45), error: "boom", consecutiveFailures: 1, nextRunAt: t0.plus(46))
        #expect(try await store.release(id: "t", owner: "a", completion: completion) == false)
        #expect(try await store.release(id: "t", owner: "b", completion: completion) == true)

        let released = try #require(try await store.record(id: "t"))
        #expect(released == TaskRecord(
            id: "t", settings: "s", nextRunAt: t0.plus(46), lastRunStartedAt: t0.plus(40), lastRunEndedAt: t0.plus(45),
            lastRunError: "boom", consecutiveFailures: 1, lease: nil))
        #expect(try await store.release(id: "t", owner: "b", completion: completion) == false)
    }

    @Test(arguments: StoreKind.available)
    func requestRunMakesTheTaskDueNow(kind: StoreKind) async throws {
        let stores = try await kind.make()
        defer { stores.cleanUp() }
        let store = stores.store
        #expect(try await store.requestRun(id: "t", at: t0) == .notFound)
        _ = try await store.register(id: "t", settings: "s", nextRunAt: nil)
        #expect(try await store.acquire(id: "t", owner: "a", now: t0, leaseExpiresAt: t0.plus(30)) == nil)
        #expect(try await store.requestRun(id: "t", at: t0) == .scheduled)
        #expect(try await store.record(id: "t")?.nextRunAt == t0)
        #expect(try await store.acquire(id: "t", owner: "a", now: t0, leaseExpiresAt: t0.plus(30)) != nil)
    }

    @Test(arguments: StoreKind.available)
    func leaseIsExclusiveAcrossInstancesOnOneDatabase(kind: StoreKind) async throws {
        let instances = try await kind.make(instances: 2)
        defer { instances.cleanUp() }
        let first = instances.stores[0]
        let second = instances.stores[1]
        _ = try await first.register(id: "t", settings: "s", nextRunAt: t0)
        let stores: [(String, any TaskStore)] = [("a1", first), ("b1", second), ("a2", first), ("b2", second)]
        for round in 0..<20 {
            let now = t0.plus(Double(60 * round))
            let winners = try await withThrowingTaskGroup(of: String?.self) { group in
                for (owner, store) in stores {
                    group.addTask {
                        try await store.acquire(id: "t", owner: owner, now: now, leaseExpiresAt: now.plus(30)) == nil
                            ? nil : owner
                    }
                }
                return try await group.reduce(into: [String]()) { if let owner = $1 { $0.append(owner) } }
            }
            #expect(winners.count == 1, "round \(round): \(winners)")
            let winner = try #require(winners.first)
            let store = winner.hasPrefix("a") ? first : second
            let completion = TaskRunCompletion(endedAt: now.plus(1), error: nil, consecutiveFailures: 0, nextRunAt: now.plus(60))
            #expect(try await store.release(id: "t", owner: winner, completion: completion))
        }
    }

    @Test func sqliteKeepsStateAcrossReopening() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scheduler.sqlite").path
        do {
            let store = try SQLiteTaskStore(path: path)
            _ = try await store.register(id: "t", settings: "s", nextRunAt: t0)
            _ = try await store.acquire(id: "t", owner: "a", now: t0, leaseExpiresAt: t0.plus(30))
            let completion = TaskRunCompletion(endedAt: t0.plus(2.5), error: "boom", consecutiveFailures: 3,
                                               nextRunAt: t0.plus(60.25))
            #expect(try await store.release(id: "t", owner: "a", completion: completion))
        }
        let reopened = try SQLiteTaskStore(path: path)
        #expect(try await reopened.record(id: "t") == TaskRecord(
            id: "t", settings: "s", nextRunAt: t0.plus(60.25), lastRunStartedAt: t0, lastRunEndedAt: t0.plus(2.5),
            lastRunError: "boom", consecutiveFailures: 3, lease: nil))
        #expect(try await reopened.register(id: "t", settings: "s", nextRunAt: t0.plus(1)).nextRunAt == t0.plus(60.25))
    }

    @Test func schedulerRestartOnSQLiteDoesNotStampede() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scheduler.sqlite").path
        let clock = ManualSchedulerClock()
        func scheduler(_ instance: String) throws -> TaskScheduler {
            TaskScheduler(store: try SQLiteTaskStore(path: path), clock: clock, instanceID: instance,
                          pollInterval: .seconds(3600), logger: quietLogger)
        }
        let first = try scheduler("before")
        let firstLog = ActivityLog.recording(first)
        for id in ["one", "two"] { try await first.register(id: id, schedule: every(60)) {} }
        try await whileRunning([first]) { () async throws in
            for id in ["one", "two"] {
                await firstLog.waitForFinishes(id, count: 1)
                await firstLog.waitUntilSettled(id, now: clock.now())
            }
        }

        clock.advance(to: t0.plus(30))
        let second = try scheduler("after")
        let secondLog = ActivityLog.recording(second)
        for id in ["one", "two"] { try await second.register(id: id, schedule: every(60)) {} }
        try await whileRunning([second]) { () async throws in
            for id in ["one", "two"] { await secondLog.waitUntilSettled(id, now: clock.now()) }
            #expect(await secondLog.events.contains { if case .started = $0 { true } else { false } } == false)
            clock.advance(to: t0.plus(60))
            for id in ["one", "two"] {
                await secondLog.waitForFinishes(id, count: 1)
                await secondLog.waitUntilSettled(id, now: clock.now())
            }
        }
        #expect(await secondLog.starts("one") == [t0.plus(60)])
        #expect(await secondLog.starts("two") == [t0.plus(60)])
    }
}
