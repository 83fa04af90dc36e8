import Dispatch
import Synchronization

/// Hands the elements of an async stream to synchronous code running on a database writer
/// thread, so that one write transaction can consume a stream of any length.
///
/// The producer side runs in a task on the cooperative pool; the consumer blocks its own
/// (non-cooperative) writer thread on a semaphore. At most `capacity` elements wait in between.
final class BlockingBatchSource<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var finished = false
        var failure: (any Error)?
        var producerWaiter: CheckedContinuation<Void, Never>?
    }

    /// Why the consumer stopped waiting.
    struct Stalled: Error, CustomStringConvertible {
        var description: String { "the entity stream produced nothing for too long; the mutation was rolled back" }
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let capacity: Int
    private let stallTimeout: DispatchTimeInterval
    private let producer = Mutex<Task<Void, Never>?>(nil)

    init(capacity: Int = 2, stallTimeout: DispatchTimeInterval = .seconds(600)) {
        self.capacity = capacity
        self.stallTimeout = stallTimeout
    }

    /// Starts pulling from `stream`.
    func start(_ stream: AsyncThrowingStream<Element, any Error>) {
        let task = Task { [self] in
            do {
                for try await element in stream {
                    await waitForSpace()
                    state.withLock { $0.buffer.append(element) }
                    available.signal()
                }
                state.withLock { $0.finished = true }
            } catch {
                state.withLock {
                    $0.failure = error
                    $0.finished = true
                }
            }
            available.signal()
        }
        producer.withLock { $0 = task }
    }

    /// Stops the producer (after the consumer gave up).
    func cancel() {
        producer.withLock { $0?.cancel() }
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.producerWaiter = nil }
            return state.producerWaiter
        }
        waiter?.resume()
    }

    private func waitForSpace() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.buffer.count < capacity || state.finished { return true }
                state.producerWaiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private enum Step {
        case element(Element, CheckedContinuation<Void, Never>?)
        case end
        case failure(any Error)
        case wait
    }

    /// The next element, nil at the end; blocks the calling thread. Never call it from a task.
    func next() throws -> Element? {
        while true {
            let step = state.withLock { state -> Step in
                if !state.buffer.isEmpty {
                    let element = state.buffer.removeFirst()
                    let waiter = state.producerWaiter
                    state.producerWaiter = nil
                    return .element(element, waiter)
                }
                if let failure = state.failure { return .failure(failure) }
                if state.finished { return .end }
                return .wait
            }
            switch step {
            case .element(let element, let waiter):
                waiter?.resume()
                return element
            case .end:
                return nil
            case .failure(let error):
                throw error
            case .wait:
                if available.wait(timeout: .now() + stallTimeout) == .timedOut {
                    cancel()
                    throw Stalled()
                }
            }
        }
    }
}
