import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Foundation
import NIOCore
import Testing

/// Issue 7, part 6: no secret or bearer token reaches the logs (at debug), an error body,
/// `/api/events/events` metadata, `callboard config print`, or the database files (secret headers
/// are dropped before storage). Runs the built `callboard serve` as a user does, with every
/// secret in the configuration through `${VAR}`, sends each secret the ways a client would
/// (bearer, cookie, signature headers, a wrong token), and then greps everything.
@Suite struct SecretLeakTests {
    /// Every secret, each unique so that a grep cannot match anything else.
    static let environment = [
        "LEAK_TOKEN": "leak-bearer-7f3a9e",
        "LEAK_GITHUB_SECRET": "leak-github-whsec-41c2",
        "LEAK_GITLAB_TOKEN": "leak-gitlab-tok-93d1",
        "LEAK_HMAC_SECRET": "leak-hmac-s1-0be7",
        "LEAK_GITHUB_TOKEN": "leak-ghp-token-5521",
        "LEAK_PG_PASSWORD": "leak-pg-pass-7701",
    ]
    /// Sent by clients but not configured: must not be stored or logged either.
    static let clientSecrets = ["leak-cookie-8812", "leak-wrong-bearer-3310", "leak-webhook-signature-66"]
    static var secrets: [String] { Array(environment.values) + clientSecrets }

    static func config(data: String) -> String {
        """
        backend:
          listen: { host: 127.0.0.1, port: 0 }
          database: { client: sqlite, connection: { directory: '\(data)' } }
          logging: { level: debug }
          auth:
            externalAccess:
              - type: static
                options: { token: ${LEAK_TOKEN}, subject: leak-test }
        integrations:
          github:
            - { host: github.example.com, token: ${LEAK_GITHUB_TOKEN}, apiBaseUrl: 'http://127.0.0.1:1/api/v3' }
        events:
          http:
            topics:
              - topic: partners
                validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [${LEAK_HMAC_SECRET}] }
          modules:
            github: { webhookSecret: ${LEAK_GITHUB_SECRET} }
            gitlab: { webhookSecret: ${LEAK_GITLAB_TOKEN} }
        """
    }

    /// A running `callboard serve`, its port and its log file.
    struct Served {
        var process: Process
        var port: Int
        var log: URL
    }

