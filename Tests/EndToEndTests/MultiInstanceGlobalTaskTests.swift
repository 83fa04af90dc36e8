import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// Two `callboard serve` processes on one PostgreSQL database (SPEC §5, §8): a global scheduled
/// task (the Frobs provider's full sync, every 2 s) runs once per period across both, never on
/// both at once, and both instances' task lists show the same shared state.
@Suite(.serialized, .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(4)))
struct MultiInstanceGlobalTaskTests {
    static let period = 2.0
    /// Periods observed.
    static let window = 10.0

    @Test func aGlobalTaskRunsOncePerPeriodAcrossTwoInstances() async throws {
        // Each full sync is held for half a period: two instances running it on their own would
        // overlap, and would run it about twice per period.
        let upstream = CountingFrobsUpstream(fullSyncHold: .milliseconds(Int(Self.period * 500)))
        try await SharedDatabase.with { database in
            try await FakeHTTPServer.with({ await upstream.reply($0) }) { _, port in
                let workspace = try FaultWorkspace.sharedFrobs(
                    port: port, database: database, schedule: "{ frequency: \(Int(Self.period))s, timeout: 1m }")
                defer { workspace.remove() }
                let first = try await FaultServer.start(workspace)
                let second = try await FaultServer.start(workspace)

                #expect(try await eventually(seconds: 60) { upstream.fullSyncs >= 2 }, "the full sync runs")
                // Over a window of `window` periods, runs start at least a period apart
                // (start to start): at most window + 1 of them, plus one whose read was late.
                let before = upstream.fullSyncs
                let started = ContinuousClock.now
                var agreedRunning = false
                var agreedIdle = false
                while ContinuousClock.now - started < .seconds(Self.window * Self.period) {
                    let views = (try await Self.task(on: first), try await Self.task(on: second))
                    agreedRunning = agreedRunning || Self.agreeOnARun(views.0, views.1)
                    agreedIdle = agreedIdle || Self.agreeWhileIdle(views.0, views.1)
                    try await Task.sleep(for: .milliseconds(100))
                }
                let elapsed = ContinuousClock.now - started
                let runs = upstream.fullSyncs - before
                let periods = Int((Double(elapsed.components.seconds) / Self.period).rounded(.down))
                #expect(runs >= 1, "the task kept running")
                #expect(runs <= periods + 2, "\(runs) runs in \(periods) periods: it ran on both instances")
                #expect(upstream.mostFullSyncsInFlight == 1, "two runs overlapped")
                print("MultiInstanceGlobalTask: \(runs) runs in \(periods) periods of \(Self.period) s across two instances")

                // Both task lists show the same stored state; only one worker runs it.
                if !agreedRunning || !agreedIdle {
                    let settle = try await eventually(seconds: 60) {
                        let views = (try await Self.task(on: first), try await Self.task(on: second))
                        agreedRunning = agreedRunning || Self.agreeOnARun(views.0, views.1)
                        agreedIdle = agreedIdle || Self.agreeWhileIdle(views.0, views.1)
                        return agreedRunning && agreedIdle
                    }
                    #expect(settle)
                }
                #expect(agreedRunning, "both instances show the same run, one of them running it")
                #expect(agreedIdle, "both instances show the same next run and last end")
                await first.stop()
                await second.stop()
            }
        }
    }

    /// The `frobs-test` entry of an instance's task list.
    static func task(on server: FaultServer) async throws -> JSONValue? {
        try await server.json("/api/catalog/.backstage/scheduler/v1/tasks")["tasks"]?.arrayValue?
            .first { $0["taskId"]?.stringValue == "frobs-test" }
    }

    /// Both see the same run (`taskState` running with one `startedAt`), and exactly one of the
    /// two workers is running it.
    static func agreeOnARun(_ one: JSONValue?, _ other: JSONValue?) -> Bool {
        guard let one, let other, one["taskState"]?["status"]?.stringValue == "running",
              one["taskState"] == other["taskState"]
        else { return false }
        let workers = [one, other].filter { $0["workerState"]?["status"]?.stringValue == "running" }
        return workers.count == 1
    }

    /// Both are idle with the same stored state (next run, last end, last error).
    static func agreeWhileIdle(_ one: JSONValue?, _ other: JSONValue?) -> Bool {
        guard let one, let other, one["taskState"]?["status"]?.stringValue == "idle",
              one["taskState"]?["lastRunEndedAt"] != nil
        else { return false }
        return one["taskState"] == other["taskState"]
    }
}
