import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Foundation
import Logging
import NIOCore
import FrobsSimulator
import Testing

/// The guide's scenario through a live Callboard and a live fake Frobs service on loopback
/// (SPEC §7): add, modify, delete, full sync by schedule and by trigger, failing upstream.
@Suite struct FrobsFlowTests {
    /// Callboard configured for a simulator on `port`, with fast retries; the full sync runs
    /// `initialDelay` after start, then hourly. `topics` is the YAML of `events.http.topics`.
    static func config(simulatorPort port: Int, initialDelay: String = "1h", topics: String = "[frobs]",
                       maxAttempts: Int = 3) -> String {
        FaultWorkspace.frobsYAML(port: port, schedule: "{ frequency: 1h, timeout: 1m, initialDelay: \(initialDelay) }", more: """
            backend:
              \(FaultWorkspace.frobsReading(port: port))
            events:
              http:
                topics: \(topics)
              delivery: { maxAttempts: \(maxAttempts), initialBackoff: 10ms, maxBackoff: 20ms }
            """)
    }

    static func simulator(_ sources: [FrobSource] = []) async throws -> (FrobsSimulator, Int) {
        let simulator = try FrobsSimulator(
            configuration: FrobsSimulatorConfiguration(port: 0, initialSources: sources),
            logger: .init(label: "frobs-simulator-test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return (simulator, try await simulator.start())
    }

    static func frob(_ name: String, title: String? = nil) -> Frob {
        Frob(name: name, owner: "team-frobs", title: title)
    }

    /// A request to the simulator's own HTTP API; returns the status.
    static func send(_ server: LiveServer, _ method: HTTPMethod, _ url: String, _ body: String? = nil) async throws -> Int {
        try await exchange(server, method, url, body).status
    }

    /// A request to the simulator's own HTTP API; returns the status and the body.
    static func exchange(_ server: LiveServer, _ method: HTTPMethod, _ url: String, _ body: String? = nil)
        async throws -> (status: Int, body: [UInt8])
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await server.client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(bytes.readableBytesView))
    }

