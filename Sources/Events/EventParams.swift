import CatalogModel

/// An event as publishers hand it over and subscribers receive it (Backstage's `EventParams`).
public struct EventParams: Sendable, Equatable {
    /// Where the event is published: `github`, `github.push`, `frobs.add`, …
    public var topic: String
    /// The JSON payload.
    public var eventPayload: JSONValue
    /// Lower-cased HTTP headers and similar; secrets are never kept.
    public var metadata: [String: String]

    public init(topic: String, eventPayload: JSONValue, metadata: [String: String] = [:]) {
        self.topic = topic
        self.eventPayload = eventPayload
        self.metadata = metadata
    }
}

/// An event delivered to a subscriber: the params and where it sits in the log.
public struct DeliveredEvent: Sendable {
    public var params: EventParams
    /// The stored event's id (stable across instances and restarts).
    public var eventID: String
    /// The event's position in the log.
    public var position: Int64
    /// 1 for the first delivery, then 2, 3, … for retries.
    public var attempt: Int

    public init(params: EventParams, eventID: String, position: Int64, attempt: Int) {
        self.params = params
        self.eventID = eventID
        self.position = position
        self.attempt = attempt
    }
}
