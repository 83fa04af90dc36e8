import Foundation

/// The scheduler's notion of time, injected so that tests never sleep.
public protocol SchedulerClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns once `now() >= deadline` (at once if it already is); throws `CancellationError`
    /// when the calling task is cancelled first.
    func sleep(until deadline: Date) async throws
}

/// Wall-clock time and `Task.sleep`.
public struct SystemSchedulerClock: SchedulerClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        // Re-checked after each sleep: the wall clock may have moved while we slept.
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return try Task.checkCancellation() }
            try await Task.sleep(for: .seconds(remaining))
        }
    }
}
