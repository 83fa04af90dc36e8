import Events

/// Routes `github` events to `github.<x-github-event>` (`github.push`, `github.pull_request`, …).
public struct GitHubEventRouter: EventRouter {
    public let subscriberID = "GithubEventRouter"
    public let topics = ["github"]

    public init() {}

    public func determineDestinationTopic(_ params: EventParams) -> String? {
        guard let event = params.metadata["x-github-event"], !event.isEmpty else { return nil }
        return "github.\(event)"
    }
}

/// Routes `gitlab` events to `gitlab.<object_kind>` (else `event_name`): `gitlab.push`,
/// `gitlab.merge_request`, …
public struct GitLabEventRouter: EventRouter {
    public let subscriberID = "GitlabEventRouter"
    public let topics = ["gitlab"]

    public init() {}

    public func determineDestinationTopic(_ params: EventParams) -> String? {
        let kind = params.eventPayload["object_kind"]?.stringValue ?? params.eventPayload["event_name"]?.stringValue
        guard let kind, !kind.isEmpty else { return nil }
        return "gitlab.\(kind)"
    }
}
