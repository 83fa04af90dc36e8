import Foundation
import Scheduler
import Testing

@Suite("Manual clock", .timeLimit(.minutes(1)))
struct ManualSchedulerClockTests {
    @Test func sleepersWakeWhenTimePassesTheirDeadline() async throws {
        let clock = ManualSchedulerClock()
        let start = clock.now()
        try await clock.sleep(until: start)  // not in the future: returns at once
        let woken = Probe()
        let sleepers = (1...3).map { seconds in
            Task {
                try await clock.sleep(until: start.plus(Double(seconds * 10)))
                woken.call()
            }
        }
        await clock.waitForSleepers(count: 3)
        #expect(clock.sleeperDeadlines == [start.plus(10), start.plus(20), start.plus(30)])
        clock.advance(by: .seconds(20))
        try await sleepers[0].value
        try await sleepers[1].value
        #expect(woken.calls == 2)
        #expect(clock.sleeperCount == 1)
        #expect(clock.now() == start.plus(20))
        clock.advance(to: start)  // never backwards
        #expect(clock.now() == start.plus(20))
        clock.advance(by: .seconds(10))
        try await sleepers[2].value
        #expect(woken.calls == 3)
    }

    @Test func cancellingASleeperThrows() async throws {
        let clock = ManualSchedulerClock()
        let sleeper = Task { try await clock.sleep(until: .distantFuture) }
        await clock.waitForSleepers(count: 1)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)
    }
}
