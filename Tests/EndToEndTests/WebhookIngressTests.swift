import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Crypto
import Events
import Foundation
import NIOCore
import Synchronization
import StoreSQLite
import Testing

/// SPEC §3.2 over HTTP: every status code of webhook ingress, signatures over raw bytes,
/// idempotency, CloudEvents and form mode, routing.
@Suite struct WebhookIngressTests {
    static let githubSecret = "It's a Secret to Everybody"

    static let config = """
        events:
          http:
            topics:
              - frobs
              - topic: small
                maxBodyBytes: 64
              - topic: limited
                rateLimit: { perSecond: 0.001, burst: 2 }
              - topic: partners
                validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [old-secret, new-secret] }
                idempotencyKey: { jsonPath: '$.delivery.id' }
          modules:
            github: { webhookSecret: "\(githubSecret)" }
            gitlab: { webhookSecret: [gl-token-1, gl-token-2] }
          delivery: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 20ms }
        """

    /// Collects events of some topics.
    final class Collector: Sendable {
        let events = Mutex<[EventParams]>([])
        func add(_ event: EventParams) { events.withLock { $0.append(event) } }
        var all: [EventParams] { events.withLock { $0 } }

        /// Waits (bounded) until `count` events arrived.
        func wait(for count: Int) async throws {
            for _ in 0..<1000 where all.count < count {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    static func hmac(_ body: [UInt8], _ secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// GitHub's push fixture with bytes that a JSON round trip would change (`5.0`, non-ASCII,
    /// spacing), so only a validator over the raw bytes accepts it.
    static func githubPushBody() throws -> [UInt8] {
        let fixture = try Data(contentsOf: Fixtures.directory.appendingPathComponent("github/push.json"))
        var text = String(decoding: fixture, as: UTF8.self)
        let end = try #require(text.lastIndex(of: "}"))
        text.replaceSubrange(end...end, with: ",\n  \"callboard_test\": { \"ratio\": 5.0, \"name\": \"Zoë ☕ 日本\" }\n}")
        return Array(text.utf8)
    }

    static func githubHeaders(_ body: [UInt8], delivery: String, signature: String? = nil) -> [(String, String)] {
        [
            ("content-type", "application/json"),
            ("x-github-event", "push"),
            ("x-github-delivery", delivery),
            ("x-github-hook-id", "292430182"),
            ("x-github-hook-installation-target-type", "repository"),
            ("user-agent", "GitHub-Hookshot/044aadd"),
            ("x-hub-signature-256", "sha256=" + (signature ?? hmac(body, githubSecret))),
        ]
    }

    @Test func aSignedGitHubPushIsAcceptedStoredExactlyAndRoutedToGithubPush() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let pushes = Collector()
            try await server.application.events.subscribe(id: "test-github-push", topics: ["github.push"]) { pushes.add($0) }
            let body = try Self.githubPushBody()
            let reply = try await server.request(.POST, "/api/events/http/github", bytes: body,
                                                 headers: Self.githubHeaders(body, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958"))
            #expect(reply.status == 202, "\(reply.text)")
            let answer = try reply.json()
            #expect(answer["status"] == "accepted")
            let eventID = try #require(answer["eventId"]?.stringValue)
            try await pushes.wait(for: 1)
            let routed = try #require(pushes.all.first)
            #expect(routed.topic == "github.push")
            #expect(routed.eventPayload.value(atPath: "repository.full_name") == "Codertocat/Hello-World")
            #expect(routed.eventPayload.value(atPath: "callboard_test.name") == "Zoë ☕ 日本")
            #expect(routed.metadata["x-github-event"] == "push")
            #expect(routed.metadata["x-hub-signature-256"] == nil)
            // The stored event keeps the raw bytes and no secret header.
            let stored = try await server.get("/api/events/events/\(eventID)").json()
            #expect(stored["topic"] == "github")
            #expect(stored["metadata"]?["x-hub-signature-256"] == nil)
            #expect(stored["metadata"]?["x-github-delivery"] == "72d3162e-cc78-11e3-81ab-4c9367dc0958")
            #expect(stored["size"] == .int(Int64(body.count)))
        }
    }

    @Test func aWrongOrReserialisedSignatureIs403AndNothingIsStored() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let body = try Self.githubPushBody()
            let wrong = try await server.request(.POST, "/api/events/http/github", bytes: body, headers: Self.githubHeaders(
                body, delivery: "d-wrong", signature: Self.hmac(body, "not the secret")))
            #expect(wrong.status == 403)
            #expect(try wrong.json().value(atPath: "error.name") == "NotAllowedError")
            // Re-serialised JSON (what a parse-then-stringify would send) no longer matches.
            let reserialised = try JSONParser.parse(body).canonicalBytes()
            #expect(reserialised != body)
            let changed = try await server.request(.POST, "/api/events/http/github", bytes: reserialised,
                                                   headers: Self.githubHeaders(body, delivery: "d-reserialised"))
            #expect(changed.status == 403)
            let missing = try await server.request(.POST, "/api/events/http/github", bytes: body,
                                                   headers: [("content-type", "application/json")])
            #expect(missing.status == 403)
            #expect(try await server.get("/api/events/events?topic=github").json() == [])
        }
    }

    @Test func aDuplicateDeliveryIDIsAcknowledgedOnceAndDeliveredOnce() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let pushes = Collector()
            try await server.application.events.subscribe(id: "test-dup", topics: ["github.push"]) { pushes.add($0) }
            let body = try Self.githubPushBody()
            let headers = Self.githubHeaders(body, delivery: "same-delivery")
            let first = try await server.request(.POST, "/api/events/http/github", bytes: body, headers: headers).json()
            let second = try await server.request(.POST, "/api/events/http/github", bytes: body, headers: headers)
            #expect(second.status == 202)
            #expect(try second.json()["duplicate"] == true)
            #expect(try second.json()["eventId"] == first["eventId"])
            try await pushes.wait(for: 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(pushes.all.count == 1)
        }
    }

