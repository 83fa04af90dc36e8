import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Foundation
import NIOCore
import Testing

/// The hostile-input suite (issue 7, part 3): every request of the corpus (`Tests/Hostile/*.jsonl`
/// plus ``HostileCorpus/generated``) against one live server with auth, signed topics, a rate
/// limit, the Frobs provider and a fake upstream. Each answer must be one of the case's statuses
/// (never a 5xx), every error must be Backstage's error body with the matching name, no answer
/// may carry a secret or an internal detail, the server must keep serving, and the stored data
/// must be unchanged except for the webhooks the corpus expects to be accepted.
@Suite(.serialized) struct HostileInputTests {
    static let names: [Int: String] = [
        400: "InputError", 401: "AuthenticationError", 403: "NotAllowedError", 404: "NotFoundError",
        405: "NotAllowedError", 409: "ConflictError", 413: "PayloadTooLargeError", 415: "UnsupportedMediaTypeError",
        429: "TooManyRequestsError", 503: "ServiceUnavailableError",
    ]
    /// Words that would mean an internal detail reached a client.
    static let internals = ["SQLITE_", "sqlite3", "GRDB", "Fatal error", ".swift:", "DatabaseError", "Stack trace"]

    /// An answer as received.
    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> JSONValue { try JSONParser.parse(body) }
    }

    /// What must not change: the catalog, the locations, the events received.
    struct Snapshot: Equatable {
        var entities: [UInt8]
        var locations: [UInt8]
        var events: Int
    }

    static func snapshot(_ server: LiveServer) async throws -> Snapshot {
        let bearer = [("authorization", "Bearer \(HostileCorpus.token)")]
        let entities = try await server.request(.GET, "/api/catalog/entities", headers: bearer)
        let locations = try await server.request(.GET, "/api/catalog/locations", headers: bearer)
        // Events received over ingress (routers republish under other topics; those may grow).
        var events = 0
        for topic in ["frobs", "small", "limited", "partners", "github", "gitlab"] {
            var after = ""
            while true {
                let page = try await server.request(.GET, "/api/events/events?topic=\(topic)&limit=1000\(after)", headers: bearer)
                let items = try page.json().arrayValue ?? []
                events += items.count
                guard items.count == 1000, case .int(let position)? = items.last?["position"] else { break }
                after = "&after=\(position)"
            }
        }
        return Snapshot(entities: entities.body, locations: locations.body, events: events)
    }

    /// Sends a case exactly as written: no header is added but the bearer token (when `auth`).
    static func send(_ item: HostileCase, to server: LiveServer, upstream: Int) async throws -> Answer {
        let path = item.path.replacingOccurrences(of: "{fakeport}", with: "\(upstream)")
            .replacingOccurrences(of: "{fake}", with: "127.0.0.1:\(upstream)")
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        request.method = HTTPMethod(rawValue: item.method)
        for (name, value) in item.headers { request.headers.add(name: name, value: value) }
        if item.auth { request.headers.add(name: "authorization", value: "Bearer \(HostileCorpus.token)") }
        if var bytes = item.body {
            // Placeholders are replaced in text bodies only; other bytes go exactly as written.
            if let text = String(validating: bytes, as: UTF8.self), text.contains("{fake") {
                bytes = Array(text.replacingOccurrences(of: "{fakeport}", with: "\(upstream)")
                    .replacingOccurrences(of: "{fake}", with: "127.0.0.1:\(upstream)").utf8)
            }
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await server.client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                      body: Array(bytes.readableBytesView))
    }

    /// The problems with one answer (empty when it is what the corpus expects).
    static func problems(_ item: HostileCase, _ reply: Answer) -> [String] {
        var problems: [String] = []
        if !item.expect.contains(reply.status) {
            problems.append("status \(reply.status), expected \(item.expect.sorted()): \(reply.text.prefix(300))")
        }
        if reply.status >= 500 { problems.append("a 5xx") }
        let text = reply.text
        for secret in HostileCorpus.secrets where text.contains(secret) { problems.append("the answer carries a secret") }
        for word in internals where text.contains(word) { problems.append("the answer shows an internal detail (\(word))") }
        for (name, value) in reply.headers {
            if name.lowercased() == "set-cookie" { problems.append("a set-cookie header") }
            if value.contains("\r") || value.contains("\n") { problems.append("a header value with CR/LF") }
        }
        let validationErrors = item.path.hasPrefix("/api/catalog/validate-entity") && reply.status == 400
        if reply.status >= 400 && item.method != "HEAD" {
            guard let body = try? reply.json() else {
                problems.append("the error body is not JSON: \(text.prefix(200))")
                return problems
            }
            if validationErrors {
                if body["errors"]?.arrayValue?.isEmpty != false { problems.append("validate-entity 400 without errors") }
            } else {
                if body.value(atPath: "error.name")?.stringValue != names[reply.status] {
                    problems.append("error.name \(String(describing: body.value(atPath: "error.name"))) for \(reply.status)")
                }
                if body.value(atPath: "error.message")?.stringValue == nil { problems.append("no error.message") }
                if body.value(atPath: "response.statusCode") != .int(Int64(reply.status)) { problems.append("wrong response.statusCode") }
                if body.value(atPath: "request.method")?.stringValue != item.method { problems.append("wrong request.method") }
            }
        }
        return problems
    }

    @Test func theCorpusGetsDocumented4xxNeverA5xxAndChangesNothing() async throws {
        let corpus = try HostileCase.loadCorpus() + HostileCorpus.generated
        #expect(corpus.count >= 300)
        let provider = TestProvider(name: "examples")
        try await FakeHTTPServer.with(HostileUpstream.handler) { _, upstream in
            try await LiveServer.with(yaml: HostileCorpus.config(upstreamPort: upstream), providers: [provider]) { server in
                _ = try await provider.apply(.full(EntityFactory.deferred(try Fixtures.exampleEntities())))
                let before = try await Self.snapshot(server)
                var accepted = Set<String>()
                var failures: [String] = []
                for item in corpus {
                    let reply: Answer
                    do {
                        reply = try await Self.send(item, to: server, upstream: upstream)
                    } catch {
                        failures.append("\(item): no answer (\(error))")
                        continue
                    }
                    let problems = Self.problems(item, reply)
                    if !problems.isEmpty { failures.append("\(item): " + problems.joined(separator: "; ")) }
                    if reply.status == 202, let id = try? reply.json()["eventId"]?.stringValue { accepted.insert(id) }
                }
                #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) of \(corpus.count) cases failed:\n" + failures.joined(separator: "\n")))
                print("hostile corpus: \(corpus.count) requests, \(failures.count) failures, \(accepted.count) events accepted")
                #expect(try await server.get("/.backstage/health/v1/liveness").status == 200)
                let after = try await Self.snapshot(server)
                #expect(after.entities == before.entities, "the corpus changed the catalog")
                #expect(after.locations == before.locations, "the corpus changed the locations")
                #expect(after.events == before.events + accepted.count, "stored events other than the accepted ones")
            }
        }
    }
}
