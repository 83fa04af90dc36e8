import Events
import ModuleAPI

/// Backstage's `events-backend-module-github`: when `events.modules.github` is configured, opens
/// the `github` topic (signed with `x-hub-signature-256` when a `webhookSecret` is set) and
/// routes its events to `github.<x-github-event>`.
public struct GitHubWebhookModule: CallboardModule {
    public let moduleID = "events-github"

    public init() {}

    public func register(in context: any ModuleContext) async throws {
        let settings = context.config.child("events").child("modules").child("github")
        guard !settings.isNull else { return }
        let secrets = try settings.optionalStringOrList("webhookSecret") ?? []
        context.addHttpPostIngress(
            topic: "github",
            validator: secrets.isEmpty ? nil : HMACSignatureValidator(header: "x-hub-signature-256", prefix: "sha256=", secrets: secrets))
        if secrets.isEmpty {
            context.logger.warning("events.modules.github has no webhookSecret: unsigned GitHub webhooks are accepted")
        }
        try await context.addEventRouter(GitHubEventRouter())
    }
}

/// Backstage's `events-backend-module-gitlab`: when `events.modules.gitlab` is configured, opens
/// the `gitlab` topic (checked against `x-gitlab-token`) and routes its events to
/// `gitlab.<object_kind or event_name>`.
public struct GitLabWebhookModule: CallboardModule {
    public let moduleID = "events-gitlab"

    public init() {}

    public func register(in context: any ModuleContext) async throws {
        let settings = context.config.child("events").child("modules").child("gitlab")
        guard !settings.isNull else { return }
        let secrets = try settings.stringOrList("webhookSecret")
        context.addHttpPostIngress(topic: "gitlab", validator: GitLabTokenValidator(secrets: secrets))
        try await context.addEventRouter(GitLabEventRouter())
    }
}
