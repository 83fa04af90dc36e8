import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Foundation
import NIOCore
import Testing

/// Two `callboard serve` processes on one PostgreSQL database (SPEC §8): webhooks posted
/// round-robin to both are routed exactly once, and a location registered through one instance is
/// read through the other.
@Suite(.serialized, .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(3)))
struct MultiInstanceTests {
    static func config(_ directory: URL, database: String, host: String, port: Int, user: String, password: String?,
                       filesPort: Int) throws -> String {
        let file = directory.appendingPathComponent("app-config-\(UUID().uuidString).yaml")
        try """
            backend:
              listen: { host: 127.0.0.1, port: 0 }
              database:
                client: pg
                connection: { host: '\(host)', port: \(port), user: '\(user)', password: '\(password ?? "")', database: '\(database)', ssl: false }
              reading:
                allow: [{ host: '127.0.0.1:\(filesPort)' }]
            events:
              modules:
                github: {}
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func twoProcessesShareTheEventLogAndTheCatalog() async throws {
        let server = try await TestPostgres.shared()
        let database = try await server.makeDatabase()
        defer { Task { await server.dropDatabase(database) } }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-multi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = FakeFiles()
        files.put("/shared.yaml", """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: { name: registered-on-a }
            spec: { type: service, lifecycle: production, owner: team-a }
            """)
        try await FakeHTTPServer.with(files.handler) { _, filesPort in
            let config = try Self.config(
                directory, database: database.database ?? "postgres", host: database.host ?? "127.0.0.1",
                port: database.port ?? 5432, user: database.username, password: database.password, filesPort: filesPort)
            let first = try CrashDurabilityTests.ServerProcess(config: config, directory: directory)
            defer { first.stop() }
            let second = try CrashDurabilityTests.ServerProcess(config: config, directory: directory)
            defer { second.stop() }
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { Task { try? await client.shutdown() } }

            func send(_ method: HTTPMethod, _ port: Int, _ path: String, _ body: String? = nil,
                      headers: [(String, String)] = []) async throws -> (Int, JSONValue?) {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let body {
                    request.headers.add(name: "content-type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                }
                let response = try await client.execute(request, timeout: .seconds(30))
                let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
                return (Int(response.status.code), try? JSONParser.parse(Array(bytes.readableBytesView)))
            }

            // Webhooks round-robin: each is stored once and routed once, whichever instance took it.
            let count = 40
            for index in 0..<count {
                let port = index % 2 == 0 ? first.port : second.port
                let (status, _) = try await send(
                    .POST, port, "/api/events/http/github", #"{"ref":"refs/heads/main","seq":\#(index)}"#,
                    headers: [("x-github-event", "push"), ("x-github-delivery", "multi-\(index)")])
                #expect(status == 202)
            }
            var routed: [JSONValue] = []
            let allRouted = try await eventually {
                routed = try await send(.GET, second.port, "/api/events/events?topic=github.push&limit=1000").1?.arrayValue ?? []
                return routed.count >= count
            }
            #expect(allRouted, "routed \(routed.count) of \(count)")
            try await Task.sleep(for: .milliseconds(500))
            routed = try await send(.GET, first.port, "/api/events/events?topic=github.push&limit=1000").1?.arrayValue ?? []
            #expect(routed.count == count, "every webhook routed exactly once")
            let deliveries = Set(routed.compactMap { $0["metadata"]?["x-github-delivery"]?.stringValue })
            #expect(deliveries.count == count)

            // A location registered through the first instance is read through the second.
            let (created, _) = try await send(
                .POST, first.port, "/api/catalog/locations", #"{"type":"url","target":"http://127.0.0.1:\#(filesPort)/shared.yaml"}"#)
            #expect(created == 201)
            #expect(try await send(.GET, second.port, "/api/catalog/entities/by-name/component/default/registered-on-a").0 == 200)
            let listed = try await send(.GET, second.port, "/api/catalog/locations").1?.arrayValue ?? []
            let id = try #require(listed.first { $0["data"]?["target"]?.stringValue == "http://127.0.0.1:\(filesPort)/shared.yaml" }?["data"]?["id"]?.stringValue)
            // And removed through the second: its entities go for both.
            #expect(try await send(.DELETE, second.port, "/api/catalog/locations/\(id)").0 == 204)
            #expect(try await send(.GET, first.port, "/api/catalog/entities/by-name/component/default/registered-on-a").0 == 404)
        }
    }
}
