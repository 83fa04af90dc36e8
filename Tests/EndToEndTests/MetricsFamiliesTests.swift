import CallboardTesting
import CatalogModel
import FrobsSimulator
import Foundation
import Testing

/// After a Frobs flow (full sync, webhooks, a duplicate, a forged signature, a failing upstream,
/// a failed task run, a read, a paused subscriber), every metric family has a non-zero series.
@Suite struct MetricsFamiliesTests {
    static func config(simulatorPort port: Int) -> String {
        let signed = "{ topic: signed, validator: { type: hmac-sha256, header: x-signature, secrets: [a-secret-key] } }"
        return FrobsFlowTests.config(simulatorPort: port, initialDelay: "0s", topics: "[frobs, \(signed)]", maxAttempts: 2)
    }

    func task(_ server: LiveServer) async throws -> JSONValue? {
        try await server.get("/api/catalog/.backstage/scheduler/v1/tasks").json()["tasks"]?[0]
    }

    func subscriber(_ server: LiveServer, _ id: String) async throws -> JSONValue? {
        try await server.get("/api/events/subscriptions").json().arrayValue?.first { $0["id"] == .string(id) }
    }

    @Test func everyFamilyHasANonZeroSeriesAfterAFrobsFlow() async throws {
        let (simulator, port) = try await FrobsFlowTests.simulator([
            FrobSource(id: "1", frobs: [FrobsFlowTests.frob("frob-one")]),
        ])
        defer { Task { await simulator.shutdown() } }
        try await LiveServer.with(yaml: Self.config(simulatorPort: port)) { server in
            // The full sync at startup: a successful task run and a full mutation.
            #expect(try await eventually {
                let task = try await task(server)
                return task?["taskState"]?["status"] == "idle" && task?["taskState"]?["lastRunEndedAt"] != nil
            })
            // A webhook, the same delivery again, and a forged one.
            _ = try await simulator.putSource("2", frobs: [FrobsFlowTests.frob("frob-two")], notify: false)
            let headers = [("content-type", "application/json"), ("idempotency-key", "delivery-2")]
            let body = #"{"type":"add","id":"2"}"#
            #expect(try await server.request(.POST, "/api/events/http/frobs", body: body, headers: headers).status == 202)
            #expect(try await server.request(.POST, "/api/events/http/frobs", body: body, headers: headers).status == 202)
            let forged = [("content-type", "application/json"), ("x-signature", "sha256=00")]
            #expect(try await server.request(.POST, "/api/events/http/signed", body: "{}", headers: forged).status == 403)
            #expect(try await eventually { try await server.get("/api/catalog/entities/by-name/component/default/frob-two").status == 200 })

            // The upstream fails: the event is dead-lettered, and a triggered full sync fails.
            #expect(try await FrobsFlowTests.send(server, .POST, "http://127.0.0.1:\(port)/faults", #"{"status":503}"#) < 300)
            try await FrobsFlowTests().webhook(server, "add", "9")
            #expect(try await eventually { try await server.get("/api/events/dead-letters").json().arrayValue?.count == 1 })
            #expect(try await server.request(.POST, "/api/catalog/.backstage/scheduler/v1/tasks/frobs-test/trigger").status == 200)
            #expect(try await eventually {
                let task = try await task(server)
                return task?["taskState"]?["status"] == "idle" && task?["taskState"]?["lastRunError"]?.stringValue != nil
            })
            _ = try await FrobsFlowTests.send(server, .DELETE, "http://127.0.0.1:\(port)/faults")

            // A paused subscriber accumulates lag.
            #expect(try await server.request(.POST, "/api/events/subscriptions/frobs-test/pause").status < 300)
            try await FrobsFlowTests().webhook(server, "add", "2")
            #expect(try await eventually { try await subscriber(server, "frobs-test")?["lag"] == 1 })

            let metrics = PrometheusSamples(try await server.get("/metrics").text)
            let expected: [(String, [String: String])] = [
                ("callboard_events_received_total", ["topic": "frobs", "outcome": "accepted"]),
                ("callboard_events_received_total", ["topic": "frobs", "outcome": "duplicate"]),
                ("callboard_events_received_total", ["topic": "signed", "outcome": "rejected"]),
                ("callboard_event_append_duration_seconds_count", ["topic": "frobs"]),
                ("callboard_event_delivery_attempts_total", ["subscriber": "frobs-test", "outcome": "delivered"]),
                ("callboard_event_delivery_attempts_total", ["subscriber": "frobs-test", "outcome": "failed"]),
                ("callboard_event_delivery_latency_seconds_count", ["subscriber": "frobs-test"]),
                ("callboard_event_handler_duration_seconds_count", ["subscriber": "frobs-test"]),
                ("callboard_event_delivery_attempts_total", ["subscriber": "FrobsEventRouter", "outcome": "delivered"]),
                ("callboard_event_dead_letters_total", ["subscriber": "frobs-test"]),
                ("callboard_subscriber_lag", ["subscriber": "frobs-test"]),
                ("callboard_subscriber_dead_letters", ["subscriber": "frobs-test"]),
                ("callboard_subscriber_paused", ["subscriber": "frobs-test"]),
                ("callboard_topic_stored_events", ["topic": "frobs"]),
                ("callboard_catalog_mutation_duration_seconds_count", ["provider": "frobs-test", "type": "full"]),
                ("callboard_catalog_mutation_duration_seconds_count", ["provider": "frobs-test", "type": "delta"]),
                ("callboard_catalog_entities_written_total", ["provider": "frobs-test", "change": "added"]),
                ("callboard_catalog_entities", ["kind": "component"]),
                ("callboard_http_request_duration_seconds_count", ["method": "GET", "status": "200"]),
                ("callboard_scheduler_task_runs_total", ["task": "frobs-test", "outcome": "succeeded"]),
                ("callboard_scheduler_task_runs_total", ["task": "frobs-test", "outcome": "failed"]),
                ("callboard_scheduler_task_duration_seconds_count", ["task": "frobs-test"]),
            ]
            for (name, labels) in expected {
                let value = metrics.value(name, labels)
                #expect((value ?? 0) > 0, "\(name)\(labels) = \(value.map { "\($0)" } ?? "absent")")
            }
            // Read routes are labelled by their pattern, not by the path a client sent.
            let routes = Set(metrics.all("callboard_http_request_duration_seconds_count").compactMap { $0.labels["route"] })
            #expect(routes.contains { $0 == "/api/catalog/entities/by-name/{kind}/{namespace}/{name}" }, "\(routes)")
            #expect(!routes.contains { $0.contains("frob-two") })
        }
    }
}
