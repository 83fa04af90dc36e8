import ServiceLifecycle

/// Wakes this instance's delivery loops when any instance appends to the shared event log
/// (LISTEN on ``PostgresEventLog/appendChannel``), so delivery does not wait for a poll. Stops
/// at graceful shutdown.
public struct PostgresAppendListener: Service {
    let log: PostgresEventLog
    let onAppend: @Sendable () -> Void

    /// - Parameter onAppend: called after each append anywhere (typically the events service's `wake()`).
    public init(log: PostgresEventLog, onAppend: @escaping @Sendable () -> Void) {
        self.log = log
        self.onAppend = onAppend
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await log.listenForAppends(onAppend)
        }
    }
}
