import CallboardTesting
import Foundation
import Testing

/// `openapi.yaml` (issue 7, part 2): a valid OpenAPI 3.1 document, served at `/api/openapi.yaml`
/// exactly as checked in, and naming every route the server answers.
@Suite struct OpenAPIDocumentTests {
    static var documentPath: String { BrowserEnvironment.repositoryRoot.appendingPathComponent("openapi.yaml").path }

    @Test func theServedDocumentIsTheCheckedInFile() async throws {
        let checkedIn = try Array(Data(contentsOf: URL(fileURLWithPath: Self.documentPath)))
        try await LiveServer.with(yaml: "backend: { auth: { externalAccess: [{ type: static, options: { token: t0k3n-openapi, subject: ops } }] } }") { server in
            // Open even with auth on: it describes the API and holds no data.
            let reply = try await server.get("/api/openapi.yaml")
            #expect(reply.status == 200)
            #expect(reply.header("content-type")?.hasPrefix("application/yaml") == true)
            #expect(reply.body == checkedIn)
        }
    }

    /// Every route registered in the server's sources appears in the document (a new route
    /// without documentation fails here).
    @Test func everyRegisteredRouteIsDocumented() throws {
        let document = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let routes = [
            "/api/events/http/{topic}:", "/api/events/topics:", "/api/events/subscriptions:",
            "/api/events/subscriptions/{id}/pause:", "/api/events/subscriptions/{id}/resume:",
            "/api/events/events:", "/api/events/events/{id}:", "/api/events/stream:", "/api/events/dead-letters:",
            "/api/events/dead-letters/replay:", "/api/events/dead-letters/{id}/replay:", "/api/events/dead-letters/{id}:",
            "/api/catalog/entities:", "/api/catalog/entities/by-query:", "/api/catalog/entities/by-refs:",
            "/api/catalog/entities/by-uid/{uid}:", "/api/catalog/entities/by-name/{kind}/{namespace}/{name}:",
            "/api/catalog/entities/by-name/{kind}/{namespace}/{name}/ancestry:", "/api/catalog/entity-facets:",
            "/api/catalog/refresh:", "/api/catalog/validate-entity:", "/api/catalog/providers:", "/api/catalog/changes:",
            "/api/catalog/locations:", "/api/catalog/locations/{id}:",
            "/api/catalog/locations/by-entity/{kind}/{namespace}/{name}:",
            "/api/catalog/.backstage/scheduler/v1/tasks:", "/api/catalog/.backstage/scheduler/v1/tasks/{id}/trigger:",
            "/.backstage/health/v1/readiness:", "/.backstage/health/v1/liveness:", "/metrics:", "/api/openapi.yaml:",
            "/api/auth/session:", "/api/auth/cookie:", "/ui/app.css:", "/ui/app.js:",
        ]
        for route in routes {
            #expect(document.contains("\n  \(route)\n"), "openapi.yaml does not document \(route)")
        }
        #expect(document.contains("\n  /:\n"))
    }

    @Test(.enabled(if: PythonTools.shouldRun("openapi_spec_validator", pip: "openapi-spec-validator")))
    func openapiSpecValidatorAcceptsTheDocument() async throws {
        let outcome = try await PythonTools.run(["-m", "openapi_spec_validator", Self.documentPath], timeout: .seconds(120))
        #expect(outcome.status == 0, "openapi-spec-validator: \(outcome.output)")
        #expect(outcome.output.contains("OK"))
    }
}
