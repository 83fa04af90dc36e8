import Synchronization

/// An operation that did not finish in time.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "no answer within \(limit)" }
}

/// Runs `operation` and returns its result, or throws ``DeadlineExceeded`` once `limit` has passed
/// (the operation is then cancelled, and its late result ignored). Unlike a task group, this
/// answers at the deadline even when the operation does not honour cancellation at once (a
/// database client still waiting for a connection), so a request never outlives its bound.
func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let waiter = DeadlineWaiter<T>()
    let work = Task { try await operation() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            waiter.wait(with: continuation)
            let timer = Task {
                try await Task.sleep(for: limit)
                if waiter.resume(with: .failure(DeadlineExceeded(limit: limit))) { work.cancel() }
            }
            Task {
                let result = await work.result
                timer.cancel()
                waiter.resume(with: result)
            }
        }
    } onCancel: {
        work.cancel()
    }
}

/// The one continuation of a ``withDeadline(_:_:)`` call, resumed by whichever comes first.
private final class DeadlineWaiter<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func wait(with continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    /// Resumes the waiter unless it was resumed already; returns whether this call did.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        guard let waiting = continuation.withLock({ $0.take() }) else { return false }
        waiting.resume(with: result)
        return true
    }
}
