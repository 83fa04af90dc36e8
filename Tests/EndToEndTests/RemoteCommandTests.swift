import CallboardTesting
import CatalogModel
import Foundation
import Synchronization
import Testing

/// `callboard events send`, `events replay` and `catalog get` against a live server, run as a
/// user runs them: the built executable, with a configuration file and `--url`.
@Suite struct RemoteCommandTests {
    static let token = "test-admin-token-1"

    static let yaml = """
        backend:
          auth:
            externalAccess:
              - type: static
                options: { token: \(token), subject: cli-test }
        events:
          http:
            topics:
              - plain
              - topic: signed
                validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [a-secret-key, old-key] }
          modules:
            github: { webhookSecret: github-secret }
            gitlab: { webhookSecret: gitlab-token }
          delivery: { maxAttempts: 1, initialBackoff: 10ms, maxBackoff: 20ms }
        """

    /// The same configuration as the server's, for the CLI's `--config`.
    static func configFile(_ yaml: String = yaml) throws -> String {
        try CommandLineTests.temporaryFile(yaml)
    }

    static func payloadFile(_ json: String = #"{"hello":"world"}"#) throws -> String {
        try CommandLineTests.temporaryFile(json)
    }

    func url(_ server: LiveServer) -> String { "http://127.0.0.1:\(server.port)" }

