import CallboardConfig
import Events
import Logging

/// Sets up swift-log for the process from `backend.logging` (with the environment's overrides
/// already applied): text lines (swift-log's stream handler) or JSON lines, at the configured
/// level, on stderr. Records made while a subscriber handles an event carry its `event.id`,
/// `event.topic` and `subscriber.id` (``DeliveryLogContext``). Call once, before the first
/// logger is made.
public enum LoggingBootstrap {
    /// Bootstraps swift-log's `LoggingSystem` with `settings`; callable once per process.
    public static func bootstrap(_ settings: CallboardConfiguration.Logging) {
        let level = Logger.Level(rawValue: settings.level.rawValue) ?? .info
        switch settings.format {
        case .text:
            LoggingSystem.bootstrap({ label, provider in
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }, metadataProvider: DeliveryLogContext.metadataProvider)
        case .json:
            LoggingSystem.bootstrap({ label, provider in
                JSONLogHandler(label: label, level: level, metadataProvider: provider)
            }, metadataProvider: DeliveryLogContext.metadataProvider)
        }
    }
}
