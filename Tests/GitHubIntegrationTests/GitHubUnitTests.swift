import CallboardConfig
import CatalogModel
import Foundation
import NIOHTTP1
import Testing
@testable import GitHubIntegration

/// The GitHub integration's pure parts: blob URLs, `Link` headers, rate-limit answers, config.
@Suite struct GitHubUnitTests {
    @Test func blobURLsParseAndRefuseSteppingOut() throws {
        let url = try #require(GitHubBlobURL("https://github.com/acme/svc-a/blob/main/docs/catalog-info.yaml"))
        #expect(url.host == "github.com")
        #expect(url.owner == "acme")
        #expect(url.repository == "svc-a")
        #expect(url.ref == "main")
        #expect(url.path == "docs/catalog-info.yaml")
        #expect(url.editURL == "https://github.com/acme/svc-a/edit/main/docs/catalog-info.yaml")
        #expect(GitHubBlobURL("https://github.com/acme/svc-a/tree/main/x.yaml") == nil)
        #expect(GitHubBlobURL("https://github.com/acme/svc-a/blob/main") == nil)
        #expect(GitHubBlobURL("https://github.com/acme/svc-a/blob/main/../../other/x.yaml") == nil)
        #expect(GitHubBlobURL("ftp://github.com/acme/svc-a/blob/main/x.yaml") == nil)
    }

    @Test func nextLinkIsFoundAmongOthers() {
        let header = #"<https://api.github.com/orgs/acme/repos?page=1>; rel="prev", <https://api.github.com/orgs/acme/repos?page=3>; rel="next""#
        #expect(GitHubClient.nextLink(header) == "https://api.github.com/orgs/acme/repos?page=3")
        #expect(GitHubClient.nextLink(#"<https://x/1>; rel="last""#) == nil)
        #expect(GitHubClient.nextLink(nil) == nil)
    }

    @Test func rateLimitAnswersWaitForTheReset() {
        let now = Date(timeIntervalSince1970: 1_000)
        let exhausted: HTTPHeaders = ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"]
        #expect(GitHubClient.rateLimitWait(status: 403, headers: exhausted, now: now) == .seconds(30))
        #expect(GitHubClient.rateLimitWait(status: 429, headers: exhausted, now: now) == .seconds(30))
        #expect(GitHubClient.rateLimitWait(status: 429, headers: ["retry-after": "7"], now: now) == .seconds(7))
        // A 403 that is not a rate limit (a bad token) is not waited for.
        #expect(GitHubClient.rateLimitWait(status: 403, headers: ["x-ratelimit-remaining": "12"], now: now) == nil)
        #expect(GitHubClient.rateLimitWait(status: 200, headers: exhausted, now: now) == nil)
        // A reset in the past waits for nothing.
        #expect(GitHubClient.rateLimitWait(status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "900"], now: now)
            == .zero)
    }

    static func reader(_ yaml: String) throws -> ConfigReader {
        ConfigReader(try ConfigYAML.parse(yaml, file: "test.yaml"))
    }

    @Test func integrationsDefaultTheirAPI() throws {
        let integrations = try GitHubIntegrationConfig.read(Self.reader("""
            integrations:
              github:
                - { host: github.com, token: t1 }
                - { host: ghe.example.com, token: t2 }
                - { host: other.example.com, apiBaseUrl: 'http://127.0.0.1:9/' }
            """))
        #expect(integrations.map(\.apiBaseUrl) == ["https://api.github.com", "https://ghe.example.com/api/v3", "http://127.0.0.1:9"])
        #expect(integrations.first?.token == "t1")
        #expect(throws: ConfigError.self) {
            try GitHubIntegrationConfig.read(Self.reader("integrations: { github: [{ host: github.com, tokn: x }] }"))
        }
    }

    @Test func discoveryConfigReadsBackstageKeys() throws {
        let configs = try GitHubDiscoveryConfig.read(Self.reader("""
            acme:
              organization: acme
              catalogPath: /deploy/catalog-info.yaml
              filters: { branch: release, repository: '^svc-' }
            """))
        let config = try #require(configs.first)
        #expect(config.id == "acme")
        #expect(config.catalogPath == "deploy/catalog-info.yaml")
        #expect(config.branch == "release")
        #expect(config.matches(repository: "svc-a"))
        #expect(!config.matches(repository: "website-svc"))
        #expect(throws: ConfigError.self) { try GitHubDiscoveryConfig.read(Self.reader("x: { catalogPath: /a.yaml }")) }
        #expect(throws: ConfigError.self) {
            try GitHubDiscoveryConfig.read(Self.reader("x: { organization: acme, catalogPath: '/../etc/passwd' }"))
        }
        #expect(throws: ConfigError.self) {
            try GitHubDiscoveryConfig.read(Self.reader("x: { organization: acme, filters: { repository: '([' } }"))
        }
    }

    @Test func touchedPathsComeFromEveryCommit() throws {
        let payload = try JSONParser.parse(Array(#"""
            {"commits":[{"added":["a.yaml"],"modified":[],"removed":["b.yaml"]},{"added":[],"modified":["c.yaml"],"removed":[]}],
             "head_commit":{"added":[],"modified":["d.yaml"],"removed":[]}}
            """#.utf8))
        #expect(GitHubDiscoveryProvider.touchedPaths(payload) == ["a.yaml", "b.yaml", "c.yaml", "d.yaml"])
    }
}
