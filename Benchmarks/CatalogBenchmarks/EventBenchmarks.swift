import Benchmark
import Events
import Foundation
import Logging
import ServiceLifecycle
import StoreSQLite
import Synchronization

// The durable event log on SQLite (WAL, `synchronous=FULL`: every commit is flushed), as webhook
// ingress and the dispatcher use it. `single` appends one event per commit, one after another,
// so each pays its own flush; `groupCommit` has 64 appenders at once, as concurrent webhooks
// are, and their appends share flushes; `fanOut` measures append-to-handled for 8 subscribers.

enum EventBench {
    static let count = Shared.smoke ? 64 : 2_048
    static let label = Shared.smoke ? "64" : "2k"
    static let appenders = 64
    static let subscribers = 8
    /// A 1 KiB JSON payload, like the ingress load test's.
    static let payload: [UInt8] = Array(("{\"data\":\"" + String(repeating: "x", count: 1_000) + "\"}").utf8)

    static func event(_ index: Int) -> NewEvent {
        NewEvent(topic: "bench", payload: payload, metadata: ["x-bench-index": String(index)])
    }

    static func openLog(_ scratch: ScratchDirectory) throws -> SQLiteEventLog {
        try SQLiteEventLog(path: scratch.path("events.sqlite"))
    }
}

func registerEventBenchmarks(configuration: Benchmark.Configuration) {
    Benchmark("Events.append.single.\(EventBench.label)", configuration: configuration) { benchmark in
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let log = try EventBench.openLog(scratch)
        benchmark.startMeasurement()
        for index in 0..<EventBench.count { _ = try await log.append([EventBench.event(index)]) }
        benchmark.stopMeasurement()
        try await expectTail(log, EventBench.count)
    }

    Benchmark("Events.append.groupCommit.\(EventBench.label)", configuration: configuration) { benchmark in
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let log = try EventBench.openLog(scratch)
        let perAppender = EventBench.count / EventBench.appenders
        benchmark.startMeasurement()
        try await withThrowingDiscardingTaskGroup { group in
            for appender in 0..<EventBench.appenders {
                group.addTask {
                    for index in 0..<perAppender {
                        _ = try await log.append([EventBench.event(appender * perAppender + index)])
                    }
                }
            }
        }
        benchmark.stopMeasurement()
        try await expectTail(log, perAppender * EventBench.appenders)
    }

    // Appends in batches of 64 and waits until all 8 subscribers have handled every event.
    Benchmark("Events.fanOut.\(EventBench.label)x\(EventBench.subscribers)", configuration: configuration) { benchmark in
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let log = try EventBench.openLog(scratch)
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let service = DurableEventsService(log: log, logger: logger)
        let handled = Atomic<Int>(0)
        for subscriber in 0..<EventBench.subscribers {
            try await service.subscribe(id: "bench-\(subscriber)", topics: ["bench"]) { _ in
                handled.add(1, ordering: .relaxed)
            }
        }
        let expected = EventBench.count * EventBench.subscribers
        let group = ServiceGroup(services: [service], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            benchmark.startMeasurement()
            for start in stride(from: 0, to: EventBench.count, by: 64) {
                _ = try await service.append((start..<min(start + 64, EventBench.count)).map(EventBench.event))
            }
            while handled.load(ordering: .relaxed) < expected { try await Task.sleep(for: .microseconds(200)) }
            benchmark.stopMeasurement()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

private func expectTail(_ log: SQLiteEventLog, _ count: Int) async throws {
    let tail = try await log.tail()
    guard tail == Int64(count) else { throw UnexpectedResult(description: "expected \(count) events stored, the tail is \(tail)") }
}
