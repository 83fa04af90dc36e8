import Synchronization

/// The input hashes of what a provider owns, handed from the store's write transaction (which
/// reads them anyway to diff a full mutation) to the engine's preparing task, so that changed
/// entities are prepared in parallel with the writer without a second read of the same rows.
///
/// The preparing task never waits for them: until they are published it hands entities over
/// unprepared, and the writer prepares those itself. The first ``publish(_:)`` wins.
public final class OwnedHashes: Sendable {
    private let state = Mutex<[String: String]?>(nil)

    public init() {}

    /// Hands over the provider's stored hashes by ref. Later calls are ignored.
    public func publish(_ hashes: [String: String]) {
        state.withLock { state in
            if state == nil { state = hashes }
        }
    }

    /// The published hashes, or nil when the transaction has not read them yet.
    public var current: [String: String]? {
        state.withLock { $0 }
    }
}
