/// The kind of change a webhook announces; the payload's `type` (`{"type":"add","id":"42"}`),
/// which Callboard's `FrobsEventRouter` turns into the sub-topic `frobs.add`, … (SPEC §7).
public enum FrobsEventType: String, Codable, Sendable, CaseIterable {
    /// A source was created (or re-created after a delete).
    case add
    /// A live source's frobs were replaced; its previous frobs are at `…/previous-state`.
    case modify
    /// A source was deleted; its data URL still describes what it held.
    case delete
}

/// What a change to a source did, and what became of its webhook.
public struct SourceChange: Sendable, Equatable, Codable {
    /// The source's id.
    public var id: String
    /// The event announced for the change.
    public var event: FrobsEventType
    /// The source's version after the change (1 for its first creation, +1 per change).
    public var version: Int
    /// The webhook's outcome; nil when no ingress URL is configured or notification was off.
    public var webhook: WebhookDelivery?

    public init(id: String, event: FrobsEventType, version: Int, webhook: WebhookDelivery?) {
        self.id = id
        self.event = event
        self.version = version
        self.webhook = webhook
    }

    private enum CodingKeys: String, CodingKey { case id, event, version, webhook }

    /// Encodes `webhook` as an explicit `null` when there was none, so a reader sees it was not sent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(event, forKey: .event)
        try container.encode(version, forKey: .version)
        try container.encode(webhook, forKey: .webhook)
    }
}

/// The outcome of sending one webhook (all its attempts).
public struct WebhookDelivery: Sendable, Equatable, Codable {
    /// The idempotency key sent with every attempt of this webhook.
    public var deliveryId: String
    /// True when the ingress answered 2xx.
    public var accepted: Bool
    /// The last HTTP status received; nil when no attempt got an answer.
    public var status: Int?
    /// How many requests were made.
    public var attempts: Int
    /// Why the last attempt failed without a status (connection refused, timeout, …).
    public var error: String?

    public init(deliveryId: String, accepted: Bool, status: Int?, attempts: Int, error: String?) {
        self.deliveryId = deliveryId
        self.accepted = accepted
        self.status = status
        self.attempts = attempts
        self.error = error
    }
}