    func webhook(_ server: LiveServer, _ type: String, _ id: String) async throws {
        let reply = try await server.request(.POST, "/api/events/http/frobs", body: #"{"type":"\#(type)","id":"\#(id)"}"#)
        #expect(reply.status == 202)
    }

    func entity(_ server: LiveServer, _ name: String) async throws -> JSONValue? {
        let reply = try await server.get("/api/catalog/entities/by-name/component/default/\(name)")
        guard reply.status == 200 else { return nil }
        return try reply.json()
    }

    @Test func addModifyAndDeleteFollowTheUpstream() async throws {
        let (simulator, port) = try await Self.simulator()
        defer { Task { await simulator.shutdown() } }
        try await LiveServer.with(yaml: Self.config(simulatorPort: port)) { server in
            _ = try await simulator.putSource("42", frobs: [Self.frob("frob-a", title: "A"), Self.frob("frob-b")], notify: false)
            try await webhook(server, "add", "42")
            #expect(try await eventually { try await entity(server, "frob-b") != nil })
            let added = try #require(try await entity(server, "frob-a"))
            #expect(added.value(atPath: "spec.type") == "frob")
            #expect(added.value(atPath: "spec.lifecycle") == "experimental")
            #expect(added.value(atPath: "metadata.annotations")?["frobs.example.com/env"] == "test")
            let uid = try #require(added.value(atPath: "metadata.uid")?.stringValue)

            // modify: current content added, previous-state removed, a kept ref keeps its uid.
            _ = try await simulator.putSource("42", frobs: [Self.frob("frob-a", title: "A2"), Self.frob("frob-c")], notify: false)
            try await webhook(server, "modify", "42")
            #expect(try await eventually { try await entity(server, "frob-b") == nil })
            let modified = try #require(try await entity(server, "frob-a"))
            #expect(modified.value(atPath: "metadata.title") == "A2")
            #expect(modified.value(atPath: "metadata.uid")?.stringValue == uid)
            #expect(try await entity(server, "frob-c") != nil)

            // delete: what the upstream still describes is removed.
            _ = try await simulator.deleteSource("42", notify: false)
            try await webhook(server, "delete", "42")
            #expect(try await eventually {
                let a = try await entity(server, "frob-a")
                let c = try await entity(server, "frob-c")
                return a == nil && c == nil
            })

            // a delete for a source the upstream never had (404) removes nothing and is not an error.
            try await webhook(server, "delete", "404")
            #expect(try await eventually {
                try await server.get("/api/events/subscriptions").json().arrayValue?
                    .first { $0["id"] == "frobs-test" }?["lag"] == 0
            })
            #expect(try await server.get("/api/events/dead-letters").json().arrayValue?.isEmpty == true)
        }
    }

    @Test func theScheduledFullSyncAndTheTriggerRouteReconcile() async throws {
        let (simulator, port) = try await Self.simulator([FrobSource(id: "1", frobs: [Self.frob("frob-one")])])
        defer { Task { await simulator.shutdown() } }
        try await LiveServer.with(yaml: Self.config(simulatorPort: port, initialDelay: "0s")) { server in
            // The scheduler runs the first full sync at startup: no webhook needed.
            #expect(try await eventually { try await entity(server, "frob-one") != nil })
            // The run is over once the task is idle with an end time (until then a trigger is 409).
            #expect(try await eventually {
                let task = try await server.get("/api/catalog/.backstage/scheduler/v1/tasks").json()["tasks"]?[0]
                return task?["taskId"] == "frobs-test" && task?["taskState"]?["status"] == "idle"
                    && task?["taskState"]?["lastRunEndedAt"] != nil
            })

            // The upstream changes without telling anyone; a manual trigger reconciles.
            _ = try await simulator.putSource("2", frobs: [Self.frob("frob-two")], notify: false)
            _ = try await simulator.deleteSource("1", notify: false)
            let trigger = try await server.request(.POST, "/api/catalog/.backstage/scheduler/v1/tasks/frobs-test/trigger")
            #expect(trigger.status == 200)
            #expect(try await eventually {
                let two = try await entity(server, "frob-two")
                let one = try await entity(server, "frob-one")
                return two != nil && one == nil
            })
            let unknown = try await server.request(.POST, "/api/catalog/.backstage/scheduler/v1/tasks/nope/trigger")
            #expect(unknown.status == 404)
            #expect(try unknown.json()["error"]?["name"] == "NotFoundError")
        }
    }

    @Test func aFailingUpstreamIsRetriedThenDeadLetteredThenReplayed() async throws {
        let (simulator, port) = try await Self.simulator()
        defer { Task { await simulator.shutdown() } }
        try await LiveServer.with(yaml: Self.config(simulatorPort: port)) { server in
            _ = try await simulator.putSource("9", frobs: [Self.frob("frob-nine")], notify: false)
            let faults = try await Self.send(server, .POST, "http://127.0.0.1:\(port)/faults", #"{"status":503}"#)
            #expect(faults == 200 || faults == 201)
            try await webhook(server, "add", "9")
            #expect(try await eventually { try await server.get("/api/events/dead-letters").json().arrayValue?.count == 1 })
            let letter = try #require(try await server.get("/api/events/dead-letters").json()[0])
            #expect(letter["subscriber"] == "frobs-test")
            #expect(letter["attempts"] == 3)
            #expect(try await entity(server, "frob-nine") == nil)

            _ = try await Self.send(server, .DELETE, "http://127.0.0.1:\(port)/faults")
            let id = try #require(letter["id"]).canonicalString()
            #expect(try await server.request(.POST, "/api/events/dead-letters/\(id)/replay").status == 202)
            #expect(try await eventually { try await entity(server, "frob-nine") != nil })
        }
    }

    @Test func theEmbeddedSimulatorSendsItsOwnWebhooks() async throws {
        // The simulator's port must be written into the provider's URLs before anything starts,
        // so it is picked free and released; a parallel test may take it meanwhile. The control
        // response says whether this server's simulator answered (its webhook went to this
        // server); if another one did, try again on another port.
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let yaml = Self.config(simulatorPort: port) + "\nfrobsSimulator: { port: \(port), demoInterval: 0 }\n"
            let done = try await LiveServer.with(yaml: yaml) { (server: LiveServer) async throws -> Bool in
                _ = try await eventually { (try? await Self.send(server, .GET, "http://127.0.0.1:\(port)/health")) == 200 }
                let (status, body) = try await Self.exchange(
                    server, .PUT, "http://127.0.0.1:\(port)/sources/77", #"{"frobs":[{"name":"frob-seventy-seven","owner":"team-x"}]}"#)
                guard status == 201, let reply = try? JSONParser.parse(body), reply["webhook"]?["status"] == 202 else {
                    return false
                }
                #expect(try await eventually { try await entity(server, "frob-seventy-seven") != nil })
                return true
            }
            if done { return }
        }
        Issue.record("the embedded simulator never answered on a free port")
    }
}
