import ServiceLifecycle

/// Wakes this instance when another instance commits to the shared database, so that readers
/// do not wait for a poll: after an append to the event log (the delivery loops) or a catalog
/// mutation (the change relay and feeds). Stops at graceful shutdown.
public struct PostgresNotificationListener: Service {
    private let listen: @Sendable (@escaping @Sendable () -> Void) async throws -> Void
    private let onNotification: @Sendable () -> Void

    /// Calls `onAppend` after each append anywhere (typically the events service's `wake()`).
    public init(appendsTo log: PostgresEventLog, onAppend: @escaping @Sendable () -> Void) {
        listen = { try await log.listenForAppends($0) }
        onNotification = onAppend
    }

    /// Calls `onChange` after each catalog mutation anywhere (typically the engine's
    /// `changesCommittedElsewhere()`).
    public init(changesTo store: PostgresCatalogStore, onChange: @escaping @Sendable () -> Void) {
        listen = { try await store.listenForChanges($0) }
        onNotification = onChange
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await listen(onNotification)
        }
    }
}
