import Logging
import ServiceLifecycle

/// Marks the server ready while it runs and not ready the moment graceful shutdown starts
/// (it is the last service of the group, so it hears the shutdown first).
struct ReadinessService: Service {
    let readiness: Readiness
    let logger: Logger
    /// Runs when shutdown starts (closes live streams).
    let onShutdown: @Sendable () -> Void

    func run() async throws {
        readiness.set(true)
        try? await gracefulShutdown()
        readiness.set(false)
        onShutdown()
        logger.info("Shutting down: readiness is now 503, draining in-flight requests")
    }
}