    static func serve(config: String) async throws -> Served {
        let log = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["serve", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            .merging(["LOG_LEVEL": "debug"]) { $1 }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        var port: Int?
        _ = try await eventually(seconds: 60) {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http\.port[=":]+\s*"?(\d+)"#, options: .regularExpression) {
                port = Int(text[range].filter(\.isNumber))
            }
            return port != nil || !process.isRunning
        }
        guard let port else {
            process.terminate()
            throw LeakTestError(description: "callboard serve did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        return Served(process: process, port: port, log: log)
    }

    struct LeakTestError: Error, CustomStringConvertible {
        var description: String
    }

    static func send(_ client: HTTPClient, _ port: Int, _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil,
                     headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return (Int(response.status.code), String(buffer: bytes))
    }

    @Test func noSecretReachesLogsBodiesEventMetadataConfigPrintOrTheDatabase() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-leak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data").path
        let configPath = folder.appendingPathComponent("app-config.yaml").path
        try Self.config(data: data).write(toFile: configPath, atomically: true, encoding: .utf8)
        let env = Self.environment
        let bearer = ("authorization", "Bearer \(env["LEAK_TOKEN"]!)")
        let served = try await Self.serve(config: configPath)
        var bodies: [String] = []
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let port = served.port
            let json = ("content-type", "application/json")
            // Webhooks carrying every kind of secret header, signed right.
            let push = Array(#"{"ref":"refs/heads/main","repository":{"full_name":"o/r"}}"#.utf8)
            let githubSignature = "sha256=" + HostileCorpus.hmac(push, env["LEAK_GITHUB_SECRET"]!)
            var reply = try await Self.send(client, port, .POST, "/api/events/http/github", body: push, headers: [
                json, ("x-github-event", "push"), ("x-github-delivery", "leak-1"), ("x-hub-signature-256", githubSignature),
                ("x-hub-signature", "sha1=" + Self.clientSecrets[2]), bearer,
                ("cookie", "callboard_token=\(Self.clientSecrets[0]); other=\(Self.clientSecrets[0])"),
            ])
            #expect(reply.status == 202, "\(reply.body)")
            bodies.append(reply.body)
            reply = try await Self.send(client, port, .POST, "/api/events/http/gitlab", body: Array(#"{"object_kind":"push"}"#.utf8),
                                        headers: [json, ("x-gitlab-token", env["LEAK_GITLAB_TOKEN"]!), ("x-gitlab-event-uuid", "leak-2")])
            #expect(reply.status == 202, "\(reply.body)")
            bodies.append(reply.body)
            let partners = Array(#"{"n":1}"#.utf8)
            reply = try await Self.send(client, port, .POST, "/api/events/http/partners", body: partners, headers: [
                json, ("x-signature", "sha256=" + HostileCorpus.hmac(partners, env["LEAK_HMAC_SECRET"]!)),
                ("webhook-signature", Self.clientSecrets[2]), ("authorization", "Bearer \(Self.clientSecrets[1])"),
            ])
            #expect(reply.status == 202, "\(reply.body)")
            bodies.append(reply.body)
            // Refusals: a wrong signature, a wrong token, wrong sign-in, errors with the token.
            for (method, path, headers, body) in [
                (HTTPMethod.POST, "/api/events/http/github", [json, ("x-hub-signature-256", "sha256=\(Self.clientSecrets[2])")], push),
                (.POST, "/api/events/http/gitlab", [json, ("x-gitlab-token", Self.clientSecrets[1])], Array("{}".utf8)),
                (.GET, "/api/events/topics", [("authorization", "Bearer \(Self.clientSecrets[1])")], nil),
                (.GET, "/metrics", [("cookie", "callboard_token=\(Self.clientSecrets[0])")], nil),
                (.POST, "/api/auth/cookie", [json], Array(#"{"token":"\#(Self.clientSecrets[1])"}"#.utf8)),
                (.GET, "/api/events/events/nope", [bearer], nil),
                (.POST, "/api/catalog/refresh", [json, bearer], Array("{".utf8)),
                (.POST, "/api/catalog/locations?dryRun=true", [json, bearer],
                 Array(#"{"type":"url","target":"http://user:\#(Self.clientSecrets[1])@169.254.169.254/x"}"#.utf8)),
            ] as [(HTTPMethod, String, [(String, String)], [UInt8]?)] {
                let refused = try await Self.send(client, port, method, path, body: body, headers: headers)
                #expect((400..<500).contains(refused.status), "\(method) \(path): \(refused.status) \(refused.body)")
                bodies.append(refused.body)
            }
            // Authenticated admin reads, the UI's sign-in, and the stored events with metadata.
            bodies.append(try await Self.send(client, port, .POST, "/api/auth/cookie", body: Array(#"{"token":"\#(env["LEAK_TOKEN"]!)"}"#.utf8),
                                              headers: [json]).body)
            let list = try await Self.send(client, port, .GET, "/api/events/events?limit=100", headers: [bearer])
            bodies.append(list.body)
            // The three webhooks (routers republish some under `github.push` and `gitlab.push`).
            let events = try JSONParser.parse(list.body).arrayValue ?? []
            let topics = Set(events.compactMap { $0["topic"]?.stringValue })
            #expect(topics.isSuperset(of: ["github", "gitlab", "partners"]))
            for event in events {
                let id = try #require(event["id"]?.stringValue)
                let one = try await Self.send(client, port, .GET, "/api/events/events/\(id)", headers: [bearer])
                bodies.append(one.body)
                let metadata = try JSONParser.parse(one.body)["metadata"]?.objectValue ?? [:]
                for name in ["authorization", "cookie", "x-hub-signature", "x-hub-signature-256", "x-gitlab-token",
                             "x-signature", "webhook-signature"] {
                    #expect(metadata[name] == nil, "event \(id) stored the header \(name)")
                }
            }
            for path in ["/api/events/subscriptions", "/api/events/dead-letters", "/metrics", "/api/catalog/providers",
                         "/api/catalog/.backstage/scheduler/v1/tasks", "/api/auth/session"] {
                bodies.append(try await Self.send(client, port, .GET, path, headers: [bearer]).body)
            }
        } catch {
            served.process.terminate()
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        served.process.terminate()
        _ = try await eventually(seconds: 30) { !served.process.isRunning }
        // `callboard config print`, with a PostgreSQL URL holding a password as well.
        let pgConfig = folder.appendingPathComponent("pg.yaml").path
        try "backend: { database: { client: pg, connection: 'postgresql://callboard:${LEAK_PG_PASSWORD}@db.example.com:5432/callboard' } }\n"
            .write(toFile: pgConfig, atomically: true, encoding: .utf8)
        let printed = try CommandLineTests.run(["config", "print", "--config", configPath, "--config", pgConfig], environment: env)
        #expect(printed.status == 0, "\(printed.error)")
        #expect(printed.output.contains("<redacted>"))

        let log = try String(contentsOf: served.log, encoding: .utf8)
        #expect(log.contains("Webhook accepted") || log.contains("debug"), "the log is not at debug")
        var places: [(String, [UInt8])] = [("the log", Array(log.utf8)), ("config print", Array((printed.output + printed.error).utf8))]
        for (index, body) in bodies.enumerated() { places.append(("answer \(index)", Array(body.utf8))) }
        let files = try FileManager.default.contentsOfDirectory(atPath: data)
        #expect(files.contains("events.sqlite"))
        for file in files {
            places.append(("database file \(file)", try Array(Data(contentsOf: URL(fileURLWithPath: data).appendingPathComponent(file)))))
        }
        for (place, bytes) in places {
            for secret in Self.secrets {
                #expect(Data(bytes).range(of: Data(secret.utf8)) == nil, "\(place) contains the secret \(secret)")
            }
        }
    }
}
