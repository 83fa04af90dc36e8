import CallboardTesting
import CatalogModel
import Crypto
import Foundation
import Testing

/// GitHub discovery driven by the real webhook payloads of `Tests/Fixtures/github` (signed with
/// the configured secret, re-pointed at the fake GitHub's repositories), against a live server
/// whose integration's API is the fake (SPEC §9).
@Suite struct GitHubDiscoveryTests {
    static let secret = "discovery-secret"
    static let provider = "github-provider:acme"

    static func config(apiPort: Int) -> String {
        """
        integrations:
          github:
            - { host: github.com, token: test-token, apiBaseUrl: 'http://127.0.0.1:\(apiPort)' }
        events:
          modules:
            github: { webhookSecret: \(secret) }
          delivery: { maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 20ms }
        catalog:
          providers:
            github:
              acme:
                organization: acme
                catalogPath: /catalog-info.yaml
                filters: { repository: '^svc-' }
                schedule: { frequency: 1h, timeout: 1m, initialDelay: 1h }
        """
    }

    static func component(_ name: String, title: String? = nil) -> String {
        """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: \(name)
          title: \(title ?? name)
        spec: { type: service, lifecycle: production, owner: team-a }
        """
    }

    /// The fake organisation: five repositories over three pages, of which two are discovered.
    static func organisation() -> FakeGitHub {
        let github = FakeGitHub()
        github.addRepository(owner: "acme", name: "svc-a", files: ["catalog-info.yaml": component("svc-a")])
        github.addRepository(owner: "acme", name: "svc-b", files: [
            "catalog-info.yaml": component("svc-b") + "\n---\n" + component("svc-b-worker") + """

                ---
                apiVersion: backstage.io/v1alpha1
                kind: Location
                metadata: { name: svc-b-more }
                spec: { targets: [./docs/more.yaml] }
                """,
            "docs/more.yaml": component("svc-b-docs"),
        ])
        github.addRepository(owner: "acme", name: "website", files: ["catalog-info.yaml": component("website")])
        github.addRepository(owner: "acme", name: "svc-old", archived: true, files: ["catalog-info.yaml": component("svc-old")])
        github.addRepository(owner: "acme", name: "svc-nofile")
        return github
    }

    /// Runs `body` with a live server discovering the fake organisation, after one full sync.
    static func withDiscovery(_ body: (LiveServer, FakeGitHub, FakeHTTPServer) async throws -> Void) async throws {
        let github = organisation()
        try await FakeHTTPServer.with(github.handler) { fake, port in
            try await LiveServer.with(yaml: config(apiPort: port)) { server in
                let trigger = try await server.post("/api/catalog/.backstage/scheduler/v1/tasks/\(provider)/trigger", body: "{}")
                #expect(trigger.status == 200)
                let synced = try await eventually { try await components(server) == ["svc-a", "svc-b", "svc-b-worker", "svc-b-docs"] }
                #expect(synced, "the full sync did not bring the discovered components in")
                try await body(server, github, fake)
            }
        }
    }

    static func components(_ server: LiveServer) async throws -> Set<String> {
        let reply = try await server.get("/api/catalog/entities?filter=kind=component&fields=metadata.name")
        return Set((try reply.json().arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue })
    }

    static func entity(_ server: LiveServer, _ name: String) async throws -> JSONValue? {
        let reply = try await server.get("/api/catalog/entities/by-name/component/default/\(name)")
        return reply.status == 200 ? try reply.json() : nil
    }

    // MARK: - Fixtures, re-pointed and signed

