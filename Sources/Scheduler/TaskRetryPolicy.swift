/// How soon a failed run is retried: `initialBackoff` doubling per consecutive failure, capped
/// at `maxBackoff`. A retry is only scheduled when it comes before the next regular run, so a
/// failing task never runs more often than its schedule plus these retries, and never retries
/// past its next period. No jitter, so that runs are predictable.
public struct TaskRetryPolicy: Sendable, Hashable {
    /// The wait after the first failure.
    public var initialBackoff: Duration
    /// The longest wait.
    public var maxBackoff: Duration

    public init(initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(300)) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait after `failures` failed runs in a row (1 = the first failure).
    public func backoff(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let raw = initialBackoff * (1 << exponent)
        return raw > maxBackoff ? maxBackoff : raw
    }
}
