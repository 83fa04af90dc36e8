import Events
import Logging
import ServiceLifecycle

/// Applies the event log's retention policy once a minute (SPEC §3.4).
struct RetentionService: Service {
    let log: any EventLog
    let policy: RetentionPolicy
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let report = try await log.applyRetention(policy)
                for subscriber in report.staleSubscribersDropped {
                    logger.warning("Dropped a stale event subscriber; its undelivered events may now be deleted",
                                   metadata: ["subscriber.id": "\(subscriber)"])
                }
                if report.eventsDeleted > 0 {
                    logger.debug("Event retention", metadata: ["events.deleted": "\(report.eventsDeleted)"])
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("Event retention failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
