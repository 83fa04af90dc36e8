import Synchronization

/// A token bucket: `perSecond` tokens a second, at most `burst` saved up. Each accepted request
/// takes one; an empty bucket means 429 with the seconds until the next token.
public final class TokenBucket: Sendable {
    private struct State {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let perSecond: Double
    public let burst: Double
    private let state: Mutex<State>

    public init(perSecond: Double, burst: Int) {
        self.perSecond = max(perSecond, 0.000_001)
        self.burst = Double(max(burst, 1))
        self.state = Mutex(State(tokens: Double(max(burst, 1)), updated: .now))
    }

    /// Takes a token; nil when one was available, else the seconds to wait (at least 1).
    public func take(now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            let elapsed = now - state.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            state.tokens = min(burst, state.tokens + max(seconds, 0) * perSecond)
            state.updated = now
            if state.tokens >= 1 {
                state.tokens -= 1
                return nil
            }
            let wait = (1 - state.tokens) / perSecond
            return max(1, Int(wait.rounded(.up)))
        }
    }
}
