/// Retries of a failing subscriber (`events.delivery`): exponential backoff with jitter, then a
/// dead letter.
public struct DeliveryPolicy: Sendable, Equatable {
    /// Attempts before the event is parked as a dead letter (at least 1).
    public var maxAttempts: Int
    /// The wait after the first failure.
    public var initialBackoff: Duration
    /// The longest wait between attempts.
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = max(initialBackoff, maxBackoff)
    }

    /// The wait after failed attempt `attempt` (1-based): `initialBackoff × 2^(attempt-1)`, capped,
    /// then scaled by a random factor in [0.5, 1.0] ("equal jitter") so retries of many
    /// subscribers do not line up.
    public func backoff(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0.5...1.0)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let raw = initialBackoff * (1 << exponent)
        let capped = raw > maxBackoff ? maxBackoff : raw
        return capped * min(max(jitter, 0), 1)
    }
}

/// Something that can wait; injected so tests need not sleep.
public protocol DeliveryClock: Sendable {
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct ContinuousDeliveryClock: DeliveryClock {
    public init() {}

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
