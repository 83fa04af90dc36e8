import Synchronization

/// What happens to events, for the live tail (`GET /api/events/stream`) and logs.
public enum EventActivity: Sendable, Equatable {
    case appended(eventID: String, topic: String, position: Int64)
    case delivered(subscriber: String, eventID: String, topic: String, attempt: Int)
    case failed(subscriber: String, eventID: String, topic: String, attempt: Int, error: String)
    case deadLettered(subscriber: String, eventID: String, topic: String, attempts: Int, error: String)
    case routed(subscriber: String, eventID: String, from: String, to: String?)
}

/// Fans values out to any number of listeners; a slow listener loses its oldest values rather
/// than slowing the publisher.
public final class Broadcaster<Value: Sendable>: Sendable {
    private let listeners = Mutex<[Int: AsyncStream<Value>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)
    private let buffer: Int

    public init(buffer: Int = 1024) {
        self.buffer = buffer
    }

    /// A stream of the values sent from now on.
    public func subscribe() -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        let id = nextID.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    public func send(_ value: Value) {
        let current = listeners.withLock { Array($0.values) }
        for continuation in current { continuation.yield(value) }
    }

    /// Ends every listener's stream.
    public func finish() {
        let current = listeners.withLock { listeners -> [AsyncStream<Value>.Continuation] in
            defer { listeners.removeAll() }
            return Array(listeners.values)
        }
        for continuation in current { continuation.finish() }
    }
}