    @Test func everyRefusalHasItsStatusCode() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let json = [("content-type", "application/json")]
            #expect(try await server.request(.POST, "/api/events/http/nope", body: "{}", headers: json).status == 404)
            // Size: declared length over the limit, and a chunked body that grows past it.
            let big = String(repeating: "x", count: 100)
            let tooBig = try await server.request(.POST, "/api/events/http/small", body: "{\"a\":\"\(big)\"}", headers: json)
            #expect(tooBig.status == 413)
            #expect(try tooBig.json().value(atPath: "error.name") == "PayloadTooLargeError")
            let atLimit = "{\"a\":\"" + String(repeating: "y", count: 64 - 8) + "\"}"
            #expect(atLimit.utf8.count == 64)
            #expect(try await server.request(.POST, "/api/events/http/small", body: atLimit, headers: json).status == 202)
            let overByOne = "{\"a\":\"" + String(repeating: "y", count: 64 - 7) + "\"}"
            #expect(try await server.request(.POST, "/api/events/http/small", body: overByOne, headers: json).status == 413)
            // A chunked body with no declared length is cut off while it streams.
            var chunked = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/events/http/small")
            chunked.method = .POST
            chunked.headers.add(name: "content-type", value: "application/json")
            let chunks = [ByteBuffer(string: "{\"a\":\""), ByteBuffer(string: big), ByteBuffer(string: "\"}")]
            chunked.body = .stream(chunks.async, length: .unknown)
            let streamed = try await server.client.execute(chunked, timeout: .seconds(10))
            #expect(streamed.status.code == 413)
            // Media types.
            let text = try await server.request(.POST, "/api/events/http/frobs", body: "{}", headers: [("content-type", "text/plain")])
            #expect(text.status == 415)
            #expect(try text.json().value(atPath: "error.name") == "UnsupportedMediaTypeError")
            #expect(try await server.request(.POST, "/api/events/http/frobs", body: "{}", headers: [("content-type", "application/vnd.frobs+json")]).status == 202)
            let broken = try await server.request(.POST, "/api/events/http/frobs", body: "{\"type\":", headers: json)
            #expect(broken.status == 400)
            #expect(try broken.json().value(atPath: "error.name") == "InputError")
            // Rate limit: a burst of 2, then 429 with Retry-After.
            #expect(try await server.request(.POST, "/api/events/http/limited", body: "{}", headers: json).status == 202)
            #expect(try await server.request(.POST, "/api/events/http/limited", body: "{}", headers: json).status == 202)
            let limited = try await server.request(.POST, "/api/events/http/limited", body: "{}", headers: json)
            #expect(limited.status == 429)
            #expect(limited.header("retry-after") != nil)
            #expect(try limited.json().value(atPath: "error.name") == "TooManyRequestsError")
        }
    }

    @Test func genericHMACTopicsAcceptAnyRotatedSecretAndUseTheConfiguredKey() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let body = Array(#"{"delivery":{"id":"p-1"},"n":1}"#.utf8)
            for secret in ["old-secret", "new-secret"] {
                let reply = try await server.request(.POST, "/api/events/http/partners", bytes: body, headers: [
                    ("content-type", "application/json"), ("x-signature", "sha256=" + Self.hmac(body, secret)),
                ])
                #expect(reply.status == 202)
                #expect(try reply.json()["duplicate"] == (secret == "new-secret" ? true : nil))
            }
            let stored = try await server.get("/api/events/events?topic=partners").json()
            #expect(stored.arrayValue?.count == 1)
            #expect(stored[0]?["idempotencyKey"] == "p-1")
            #expect(stored[0]?["metadata"]?["x-signature"] == nil)
        }
    }

    @Test func gitlabTokensAreCheckedAndEventsRoutedByObjectKind() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let merges = Collector()
            try await server.application.events.subscribe(id: "test-gl", topics: ["gitlab.merge_request"]) { merges.add($0) }
            let body = try Array(Data(contentsOf: Fixtures.directory.appendingPathComponent("gitlab/merge_request.json")))
            let headers = [("content-type", "application/json"), ("x-gitlab-event", "Merge Request Hook"),
                           ("x-gitlab-event-uuid", "gl-uuid-1")]
            let refused = try await server.request(.POST, "/api/events/http/gitlab", bytes: body,
                                                   headers: headers + [("x-gitlab-token", "wrong")])
            #expect(refused.status == 403)
            let accepted = try await server.request(.POST, "/api/events/http/gitlab", bytes: body,
                                                    headers: headers + [("x-gitlab-token", "gl-token-2")])
            #expect(accepted.status == 202)
            try await merges.wait(for: 1)
            #expect(merges.all.first?.topic == "gitlab.merge_request")
            #expect(merges.all.first?.metadata["x-gitlab-token"] == nil)
        }
    }

    @Test func cloudEventsInBothModesAndGitHubFormModeBecomePayloads() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let frobs = Collector()
            try await server.application.events.subscribe(id: "test-frobs", topics: ["frobs"]) { frobs.add($0) }
            let structured = try await server.request(.POST, "/api/events/http/frobs", body: """
                {"specversion":"1.0","id":"ce-1","source":"/frobs","type":"com.example.frob.added",
                 "datacontenttype":"application/json","data":{"type":"add","id":"42"}}
                """, headers: [("content-type", "application/cloudevents+json; charset=utf-8")])
            #expect(structured.status == 202, "\(structured.text)")
            let binary = try await server.request(.POST, "/api/events/http/frobs", body: #"{"type":"delete","id":"7"}"#, headers: [
                ("content-type", "application/json"), ("ce-specversion", "1.0"), ("ce-id", "ce-2"),
                ("ce-source", "/frobs"), ("ce-type", "com.example.frob.deleted"),
            ])
            #expect(binary.status == 202)
            let again = try await server.request(.POST, "/api/events/http/frobs", body: #"{"type":"delete","id":"7"}"#, headers: [
                ("content-type", "application/json"), ("ce-specversion", "1.0"), ("ce-id", "ce-2"),
                ("ce-source", "/frobs"), ("ce-type", "com.example.frob.deleted"),
            ])
            #expect(try again.json()["duplicate"] == true)
            let form = "payload=" + LiveServer.encode(#"{"type":"modify","id":"9"}"#)
            let formReply = try await server.request(.POST, "/api/events/http/frobs", body: form,
                                                     headers: [("content-type", "application/x-www-form-urlencoded")])
            #expect(formReply.status == 202)
            let noPayload = try await server.request(.POST, "/api/events/http/frobs", body: "other=1",
                                                     headers: [("content-type", "application/x-www-form-urlencoded")])
            #expect(noPayload.status == 400)
            try await frobs.wait(for: 3)
            #expect(frobs.all.map(\.eventPayload) == [
                ["type": "add", "id": "42"], ["type": "delete", "id": "7"], ["type": "modify", "id": "9"],
            ])
            #expect(frobs.all[0].metadata["ce-type"] == "com.example.frob.added")
            #expect(frobs.all[1].metadata["ce-id"] == "ce-2")
        }
    }

    /// An event log whose appends fail (a full disk, a lost database).
    struct FailingEventLog: EventLog {
        let inner: any EventLog
        struct Down: Error {}
        func append(_ events: [NewEvent]) async throws -> [AppendOutcome] { throw Down() }
        func read(topics: [String], after position: Int64, limit: Int) async throws -> [StoredEvent] {
            try await inner.read(topics: topics, after: position, limit: limit)
        }
        func tail() async throws -> Int64 { try await inner.tail() }
        func register(subscriber id: String, topics: [String]) async throws -> SubscriberState {
            try await inner.register(subscriber: id, topics: topics)
        }
        func subscribers() async throws -> [SubscriberState] { try await inner.subscribers() }
        func lag(subscriber id: String) async throws -> Int { try await inner.lag(subscriber: id) }
        func advance(subscriber id: String, to position: Int64) async throws { try await inner.advance(subscriber: id, to: position) }
        func republish(_ events: [NewEvent], subscriber id: String, advancingTo position: Int64) async throws { throw Down() }
        func park(_ event: StoredEvent, subscriber id: String, attempts: Int, error: String) async throws {
            try await inner.park(event, subscriber: id, attempts: attempts, error: error)
        }
        func recordError(subscriber id: String, error: String?) async throws { try await inner.recordError(subscriber: id, error: error) }
        func setPaused(subscriber id: String, paused: Bool) async throws -> Bool { try await inner.setPaused(subscriber: id, paused: paused) }
        func deadLetters(subscriber id: String?, limit: Int) async throws -> [DeadLetter] {
            try await inner.deadLetters(subscriber: id, limit: limit)
        }
        func requestReplay(deadLetter id: Int64?, subscriber: String?) async throws -> Int {
            try await inner.requestReplay(deadLetter: id, subscriber: subscriber)
        }
        func deleteDeadLetter(id: Int64) async throws -> Bool { try await inner.deleteDeadLetter(id: id) }
        func deadLetterCounts() async throws -> [String: Int] { try await inner.deadLetterCounts() }
        func replayFailed(deadLetter id: Int64, attempts: Int, error: String) async throws {
            try await inner.replayFailed(deadLetter: id, attempts: attempts, error: error)
        }
        func recentEvents(topic: String?, before position: Int64?, limit: Int) async throws -> [StoredEvent] {
            try await inner.recentEvents(topic: topic, before: position, limit: limit)
        }
        func event(id: String) async throws -> StoredEvent? { try await inner.event(id: id) }
        func topicStatistics() async throws -> [TopicStatistics] { try await inner.topicStatistics() }
        func applyRetention(_ policy: RetentionPolicy) async throws -> RetentionReport { try await inner.applyRetention(policy) }
    }

    @Test func aStoreThatCannotCommitAnswers503() async throws {
        let log = FailingEventLog(inner: try SQLiteEventLog(path: nil))
        try await LiveServer.with(yaml: Self.config, eventLog: log) { server in
            let reply = try await server.request(.POST, "/api/events/http/frobs", body: #"{"type":"add"}"#,
                                                 headers: [("content-type", "application/json")])
            #expect(reply.status == 503)
            #expect(try reply.json().value(atPath: "error.name") == "ServiceUnavailableError")
            #expect(!reply.text.contains("Down"))
        }
    }
}

extension Array where Element: Sendable {
    /// The elements as an async sequence.
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