    /// Error output is one line, with no stack trace.
    func expectOneLine(_ outcome: CommandLineTests.Outcome, containing text: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status != 0, sourceLocation: sourceLocation)
        let lines = outcome.error.split(separator: "\n")
        #expect(lines.count == 1, "\(outcome.error)", sourceLocation: sourceLocation)
        #expect(outcome.error.contains(text), "\(outcome.error)", sourceLocation: sourceLocation)
    }

    @Test func eventsSendSignsForTheTopicsValidator() async throws {
        let config = try Self.configFile()
        let payload = try Self.payloadFile()
        try await LiveServer.with(yaml: Self.yaml) { server in
            for (topic, extra) in [("signed", [String]()), ("github", ["--header", "x-github-event: push"]),
                                   ("gitlab", []), ("plain", ["--header", "idempotency-key: cli-1"])] {
                let outcome = try await CLIProcess.run(
                    ["events", "send", topic, payload, "--config", config, "--url", url(server)] + extra)
                #expect(outcome.status == 0, "\(topic): \(outcome.error)")
                #expect(outcome.output.hasPrefix("accepted: event "), "\(topic): \(outcome.output)")
            }
            // The same idempotency key again: reported as a duplicate.
            let again = try await CLIProcess.run(["events", "send", "plain", payload, "--config", config,
                                                  "--url", url(server), "--header", "idempotency-key: cli-1"])
            #expect(again.status == 0)
            #expect(again.output.hasPrefix("duplicate: "), "\(again.output)")
            // Without the configuration, the signed topic refuses the unsigned body.
            let unsigned = try await CLIProcess.run(
                ["events", "send", "signed", payload, "--config", try Self.configFile("{}"), "--url", url(server)])
            expectOneLine(unsigned, containing: "(403)")
        }
    }

    @Test func eventsSendReportsUnknownTopicsMissingFilesAndUnreachableServers() async throws {
        let config = try Self.configFile()
        let payload = try Self.payloadFile()
        try await LiveServer.with(yaml: Self.yaml) { server in
            let unknown = try await CLIProcess.run(
                ["events", "send", "nope", payload, "--config", config, "--url", url(server)])
            expectOneLine(unknown, containing: "not found (404): No event ingress for topic 'nope'")
            let missing = try await CLIProcess.run(
                ["events", "send", "plain", "/nonexistent/payload.json", "--config", config, "--url", url(server)])
            expectOneLine(missing, containing: "cannot read /nonexistent/payload.json")
        }
        let closed = try freeLoopbackPort()
        let unreachable = try await CLIProcess.run(
            ["events", "send", "plain", payload, "--config", config, "--url", "http://127.0.0.1:\(closed)"])
        expectOneLine(unreachable, containing: "cannot reach Callboard at http://127.0.0.1:\(closed)")
    }

    @Test func eventsReplayUsesTheTokenAndReportsRefusals() async throws {
        let config = try Self.configFile()
        try await LiveServer.with(yaml: Self.yaml) { server in
            let failing = Atomic<Bool>(true)
            let delivered = Atomic<Int>(0)
            try await server.application.events.subscribe(id: "cli-replay", topics: ["plain"]) { _ in
                if failing.load(ordering: .relaxed) { throw TestFailure() }
                delivered.add(1, ordering: .relaxed)
            }
            let auth = [("authorization", "Bearer \(Self.token)")]
            #expect(try await server.request(.POST, "/api/events/http/plain", body: "{}").status == 202)
            #expect(try await eventually {
                try await server.request(.GET, "/api/events/dead-letters", headers: auth).json().arrayValue?.count == 1
            })
            let letter = try await server.request(.GET, "/api/events/dead-letters", headers: auth).json()[0]
            let id = try #require(letter?["id"]).canonicalString()
            let noToken = ["CALLBOARD_TOKEN": ""]

            let wrong = try await CLIProcess.run(
                ["events", "replay", id, "--url", url(server), "--token", "wrong-token-123"], environment: noToken)
            expectOneLine(wrong, containing: "(401)")
            let unknown = try await CLIProcess.run(
                ["events", "replay", "999999", "--url", url(server)], environment: ["CALLBOARD_TOKEN": Self.token])
            expectOneLine(unknown, containing: "not found (404): No dead letter with id '999999'")

            failing.store(false, ordering: .relaxed)
            // The token comes from the configuration here.
            let replayed = try await CLIProcess.run(
                ["events", "replay", id, "--config", config, "--url", url(server)], environment: noToken)
            #expect(replayed.status == 0, "\(replayed.error)")
            #expect(replayed.output == "replaying dead letter \(id)\n")
            #expect(try await eventually {
                let letters = try await server.request(.GET, "/api/events/dead-letters", headers: auth).json()
                return delivered.load(ordering: .relaxed) == 1 && letters.arrayValue?.isEmpty == true
            })

            let all = try await CLIProcess.run(["events", "replay", "--all", "--url", url(server)],
                                               environment: ["CALLBOARD_TOKEN": Self.token])
            #expect(all.status == 0, "\(all.error)")
            #expect(all.output == "replaying 0 dead letters\n")
            let both = try await CLIProcess.run(["events", "replay", id, "--all", "--url", url(server)])
            #expect(both.status != 0)
            #expect(both.error.contains("Give a dead letter's ID or --all"))
        }
    }

    @Test func catalogGetPrintsYAMLOrJSONAndReportsMissingEntities() async throws {
        let provider = TestProvider(name: "cli-catalog")
        try await LiveServer.with(providers: [provider]) { server in
            _ = try await provider.apply(.full(EntityFactory.deferred([EntityFactory.component("cli-one")])))
            let json = try await CLIProcess.run(["catalog", "get", "component:default/cli-one", "-o", "json",
                                                 "--url", url(server)])
            #expect(json.status == 0, "\(json.error)")
            let entity = try JSONParser.parse(Array(json.output.utf8))
            #expect(entity.value(atPath: "metadata.name") == "cli-one")
            #expect(entity["kind"] == "Component")

            let yaml = try await CLIProcess.run(["catalog", "get", "component:cli-one", "--url", url(server)])
            #expect(yaml.status == 0, "\(yaml.error)")
            #expect(yaml.output.contains("name: cli-one"))
            #expect(yaml.output.contains("kind: Component"))

            let missing = try await CLIProcess.run(["catalog", "get", "component:default/nothing", "--url", url(server)])
            expectOneLine(missing, containing: "not found (404)")
            let bad = try await CLIProcess.run(["catalog", "get", "nothing", "--url", url(server)])
            expectOneLine(bad, containing: "'nothing' is not an entity reference")
        }
    }

    @Test(arguments: [["events", "send"], ["events", "replay"], ["catalog", "get"]])
    func eachCommandHasHelp(_ command: [String]) async throws {
        let outcome = try await CLIProcess.run(command + ["--help"])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("USAGE:"))
        #expect(outcome.output.contains("--url"))
    }

    struct TestFailure: Error {}
}
