/// Republishes each event of some topics to the topic ``determineDestinationTopic(_:)`` returns,
/// or drops it when that is nil (Backstage's `EventRouter`). Payload and metadata pass unchanged.
///
/// The republish and the router's cursor advance commit in one transaction, so routing is itself
/// a durable, at-least-once delivery.
public protocol EventRouter: Sendable {
    /// The subscriber id naming the router's cursor.
    var subscriberID: String { get }
    /// The topics it reads.
    var topics: [String] { get }
    /// Where the event goes, or nil to drop it.
    func determineDestinationTopic(_ params: EventParams) -> String?
}

/// Routes one topic to `"\(topic).\(subTopic)"` (Backstage's `SubTopicEventRouter`).
public protocol SubTopicEventRouter: EventRouter {
    /// The topic it reads.
    var topic: String { get }
    /// The sub-topic for an event, or nil (or empty) to drop it.
    func determineSubTopic(_ params: EventParams) -> String?
}

extension SubTopicEventRouter {
    public var topics: [String] { [topic] }

    public func determineDestinationTopic(_ params: EventParams) -> String? {
        guard let subTopic = determineSubTopic(params), !subTopic.isEmpty else { return nil }
        return "\(params.topic).\(subTopic)"
    }
}
