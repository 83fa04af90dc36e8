import Logging
import ServiceLifecycle

/// Marks the server ready while it runs and not ready the moment graceful shutdown starts
/// (it is the last service of the group, so it hears the shutdown first).
struct ReadinessService: Service {
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        readiness.set(true)
        try? await gracefulShutdown()
        readiness.set(false)
        logger.info("Shutting down: readiness is now 503, draining in-flight requests")
    }
}
