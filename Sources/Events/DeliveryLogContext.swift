import Logging

/// The delivery a handler is running for, as a task-local value, so that everything a
/// subscriber logs while it handles an event carries `event.id`, `event.topic` and
/// `subscriber.id` without passing a logger around. A server bootstraps swift-log with
/// ``metadataProvider`` to add them.
public struct DeliveryLogContext: Sendable {
    /// The event being delivered.
    public var eventID: String
    /// The event's topic.
    public var topic: String
    /// The subscriber (or router) receiving it.
    public var subscriberID: String

    /// The delivery of event `eventID` on `topic` to `subscriberID`.
    public init(eventID: String, topic: String, subscriberID: String) {
        self.eventID = eventID
        self.topic = topic
        self.subscriberID = subscriberID
    }

    /// The delivery running on this task, if any.
    @TaskLocal public static var current: DeliveryLogContext?

    /// Adds the current delivery's `event.id`, `event.topic` and `subscriber.id` to log records.
    public static let metadataProvider = Logger.MetadataProvider {
        guard let delivery = current else { return [:] }
        return [
            "event.id": "\(delivery.eventID)", "event.topic": "\(delivery.topic)",
            "subscriber.id": "\(delivery.subscriberID)",
        ]
    }
}
