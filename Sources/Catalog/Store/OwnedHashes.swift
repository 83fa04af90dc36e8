import Synchronization

/// The input hashes of what a provider owns, handed from the store's write transaction (which
/// reads them anyway to diff a full mutation) to the engine's preparing task, so that changed
/// entities are prepared in parallel with the writer without a second read of the same rows.
///
/// The first ``publish(_:)`` wins; ``hashes()`` waits for it. A store publishes an empty map when
/// its transaction fails before reading, so a waiter never hangs.
public final class OwnedHashes: Sendable {
    private struct State {
        var hashes: [String: String]?
        var waiters: [CheckedContinuation<[String: String], Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Hands over the provider's stored hashes by ref. Later calls are ignored.
    public func publish(_ hashes: [String: String]) {
        let waiters = state.withLock { state -> [CheckedContinuation<[String: String], Never>] in
            guard state.hashes == nil else { return [] }
            state.hashes = hashes
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: hashes) }
    }

    /// The published hashes, once they are.
    public func hashes() async -> [String: String] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [String: String]? in
                if let hashes = state.hashes { return hashes }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
