import Synchronization

/// Wakes one task worker early (a trigger): `notify()` resumes the waiting worker, or, when none
/// waits, makes its next `wait()` return at once. Unlike a plain continuation, `wait()` also
/// returns when the waiting task is cancelled, so a worker racing it against a sleep can stop.
final class TaskWakeSignal: Sendable {
    private struct State {
        var pending = false
        var nextID = 0
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    private let state = Mutex(State())

    func notify() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.continuation
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on a notification or when the calling task is cancelled.
    func wait() async {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiter = (id, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }
    }
}
