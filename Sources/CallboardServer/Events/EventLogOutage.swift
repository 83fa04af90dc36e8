import Logging
import Synchronization

/// Logs the event log's outages once each: the first append that fails logs one error line
/// saying what it means for senders; the failures after it, until an append succeeds again, are
/// debug lines (a sender retrying against a full disk would otherwise write a line per request,
/// which helps fill it). The first success after an outage logs that webhooks are acknowledged
/// again, with how many were refused.
final class EventLogOutage: Sendable {
    /// Appends refused in the current outage; 0 while the log writes.
    private let refused = Atomic<Int>(0)

    /// Records a failed append.
    func failed(_ error: any Error, topic: String, logger: Logger) {
        let (_, count) = refused.add(1, ordering: .relaxed)
        if count == 1 {
            logger.error("Event log cannot write (disk full, file size limit or I/O error?); webhooks are answered 503 and not acknowledged until it can", metadata: [
                "event.topic": "\(topic)", "error": "\(error)",
            ])
        } else {
            logger.debug("Event log append failed; not acknowledged", metadata: [
                "event.topic": "\(topic)", "error": "\(error)",
            ])
        }
    }

    /// Records a successful append; cheap while there is no outage.
    func succeeded(logger: Logger) {
        guard refused.load(ordering: .relaxed) > 0 else { return }
        let count = refused.exchange(0, ordering: .relaxed)
        if count > 0 {
            logger.notice("Event log writes again; webhooks are acknowledged", metadata: ["refused": "\(count)"])
        }
    }
}
