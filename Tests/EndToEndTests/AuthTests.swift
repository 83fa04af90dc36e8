import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// SPEC §2's auth table through a live server: which routes need `Authorization: Bearer`, what a
/// refusal looks like, and that the token never comes back in a body.
@Suite struct AuthTests {
    static let token = "s3cr3t-0ps-t0ken"

    static func config(protectReads: Bool = false) -> String {
        """
        backend:
          auth:
            externalAccess:
              - type: static
                options: { token: \(token), subject: ops }
              - type: static
                options: { token: other-token-for-ci, subject: ci }
            protectReads: \(protectReads)
        events:
          http:
            topics: [frobs]
        """
    }

    static let bearer = [("authorization", "Bearer \(token)")]

    @Test func adminAndWriteRoutesNeedAToken() async throws {
        try await LiveServer.with(yaml: Self.config()) { server in
            let protected: [(HTTPMethod, String)] = [
                (.GET, "/api/events/topics"), (.GET, "/api/events/subscriptions"), (.GET, "/api/events/events"),
                (.GET, "/api/events/dead-letters"), (.POST, "/api/events/dead-letters/replay"),
                (.POST, "/api/events/subscriptions/x/pause"), (.DELETE, "/api/catalog/entities/by-uid/nope"),
                (.POST, "/api/catalog/refresh"), (.POST, "/api/catalog/.backstage/scheduler/v1/tasks/x/trigger"),
                (.GET, "/metrics"), (.POST, "/api/catalog/locations"), (.POST, "/api/catalog/locations?dryRun=true"),
                (.DELETE, "/api/catalog/locations/x"),
            ]
            for (method, path) in protected {
                let refused = try await server.request(method, path, body: method == .GET ? nil : "{}")
                #expect(refused.status == 401, "\(method) \(path)")
                #expect(try refused.json()["error"]?["name"] == "AuthenticationError", "\(method) \(path)")
                #expect(refused.header("www-authenticate") == "Bearer")
                let wrong = try await server.request(method, path, body: method == .GET ? nil : "{}",
                                                     headers: [("authorization", "Bearer \(Self.token)x")])
                #expect(wrong.status == 401, "\(method) \(path)")
                #expect(!wrong.text.contains(Self.token))
            }
            // The router ignores empty segments; so does the check.
            for path in ["/api//events/topics", "//api/events/topics", "/api/events//topics/", "/metrics/"] {
                #expect(try await server.get(path).status == 401, "\(path)")
            }
            #expect(try await server.request(.DELETE, "/api/catalog//entities/by-uid/x").status == 401)
            #expect(try await server.request(.GET, "/api/events/topics", headers: Self.bearer).status == 200)
            #expect(try await server.request(.GET, "/api/events/topics",
                                             headers: [("authorization", "bearer other-token-for-ci")]).status == 200)
            let trigger = try await server.request(.POST, "/api/catalog/.backstage/scheduler/v1/tasks/x/trigger",
                                                   headers: Self.bearer)
            #expect(trigger.status == 404)
        }
    }

    @Test func ingressHealthAndCatalogReadsStayOpen() async throws {
        try await LiveServer.with(yaml: Self.config()) { (server: LiveServer) async throws in
            #expect(try await server.post("/api/events/http/frobs", body: #"{"type":"add","id":"1"}"#).status == 202)
            #expect(try await server.get("/.backstage/health/v1/readiness").status == 200)
            #expect(try await server.get("/api/catalog/entities").status == 200)
            #expect(try await server.get("/api/catalog/.backstage/scheduler/v1/tasks").status == 200)
            #expect(try await server.post("/api/catalog/entities/by-refs", body: #"{"entityRefs":[]}"#).status == 200)
        }
    }

    @Test func protectReadsCoversTheCatalog() async throws {
        try await LiveServer.with(yaml: Self.config(protectReads: true)) { (server: LiveServer) async throws in
            #expect(try await server.get("/api/catalog/entities").status == 401)
            #expect(try await server.request(.GET, "/api/catalog/entities", headers: Self.bearer).status == 200)
            #expect(try await server.post("/api/events/http/frobs", body: "{}").status == 202)
            #expect(try await server.get("/.backstage/health/v1/liveness").status == 200)
        }
    }
}
