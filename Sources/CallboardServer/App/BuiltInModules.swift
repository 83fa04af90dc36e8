import FrobsExample
import GitHubIntegration
import ModuleAPI
import Webhooks

/// The modules Callboard ships, in registration order: the one place where they are listed.
/// A custom executable passes its own list to ``buildApplication(configuration:modules:providers:processors:eventLog:reader:logger:)``,
/// usually `BuiltInModules.all + [MyModule()]`.
public enum BuiltInModules {
    public static let all: [any CallboardModule] = [
        GitHubWebhookModule(),
        GitLabWebhookModule(),
        GitHubDiscoveryModule(),
        FrobsModule(),
    ]
}
