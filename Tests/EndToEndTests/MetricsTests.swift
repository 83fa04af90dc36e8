import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// `GET /metrics` in Prometheus' text format, with the ingress counters and the scrape-time gauges.
@Suite struct MetricsTests {
    static let config = """
        events:
          http:
            topics:
              - frobs
              - topic: signed
                validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [a-secret-key] }
        """

    @Test func ingressOutcomesSubscribersAndEntitiesAreExported() async throws {
        let provider = TestProvider(name: "metrics-test")
        try await LiveServer.with(yaml: Self.config, providers: [provider]) { server in
            try await provider.apply(.full(EntityFactory.deferred([
                EntityFactory.component("one"), EntityFactory.component("two"), EntityFactory.group("team-a"),
            ])))
            try await server.application.events.subscribe(id: "metrics-subscriber", topics: ["frobs"]) { _ in }
            #expect(try await server.post("/api/events/http/frobs", body: #"{"type":"add","id":"1"}"#).status == 202)
            #expect(try await server.post("/api/events/http/frobs", body: "{not json").status == 400)
            #expect(try await server.post("/api/events/http/signed", body: "{}").status == 403)
            #expect(try await server.post("/api/events/http/unknown-topic", body: "{}").status == 404)
            #expect(try await eventually {
                try await server.get("/api/events/subscriptions").json().arrayValue?
                    .first { $0["id"] == "metrics-subscriber" }?["lag"] == 0
            })
            let reply = try await server.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let lines = Set(reply.text.split(separator: "\n").map(String.init))
            #expect(lines.contains(#"callboard_events_received_total{topic="frobs",outcome="accepted"} 1"#))
            #expect(lines.contains(#"callboard_events_received_total{topic="frobs",outcome="bad_request"} 1"#))
            #expect(lines.contains(#"callboard_events_received_total{topic="signed",outcome="rejected"} 1"#))
            #expect(!reply.text.contains("unknown-topic"))
            #expect(lines.contains(#"callboard_event_append_duration_seconds_count{topic="frobs"} 1"#))
            #expect(lines.contains(#"callboard_subscriber_lag{subscriber="metrics-subscriber"} 0.0"#)
                || lines.contains(#"callboard_subscriber_lag{subscriber="metrics-subscriber"} 0"#))
            #expect(lines.contains { $0.hasPrefix(#"callboard_catalog_entities{kind="component"} 2"#) })
            #expect(lines.contains { $0.hasPrefix(#"callboard_catalog_entities{kind="group"} 1"#) })
        }
    }
}
