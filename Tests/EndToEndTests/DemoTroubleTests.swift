import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// The demo's trouble steps against a live Callboard with the embedded simulator: after one round
/// of them, the failure families of `/metrics` are non-zero and the UI has a dead letter to replay
/// (issue 8: `curl /metrics` after the Frobs demo shows every family).
@Suite struct DemoTroubleTests {
    static func yaml(port: Int) -> String {
        let topic = """
            [{ topic: frobs, validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [demo-secret] },
               idempotencyKey: { header: x-delivery-id } }]
            """
        return FrobsFlowTests.config(simulatorPort: port, initialDelay: "0s", topics: topic)
            + "\nfrobsSimulator: { port: \(port), demoInterval: 0, signingSecret: demo-secret, troubleEvery: 1 }\n"
    }

    @Test func oneRoundOfTroubleShowsInTheMetrics() async throws {
        // The simulator's port is written into the provider's URLs before anything starts (see
        // FrobsFlowTests.theEmbeddedSimulatorSendsItsOwnWebhooks): retry on another port when a
        // parallel test took it.
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let done = try await LiveServer.with(yaml: Self.yaml(port: port)) { (server: LiveServer) async throws -> Bool in
                guard try await eventually(seconds: 5, { (try? await FrobsFlowTests.send(server, .GET, "http://127.0.0.1:\(port)/health")) == 200 })
                else { return false }
                // A normal change first, so that there is an accepted webhook to duplicate and forge.
                let put = try await FrobsFlowTests.exchange(
                    server, .PUT, "http://127.0.0.1:\(port)/sources/first", #"{"frobs":[{"name":"frob-first","owner":"team-a"}]}"#)
                guard put.status == 201, (try? JSONParser.parse(put.body))?["webhook"]?["status"] == 202 else { return false }
                var lines: [String] = []
                for _ in DemoTroubleSteps.all {
                    let (status, body) = try await FrobsFlowTests.exchange(server, .POST, "http://127.0.0.1:\(port)/demo/step")
                    #expect(status == 200)
                    lines.append((try JSONParser.parse(body))["line"]?.stringValue ?? "")
                }
                #expect(zip(lines, DemoTroubleSteps.all).allSatisfy { $0.hasPrefix("trouble: ") && $0.contains($1) }, "\(lines)")

                #expect(try await eventually { try await server.get("/api/events/dead-letters").json().arrayValue?.isEmpty == false })
                #expect(try await eventually {
                    try await server.get("/api/catalog/entities/by-name/component/default/frob-flaky").status == 200
                })
                let metrics = PrometheusSamples(try await server.get("/metrics").text)
                let expected: [(String, [String: String])] = [
                    ("callboard_events_received_total", ["topic": "frobs", "outcome": "duplicate"]),
                    ("callboard_events_received_total", ["topic": "frobs", "outcome": "rejected"]),
                    ("callboard_event_delivery_attempts_total", ["subscriber": "frobs-test", "outcome": "failed"]),
                    ("callboard_event_dead_letters_total", ["subscriber": "frobs-test"]),
                    ("callboard_subscriber_dead_letters", ["subscriber": "frobs-test"]),
                    ("callboard_catalog_entities_rejected_total", [:]),
                ]
                for (name, labels) in expected {
                    let value = metrics.value(name, labels)
                    #expect((value ?? 0) > 0, "\(name)\(labels) = \(value.map { "\($0)" } ?? "absent")")
                }
                // The next trouble step brings the unreachable source back: its dead letter replays.
                _ = try await FrobsFlowTests.exchange(server, .POST, "http://127.0.0.1:\(port)/demo/step")
                #expect(try await server.request(.POST, "/api/events/dead-letters/replay").status < 300)
                #expect(try await eventually {
                    try await server.get("/api/catalog/entities/by-name/component/default/frob-down").status == 200
                })
                return true
            }
            if done { return }
        }
        Issue.record("the embedded simulator never answered on a free port")
    }
}

/// What each trouble step's line names, in the order the simulator runs them.
enum DemoTroubleSteps {
    static let all = ["invalid name", "flaky", "duplicate", "forged signature", "answers 503"]
}