    static func fixture(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: Fixtures.directory.appendingPathComponent("github/\(name).json"))))
    }

    static func setting(_ value: JSONValue, _ path: ArraySlice<String>, to new: JSONValue) -> JSONValue {
        guard let key = path.first else { return new }
        guard case .object(var object) = value else { return value }
        object[key] = setting(object[key] ?? .object([:]), path.dropFirst(), to: new)
        return .object(object)
    }

    /// The fixture's `repository` pointed at `owner/name` on branch `main`.
    static func repointed(_ payload: JSONValue, owner: String, name: String) -> JSONValue {
        var payload = payload
        for (path, value) in [
            (["repository", "name"], JSONValue.string(name)),
            (["repository", "full_name"], .string("\(owner)/\(name)")),
            (["repository", "owner", "login"], .string(owner)),
            (["repository", "owner", "name"], .string(owner)),
            (["repository", "default_branch"], "main"),
        ] {
            payload = setting(payload, path[...], to: value)
        }
        return payload
    }

    static func push(owner: String = "acme", repository: String, branch: String = "main", modified: [String]) throws -> JSONValue {
        var payload = repointed(try fixture("push"), owner: owner, name: repository)
        payload = setting(payload, ["ref"], to: .string("refs/heads/\(branch)"))
        let commit: JSONValue = ["id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "added": [], "removed": [],
                                 "modified": .array(modified.map(JSONValue.string))]
        payload = setting(payload, ["commits"], to: [commit])
        return setting(payload, ["head_commit"], to: commit)
    }

    /// Posts `payload` to the `github` topic as GitHub does: signed, with its event name.
    @discardableResult
    static func deliver(_ server: LiveServer, event: String, _ payload: JSONValue) async throws -> Int {
        let body = payload.canonicalBytes()
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        let signature = "sha256=" + code.map { String(format: "%02x", $0) }.joined()
        let reply = try await server.request(.POST, "/api/events/http/github", bytes: body, headers: [
            ("content-type", "application/json"), ("x-github-event", event),
            ("x-github-delivery", UUID().uuidString), ("x-hub-signature-256", signature),
        ])
        return reply.status
    }

    // MARK: - Tests

    @Test func fullSyncDiscoversMatchingRepositoriesThroughTheAPI() async throws {
        try await Self.withDiscovery { server, _, fake in
            #expect(try await Self.components(server).contains("website") == false)
            let entity = try #require(try await Self.entity(server, "svc-b-docs"))
            let annotations = entity["metadata"]?["annotations"]
            let target = "https://github.com/acme/svc-b/blob/main/catalog-info.yaml"
            #expect(annotations?["backstage.io/managed-by-origin-location"]?.stringValue == "url:\(target)")
            #expect(annotations?["backstage.io/managed-by-location"]?.stringValue
                == "url:https://github.com/acme/svc-b/blob/main/docs/more.yaml")
            #expect(annotations?["backstage.io/edit-url"]?.stringValue == "https://github.com/acme/svc-b/edit/main/docs/more.yaml")
            #expect(annotations?["github.com/project-slug"]?.stringValue == "acme/svc-b")
            // Every request carried the token; the listing followed the pages.
            let requests = fake.requests
            #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer test-token" })
            #expect(Set(requests.filter { $0.path == "/orgs/acme/repos" }.compactMap { $0.query["page"] }) == ["1", "2", "3"])
            #expect(!requests.contains { $0.path.contains("/repos/acme/website/") || $0.path.contains("/repos/acme/svc-old/") })
            let providers = try await server.get("/api/catalog/providers").json().arrayValue ?? []
            #expect(providers.contains { $0["name"]?.stringValue == Self.provider && $0["entityCount"] == .int(7) })
        }
    }

    @Test func pushToTheTrackedBranchUpdatesAtOnceAndOtherBranchesChangeNothing() async throws {
        try await Self.withDiscovery { server, github, _ in
            let uid = try #require(try await Self.entity(server, "svc-a")?["metadata"]?["uid"])
            // A push to another branch first: ignored, even though its catalog file changed.
            github.setFile(owner: "acme", repository: "svc-a", branch: "dev", path: "catalog-info.yaml",
                           Self.component("svc-a", title: "From dev"))
            #expect(try await Self.deliver(server, event: "push",
                                           Self.push(repository: "svc-a", branch: "dev", modified: ["catalog-info.yaml"])) == 202)
            // Then a push to main of svc-b that touches a Location target: once it shows, the dev
            // push (delivered before it to the same subscriber) has been handled.
            github.setFile(owner: "acme", repository: "svc-b", path: "docs/more.yaml", Self.component("svc-b-docs", title: "Docs v2"))
            #expect(try await Self.deliver(server, event: "push", Self.push(repository: "svc-b", modified: ["docs/more.yaml"])) == 202)
            #expect(try await eventually { try await Self.entity(server, "svc-b-docs")?["metadata"]?["title"] == "Docs v2" })
            #expect(try await Self.entity(server, "svc-a")?["metadata"]?["title"] == "svc-a")

            // A push to main that changes the catalog file: visible without a full sync, same uid.
            github.setFile(owner: "acme", repository: "svc-a", path: "catalog-info.yaml",
                           Self.component("svc-a", title: "Pushed") + "\n---\n" + Self.component("svc-a-extra"))
            #expect(try await Self.deliver(server, event: "push", Self.push(repository: "svc-a", modified: ["catalog-info.yaml"])) == 202)
            #expect(try await eventually { try await Self.entity(server, "svc-a")?["metadata"]?["title"] == "Pushed" })
            #expect(try await Self.entity(server, "svc-a")?["metadata"]?["uid"] == uid)
            #expect(try await Self.components(server).contains("svc-a-extra"))

            // The file removed in a push: its entities go.
            github.setFile(owner: "acme", repository: "svc-a", path: "catalog-info.yaml", nil)
            var removal = try Self.push(repository: "svc-a", modified: [])
            let commit: JSONValue = ["id": "1", "added": [], "modified": [], "removed": ["catalog-info.yaml"]]
            removal = Self.setting(removal, ["commits"], to: [commit])
            removal = Self.setting(removal, ["head_commit"], to: commit)
            #expect(try await Self.deliver(server, event: "push", removal) == 202)
            #expect(try await eventually { try await !Self.components(server).contains("svc-a") })
            #expect(try await !Self.components(server).contains("svc-a-extra"))
        }
    }

    @Test func repositoryDeletedRemovesItsEntities() async throws {
        try await Self.withDiscovery { server, github, _ in
            github.deleteRepository(owner: "acme", name: "svc-b")
            let payload = Self.repointed(try Self.fixture("repository.deleted"), owner: "acme", name: "svc-b")
            #expect(try await Self.deliver(server, event: "repository", payload) == 202)
            #expect(try await eventually { try await Self.components(server) == ["svc-a"] })
        }
    }

    @Test func repositoryArchivedRemovesAndCreatedAddsWithoutWaitingForTheSchedule() async throws {
        try await Self.withDiscovery { server, github, _ in
            // No archived example exists in octokit/webhooks: the deleted one with its action changed.
            var archived = Self.repointed(try Self.fixture("repository.deleted"), owner: "acme", name: "svc-a")
            archived = Self.setting(archived, ["action"], to: "archived")
            archived = Self.setting(archived, ["repository", "archived"], to: true)
            #expect(try await Self.deliver(server, event: "repository", archived) == 202)
            #expect(try await eventually { try await Self.components(server) == ["svc-b", "svc-b-worker", "svc-b-docs"] })

            // A repository outside the filter is ignored even when it has a catalog file; its event
            // goes first, so once the next one shows, it has been handled.
            github.addRepository(owner: "acme", name: "tools", files: ["catalog-info.yaml": Self.component("tools")])
            var ignored = Self.repointed(try Self.fixture("repository.deleted"), owner: "acme", name: "tools")
            ignored = Self.setting(ignored, ["action"], to: "created")
            #expect(try await Self.deliver(server, event: "repository", ignored) == 202)
            github.addRepository(owner: "acme", name: "svc-new", files: ["catalog-info.yaml": Self.component("svc-new")])
            var created = Self.repointed(try Self.fixture("repository.deleted"), owner: "acme", name: "svc-new")
            created = Self.setting(created, ["action"], to: "created")
            #expect(try await Self.deliver(server, event: "repository", created) == 202)
            #expect(try await eventually { try await Self.components(server).contains("svc-new") })
            #expect(try await !Self.components(server).contains("tools"))
        }
    }

    @Test func repositoryRenamedMovesItsEntitiesToTheNewLocation() async throws {
        try await Self.withDiscovery { server, github, _ in
            let uid = try #require(try await Self.entity(server, "svc-a")?["metadata"]?["uid"])
            github.renameRepository(owner: "acme", from: "svc-a", to: "svc-alpha")
            var payload = Self.repointed(try Self.fixture("repository.renamed"), owner: "acme", name: "svc-alpha")
            payload = Self.setting(payload, ["changes", "repository", "name", "from"], to: "svc-a")
            #expect(try await Self.deliver(server, event: "repository", payload) == 202)
            let moved = "url:https://github.com/acme/svc-alpha/blob/main/catalog-info.yaml"
            #expect(try await eventually {
                try await Self.entity(server, "svc-a")?["metadata"]?["annotations"]?["backstage.io/managed-by-origin-location"]?
                    .stringValue == moved
            })
            #expect(try await Self.entity(server, "svc-a")?["metadata"]?["uid"] == uid)
            #expect(try await Self.components(server) == ["svc-a", "svc-b", "svc-b-worker", "svc-b-docs"])
        }
    }

    @Test func repositoryTransferredOutOfTheOrganisationRemovesItsEntities() async throws {
        try await Self.withDiscovery { server, github, _ in
            github.transferRepository(owner: "acme", name: "svc-a", to: "someone-else")
            var payload = Self.repointed(try Self.fixture("repository.transferred"), owner: "someone-else", name: "svc-a")
            payload = Self.setting(payload, ["changes", "owner", "from", "user", "login"], to: "acme")
            #expect(try await Self.deliver(server, event: "repository", payload) == 202)
            #expect(try await eventually { try await Self.components(server) == ["svc-b", "svc-b-worker", "svc-b-docs"] })
        }
    }

    @Test func aNearRateLimitResetIsWaitedFor() async throws {
        try await Self.withDiscovery { server, github, _ in
            github.setFile(owner: "acme", repository: "svc-a", path: "catalog-info.yaml", Self.component("svc-a", title: "After the limit"))
            github.rateLimitNext(1, resetIn: .seconds(1))
            #expect(try await Self.deliver(server, event: "push", Self.push(repository: "svc-a", modified: ["catalog-info.yaml"])) == 202)
            #expect(try await eventually { try await Self.entity(server, "svc-a")?["metadata"]?["title"] == "After the limit" })
            let deadLetters = try await server.get("/api/events/dead-letters").json()
            #expect(deadLetters["items"]?.arrayValue?.isEmpty ?? true)
        }
    }
}
