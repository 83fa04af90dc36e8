import CallboardConfig
import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// Locations (SPEC §9, Backstage's `/locations` routes) through a live server: configured file
/// locations with `Location` targets, registration over HTTP against a fake file server,
/// removal, errors that stay with their location, refresh, ancestry.
@Suite struct LocationsFlowTests {
    static let system = """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: { name: team-a-things }
        spec:
          targets: [./components/a.yaml, ./components/b.yaml, ./missing.yaml, ./team-a.yaml]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata: { name: podcast }
        spec: { owner: team-a }
        """

    static func component(_ name: String, title: String? = nil) -> String {
        """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: \(name)
          \(title.map { "title: \($0)" } ?? "")
        spec: { type: service, lifecycle: production, owner: team-a, system: podcast }
        """
    }

    /// A temporary folder with `files` (relative path → content).
    static func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-locations-\(UUID().uuidString)").path
        for (path, content) in files {
            let full = (root as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    static func names(_ server: LiveServer, filter: String) async throws -> Set<String> {
        let reply = try await server.get("/api/catalog/entities?filter=\(filter)&fields=metadata.name")
        guard case .array(let items) = try reply.json() else { return [] }
        return Set(items.compactMap { $0["metadata"]?["name"]?.stringValue })
    }

    @Test func configuredFileLocationFollowsTargetsAndAnswersAncestry() async throws {
        let root = try Self.folder([
            "catalog-info.yaml": Self.system,
            "components/a.yaml": Self.component("a-service"),
            "components/b.yaml": Self.component("b-service") + "\n---\n" + Self.component("b-worker"),
            // A cycle back to the root file: read once.
            "team-a.yaml": """
                apiVersion: backstage.io/v1alpha1
                kind: Location
                metadata: { name: back-to-root }
                spec: { target: ./catalog-info.yaml }
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let yaml = "catalog: { locations: [{ type: file, target: '\(root)/catalog-info.yaml' }] }"
        try await LiveServer.with(yaml: yaml) { server in
            #expect(try await eventually {
                try await Self.names(server, filter: "kind=component") == ["a-service", "b-service", "b-worker"]
            })
            #expect(try await Self.names(server, filter: "kind=system") == ["podcast"])

            let list = try await server.get("/api/catalog/locations")
            #expect(list.status == 200)
            guard case .array(let items) = try list.json(), let item = items.first else {
                Issue.record("no locations listed: \(list.text)")
                return
            }
            let id = try #require(item["data"]?["id"]?.stringValue)
            #expect(item["data"]?["type"] == "file")
            #expect(item["data"]?["target"]?.stringValue == "\(root)/catalog-info.yaml")
            // The missing target is a problem of this location, not a failure.
            #expect(item["status"]?["lastError"] == .null)
            let problems = item["status"]?["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(problems.contains { $0.contains("missing.yaml") })

            let one = try await server.get("/api/catalog/locations/\(id)")
            #expect(try one.json()["target"]?.stringValue == "\(root)/catalog-info.yaml")
            #expect(try await server.get("/api/catalog/locations/no-such-id").status == 404)

            let byEntity = try await server.get("/api/catalog/locations/by-entity/component/default/b-worker")
            #expect(try byEntity.json()["id"]?.stringValue == id)

            // b-worker ← Location team-a-things ← the generated location of the registered file.
            let ancestry = try await server.get("/api/catalog/entities/by-name/component/default/b-worker/ancestry")
            let body = try ancestry.json()
            #expect(body["rootEntityRef"] == "component:default/b-worker")
            let chain = body["items"]?.arrayValue ?? []
            #expect(chain.count == 3)
            #expect(chain.first?["parentEntityRefs"] == ["location:default/team-a-things"])
            let generated = chain.last?["entity"]?["metadata"]?["name"]?.stringValue ?? ""
            #expect(generated.hasPrefix("generated-"))

            let entity = try await server.get("/api/catalog/entities/by-name/component/default/a-service").json()
            let annotations = entity["metadata"]?["annotations"]
            #expect(annotations?["backstage.io/managed-by-location"]?.stringValue == "file:\(root)/components/a.yaml")
            #expect(annotations?["backstage.io/managed-by-origin-location"]?.stringValue == "file:\(root)/catalog-info.yaml")

            // A configured location is removed from the configuration, not through the API.
            #expect(try await server.request(.DELETE, "/api/catalog/locations/\(id)").status == 403)
        }
    }

    @Test func registeredURLLocationComesAndGoesWithItsEntities() async throws {
        let files = FakeFiles()
        files.put("/repo/catalog-info.yaml", Self.component("remote-one") + "\n---\n" + Self.component("remote-two"))
        try await FakeHTTPServer.with(files.handler) { _, port in
            let yaml = "backend: { reading: { allow: [{ host: '127.0.0.1:\(port)' }] } }"
            try await LiveServer.with(yaml: yaml) { server in
                let target = "http://127.0.0.1:\(port)/repo/catalog-info.yaml"
                let body = #"{"type":"url","target":"\#(target)"}"#

                // A dry run reads without registering.
                let dry = try await server.post("/api/catalog/locations?dryRun=true", body: body)
                #expect(dry.status == 201)
                #expect(try dry.json()["exists"] == false)
                #expect(try dry.json()["entities"]?.arrayValue?.count == 3)
                #expect(try await Self.names(server, filter: "kind=component").isEmpty)

                let created = try await server.post("/api/catalog/locations", body: body)
                #expect(created.status == 201)
                let id = try #require(try created.json()["location"]?["id"]?.stringValue)
                #expect(try created.json()["location"]?["target"]?.stringValue == target)
                // Visible at once: the registration applied the location before answering.
                #expect(try await Self.names(server, filter: "kind=component") == ["remote-one", "remote-two"])
                let entity = try await server.get("/api/catalog/entities/by-name/component/default/remote-one").json()
                #expect(entity["metadata"]?["annotations"]?["backstage.io/view-url"]?.stringValue == target)

                let again = try await server.post("/api/catalog/locations", body: body)
                #expect(again.status == 409)
                #expect(try again.json()["error"]?["name"] == "ConflictError")
                #expect(try await server.post("/api/catalog/locations?dryRun=true", body: body).json()["exists"] == true)

                // POST /refresh reads the location again.
                files.put("/repo/catalog-info.yaml", Self.component("remote-one", title: "Renamed"))
                let refresh = try await server.post("/api/catalog/refresh", body: #"{"entityRef":"component:default/remote-one"}"#)
                #expect(refresh.status == 200)
                #expect(try await Self.names(server, filter: "kind=component") == ["remote-one"])
                let refreshed = try await server.get("/api/catalog/entities/by-name/component/default/remote-one").json()
                #expect(refreshed["metadata"]?["title"] == "Renamed")

                #expect(try await server.request(.DELETE, "/api/catalog/locations/\(id)").status == 204)
                #expect(try await Self.names(server, filter: "kind=component").isEmpty)
                #expect(try await Self.names(server, filter: "kind=location").isEmpty)
                #expect(try await server.request(.DELETE, "/api/catalog/locations/\(id)").status == 404)
            }
        }
    }

    @Test func aRegisteredLocationSurvivesARestart() async throws {
        let files = FakeFiles()
        files.put("/kept.yaml", Self.component("kept-one"))
        let directory = try Self.folder([:])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await FakeHTTPServer.with(files.handler) { _, port in
            let yaml = "backend: { reading: { allow: [{ host: '127.0.0.1:\(port)' }] } }"
            let onDisk: (inout CallboardConfiguration) -> Void = { $0.backend.database = .sqlite(.directory(directory)) }
            let id = try await LiveServer.with(yaml: yaml, configure: onDisk) { server in
                let created = try await server.post(
                    "/api/catalog/locations", body: #"{"type":"url","target":"http://127.0.0.1:\#(port)/kept.yaml"}"#)
                return try #require(try created.json()["location"]?["id"]?.stringValue)
            }
            try await LiveServer.with(yaml: yaml, configure: onDisk) { (server: LiveServer) async throws in
                // Not an orphaned provider: the entities stay, and the location is listed with its id.
                #expect(try await Self.names(server, filter: "kind=component") == ["kept-one"])
                #expect(try await server.get("/api/catalog/locations/\(id)").status == 200)
                #expect(try await server.request(.DELETE, "/api/catalog/locations/\(id)").status == 204)
                #expect(try await Self.names(server, filter: "kind=component").isEmpty)
            }
        }
    }

    @Test func brokenLocationShowsItsErrorWithoutBlockingOthers() async throws {
        let root = try Self.folder(["good.yaml": Self.component("good-one"), "bad.yaml": "kind: [unclosed"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let yaml = """
            catalog:
              locations:
                - { type: file, target: '\(root)/bad.yaml' }
                - { type: file, target: '\(root)/absent.yaml' }
                - { type: file, target: '\(root)/good.yaml' }
            """
        try await LiveServer.with(yaml: yaml) { server in
            #expect(try await eventually { try await Self.names(server, filter: "kind=component") == ["good-one"] })
            let errorsByFile = { () async throws -> [String: String] in
                var errors: [String: String] = [:]
                for item in try await server.get("/api/catalog/locations").json().arrayValue ?? [] {
                    if let target = item["data"]?["target"]?.stringValue, let error = item["status"]?["lastError"]?.stringValue {
                        errors[(target as NSString).lastPathComponent] = error
                    }
                }
                return errors
            }
            let settled = try await eventually { try await errorsByFile().count == 2 }
            #expect(settled)
            let errors = try await errorsByFile()
            #expect(errors["bad.yaml"]?.contains("bad.yaml") == true)
            #expect(errors["absent.yaml"]?.contains("not found") == true)
        }
    }

    @Test func registrationRejectsWhatItCannotRead() async throws {
        try await LiveServer.with { server in
            let file = try await server.post("/api/catalog/locations", body: #"{"type":"file","target":"/etc/passwd"}"#)
            #expect(file.status == 400)
            #expect(try file.json()["error"]?["name"] == "InputError")
            let relative = try await server.post("/api/catalog/locations", body: #"{"type":"url","target":"catalog-info.yaml"}"#)
            #expect(relative.status == 400)
            let missing = try await server.post("/api/catalog/locations", body: #"{"target":"x"}"#)
            #expect(missing.status == 400)
            // Not in backend.reading.allow: refused on a dry run, nothing registered.
            let loopback = try await server.post(
                "/api/catalog/locations?dryRun=true", body: #"{"type":"url","target":"http://127.0.0.1:1/x.yaml"}"#)
            #expect(loopback.status == 403)
            #expect(try await server.get("/api/catalog/locations").json() == [])
        }
    }

    @Test func aURLLocationCannotLeadToAFile() async throws {
        let files = FakeFiles()
        files.put("/catalog-info.yaml", """
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata: { name: sneaky }
            spec: { type: file, target: /etc/hostname }
            """)
        try await FakeHTTPServer.with(files.handler) { _, port in
            let yaml = "backend: { reading: { allow: [{ host: '127.0.0.1:\(port)' }] } }"
            try await LiveServer.with(yaml: yaml) { server in
                let created = try await server.post(
                    "/api/catalog/locations", body: #"{"type":"url","target":"http://127.0.0.1:\#(port)/catalog-info.yaml"}"#)
                #expect(created.status == 201)
                let list = try await server.get("/api/catalog/locations").json().arrayValue ?? []
                let problems = list.first?["status"]?["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(problems.contains { $0.contains("cannot lead to the file target") })
                #expect(try await Self.names(server, filter: "kind=location") .contains("sneaky"))
            }
        }
    }

    @Test func readonlyCatalogRefusesRegistration() async throws {
        try await LiveServer.with(yaml: "catalog: { readonly: true }") { server in
            let reply = try await server.post(
                "/api/catalog/locations", body: #"{"type":"url","target":"https://example.com/catalog-info.yaml"}"#)
            #expect(reply.status == 403)
        }
    }
}
