import Events

/// The guide's `FrobsEventRouter`: republishes `frobs` events under `frobs.<type>`
/// (`frobs.add`, `frobs.delete`, `frobs.modify`) by the payload's `type`; events without a
/// string `type` are dropped.
public struct FrobsEventRouter: SubTopicEventRouter {
    public let subscriberID = "FrobsEventRouter"
    public let topic = "frobs"

    public init() {}

    public func determineSubTopic(_ params: EventParams) -> String? {
        params.eventPayload["type"]?.stringValue
    }
}
