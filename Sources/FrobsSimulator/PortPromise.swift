import Synchronization

/// The port the server bound, for callers that wait for it before the server is up.
final class PortPromise: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }
    private let state = Mutex(State.waiting([]))

    /// Resolves the waiters with `port` (only the first resolution counts).
    func fulfil(_ port: Int) {
        resolve(.bound(port)).forEach { $0.resume(returning: port) }
    }

    /// Fails the waiters with `error` unless already resolved.
    func fail(_ error: any Error) {
        resolve(.failed(error)).forEach { $0.resume(throwing: error) }
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<Int, any Error>? in
                switch state {
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    private func resolve(_ final: State) -> [CheckedContinuation<Int, any Error>] {
        state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = final
            return waiters
        }
    }
}
