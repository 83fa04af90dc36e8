import CallboardConfig
import Foundation

/// One `integrations.github` entry (Backstage's keys): a GitHub host, its token and its API.
public struct GitHubIntegrationConfig: Sendable, Hashable {
    /// The web host that URLs name (`github.com`, or a GitHub Enterprise host).
    public var host: String
    /// Sent as `Authorization: Bearer`; nil reads public repositories anonymously.
    public var token: String?
    /// The REST API root: `https://api.github.com` for github.com, `https://<host>/api/v3` for
    /// GitHub Enterprise; tests point it at a fake.
    public var apiBaseUrl: String

    public init(host: String, token: String?, apiBaseUrl: String? = nil) {
        self.host = host.lowercased()
        self.token = token
        let base = apiBaseUrl ?? (host.lowercased() == "github.com" ? "https://api.github.com" : "https://\(host)/api/v3")
        self.apiBaseUrl = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// Reads `integrations.github` of the configuration root; empty when absent.
    ///
    /// - Throws: ``ConfigError`` naming the key of a bad value.
    public static func read(_ root: ConfigReader) throws(ConfigError) -> [GitHubIntegrationConfig] {
        let integrations = root.child("integrations")
        guard !integrations.isNull else { return [] }
        var result: [GitHubIntegrationConfig] = []
        for entry in try integrations.optionalArray("github") ?? [] {
            _ = try entry.asObject()
            // `rawBaseUrl` and the GitHub App keys are Backstage's; Callboard reads through the API only.
            try entry.expectOnly(["host", "token", "apiBaseUrl", "rawBaseUrl", "apps"])
            let host = try entry.optionalString("host") ?? "github.com"
            let apiBaseUrl = try entry.optionalString("apiBaseUrl")
            if let apiBaseUrl, URL(string: apiBaseUrl)?.host == nil {
                throw entry.child("apiBaseUrl").invalid(expected: "an http:// or https:// URL")
            }
            result.append(GitHubIntegrationConfig(host: host, token: try entry.optionalString("token"), apiBaseUrl: apiBaseUrl))
        }
        return result
    }
}
