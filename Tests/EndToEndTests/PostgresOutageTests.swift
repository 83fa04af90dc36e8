import CallboardConfig
import CallboardTesting
import CatalogModel
import Events
import Foundation
import Synchronization
import Testing

/// PostgreSQL goes away under a running Callboard and comes back (issue 5): while it is down,
/// ingress answers 503 and acknowledges nothing; once it is back, Callboard recovers without a
/// restart and delivers what it acknowledged.
@Suite(.serialized, .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(3)))
struct PostgresOutageTests {
    final class Received: Sendable {
        private let seen = Mutex<[String]>([])
        func add(_ params: EventParams) { seen.withLock { $0.append(params.eventPayload["n"]?.stringValue ?? "?") } }
        var all: [String] { seen.withLock { $0 } }
    }

    @Test func ingressAnswers503WhileDownAndRecoversWhenBack() async throws {
        guard let postgres = try DedicatedPostgres.start() else {
            print("NOTICE: PostgresOutageTests skipped: it needs PostgreSQL binaries to stop and start a server of its own")
            return
        }
        let settings = postgres.configuration
        let connection = CallboardConfiguration.PostgresConnection(
            host: try #require(settings.host), port: try #require(settings.port), user: settings.username,
            password: settings.password.map(ConfigSecret.init), database: "postgres", options: ["sslmode": "disable"])
        let yaml = "events: { http: { topics: [jobs] }, delivery: { maxAttempts: 3, initialBackoff: 10ms, maxBackoff: 20ms } }"
        try await LiveServer.with(yaml: yaml, modules: [], configure: { $0.backend.database = .postgres(connection) }) { server in
            let received = Received()
            try await server.application.events.subscribe(id: "outage-test", topics: ["jobs"]) { received.add($0) }
            #expect(try await server.post("/api/events/http/jobs", body: #"{"n":"before"}"#).status == 202)
            #expect(try await eventually { received.all == ["before"] })

            try postgres.stop()
            let refused = try await server.post("/api/events/http/jobs", body: #"{"n":"while-down"}"#)
            #expect(refused.status == 503)
            #expect(try refused.json()["error"]?["name"] == "ServiceUnavailableError")
            #expect(!refused.text.contains("127.0.0.1"), "no connection details in the error body")

            try postgres.restart()
            var accepted = false
            let recovered = try await eventually(seconds: 60) {
                accepted = try await server.post("/api/events/http/jobs", body: #"{"n":"after"}"#).status == 202
                return accepted
            }
            #expect(recovered, "ingress did not recover after PostgreSQL came back")
            #expect(try await eventually(seconds: 60) { received.all.contains("after") })
            #expect(!received.all.contains("while-down"), "an event answered 503 must not be delivered")
            #expect(try await server.get("/api/catalog/entities").status == 200)
        }
    }
}
