import CallboardTesting
import CatalogModel
import Foundation
import FrobsSimulator
import Logging
import Testing

/// The web UI in a real browser (headless Chromium driven by `Tests/Browser/ui_test.py`) against
/// a live server with demo data, the Frobs provider and two dead letters; token auth is on, so
/// the UI signs in through its cookie. Screenshots go to `artifacts/screenshots/`.
@Suite struct BrowserTests {
    static let token = "browser-test-token"

    static func config(simulatorPort port: Int) -> String {
        """
        backend:
          reading:
            allow: [{ host: '127.0.0.1:\(port)' }]
          auth:
            externalAccess:
              - type: static
                options: { token: \(token), subject: browser-test }
            protectReads: true
        events:
          http:
            topics: [frobs]
          delivery: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 20ms }
        catalog:
          providers:
            frobs:
              demo:
                url: http://127.0.0.1:\(port)/envs/{env}/data
                eventUrl: http://127.0.0.1:\(port)/sources/{id}/data
                schedule: { frequency: 1h, timeout: 1m, initialDelay: 0s }
        """
    }

    static let bearer = [("authorization", "Bearer \(token)")]

    @Test(.enabled(if: BrowserEnvironment.shouldRun, "needs chromium, chromedriver and selenium"))
    func theUIShowsLiveDataAndItsButtonsWork() async throws {
        let missing = BrowserEnvironment.missing
        guard missing.isEmpty else {
            Issue.record("CALLBOARD_REQUIRE_BROWSER=1 but missing: \(missing.joined(separator: ", "))")
            return
        }
        let simulator = try FrobsSimulator(
            configuration: FrobsSimulatorConfiguration(port: 0, initialSources: BrowserDemo.initialSources),
            logger: .init(label: "frobs-simulator-browser-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let simulatorPort = try await simulator.start()
        defer { Task { await simulator.shutdown() } }
        let demo = TestProvider(name: "demo")
        try await LiveServer.with(yaml: Self.config(simulatorPort: simulatorPort), providers: [demo]) { server in
            try await demo.apply(.full(EntityFactory.deferred(BrowserDemo.entities())))
            try await prepareDeadLetters(server, simulatorPort: simulatorPort)
            let screenshots = ProcessInfo.processInfo.environment["CALLBOARD_SCREENSHOTS"]
                ?? BrowserEnvironment.repositoryRoot.appendingPathComponent("artifacts/screenshots").path
            let script = BrowserEnvironment.repositoryRoot.appendingPathComponent("Tests/Browser/ui_test.py").path
            let status = try await BrowserEnvironment.runPython([
                script, "--base-url", "http://127.0.0.1:\(server.port)",
                "--simulator-url", "http://127.0.0.1:\(simulatorPort)",
                "--token", Self.token, "--screenshots", screenshots,
            ])
            #expect(status == 0, "ui_test.py failed (exit \(status)); see its output above")

            // What the clicks did, seen through the API: one dead letter deleted, one replayed.
            let letters = try await server.request(.GET, "/api/events/dead-letters", headers: Self.bearer).json()
            #expect(letters.arrayValue?.isEmpty == true)
        }
    }

    /// Two webhooks whose upstream fails (a fault on `/sources/dead-`) become dead letters; the
    /// fault is then lifted, so a replay from the UI succeeds.
    func prepareDeadLetters(_ server: LiveServer, simulatorPort: Int) async throws {
        // The full sync at startup must be over first (its reads would be refused too).
        #expect(try await eventually {
            let reply = try await server.request(.GET, "/api/catalog/.backstage/scheduler/v1/tasks", headers: Self.bearer)
            let task = try reply.json()["tasks"]?[0]
            return task?["taskState"]?["status"] == "idle" && task?["taskState"]?["lastRunEndedAt"] != nil
        })
        _ = try await FrobsFlowTests.send(
            server, .POST, "http://127.0.0.1:\(simulatorPort)/faults", #"{"status":503,"pathPrefix":"/sources/dead-"}"#)
        for id in ["dead-one", "dead-two"] {
            _ = try await FrobsFlowTests.send(
                server, .PUT, "http://127.0.0.1:\(simulatorPort)/sources/\(id)",
                #"{"frobs":[{"name":"frob-\#(id)","owner":"team-a","title":"Frob from \#(id)"}]}"#)
            let reply = try await server.request(.POST, "/api/events/http/frobs", body: #"{"type":"add","id":"\#(id)"}"#)
            #expect(reply.status == 202)
        }
        #expect(try await eventually {
            try await server.request(.GET, "/api/events/dead-letters", headers: Self.bearer).json().arrayValue?.count == 2
        })
        _ = try await FrobsFlowTests.send(server, .DELETE, "http://127.0.0.1:\(simulatorPort)/faults")
    }
}
