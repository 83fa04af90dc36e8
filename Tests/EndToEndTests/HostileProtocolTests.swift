import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// Hostile input below HTTP's happy path (raw bytes a client library would refuse to send):
/// header injection, lying and conflicting lengths, request smuggling shapes, truncated requests;
/// plus SSRF and path traversal through the Frobs provider's URLs, and replayed signatures.
@Suite(.serialized) struct HostileProtocolTests {
    /// A raw request and the statuses it may get (0: the server closed without answering, which
    /// is right for bytes that are not HTTP).
    struct RawCase: Sendable, CustomStringConvertible {
        var name: String
        var request: String
        var expect: Set<Int>
        /// The client stops sending mid-request (half-closes the connection).
        var truncated = false
        var description: String { name }
    }

    static func rawCases() -> [RawCase] {
        let host = "Host: 127.0.0.1\r\n"
        let json = "content-type: application/json\r\n"
        let body = #"{"type":"add","id":"raw"}"#
        return [
            RawCase(name: "request-id-injection", request: "GET /api/catalog/entities HTTP/1.1\r\n\(host)x-request-id: a\r\nSet-Cookie: evil=1\r\nConnection: close\r\n\r\n", expect: [200]),
            RawCase(name: "request-id-bare-lf", request: "GET /api/catalog/entities HTTP/1.1\r\n\(host)x-request-id: a\nSet-Cookie: evil=1\r\nConnection: close\r\n\r\n", expect: [0, 200, 400]),
            RawCase(name: "request-id-bare-cr", request: "GET /api/catalog/entities HTTP/1.1\r\n\(host)x-request-id: a\rSet-Cookie: evil=1\r\nConnection: close\r\n\r\n", expect: [0, 200, 400]),
            RawCase(name: "link-header-injection", request: "GET /api/catalog/entities?limit=1&x=%0D%0ASet-Cookie:%20evil=1 HTTP/1.1\r\n\(host)Connection: close\r\n\r\n", expect: [200]),
            RawCase(name: "content-length-short", request: "POST /api/events/http/frobs HTTP/1.1\r\n\(host)\(json)Content-Length: 10\r\nConnection: close\r\n\r\n{\"a\"", expect: [0, 400], truncated: true),
            RawCase(name: "content-length-negative", request: "POST /api/events/http/frobs HTTP/1.1\r\n\(host)\(json)Content-Length: -1\r\nConnection: close\r\n\r\n\(body)", expect: [0, 400]),
            RawCase(name: "content-length-twice", request: "POST /api/events/http/frobs HTTP/1.1\r\n\(host)\(json)Content-Length: 3\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)", expect: [0, 400]),
            RawCase(name: "smuggling-cl-te", request: "POST /api/events/http/frobs HTTP/1.1\r\n\(host)\(json)Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\n\(host)\r\n", expect: [0, 400]),
            RawCase(name: "chunked-bad-size", request: "POST /api/events/http/frobs HTTP/1.1\r\n\(host)\(json)Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", expect: [0, 400], truncated: true),
            RawCase(name: "chunked-over-topic-limit", request: "POST /api/events/http/small HTTP/1.1\r\n\(host)\(json)Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + String(repeating: "20\r\n" + String(repeating: " ", count: 32) + "\r\n", count: 4) + "0\r\n\r\n", expect: [413]),
            RawCase(name: "content-length-lies-over-limit", request: "POST /api/events/http/small HTTP/1.1\r\n\(host)\(json)Content-Length: 100000\r\nConnection: close\r\n\r\n{}", expect: [413]),
            RawCase(name: "truncated-head", request: "POST /api/events/http/frobs HTTP/1.1\r\n\(host)content-ty", expect: [0, 400], truncated: true),
            RawCase(name: "not-http", request: "\u{16}\u{03}\u{01}\u{02}\u{00}\u{01}\u{00}\u{01}\u{fc}\u{03}\u{03}", expect: [0, 400], truncated: true),
            RawCase(name: "http-0.9", request: "GET /metrics\r\n\r\n", expect: [0, 400, 401]),
            RawCase(name: "bad-version", request: "GET / HTTP/7.0\r\n\(host)Connection: close\r\n\r\n", expect: [0, 400, 505]),
            RawCase(name: "huge-header", request: "GET / HTTP/1.1\r\n\(host)x-big: \(String(repeating: "a", count: 200_000))\r\nConnection: close\r\n\r\n", expect: [0, 400, 431]),
            RawCase(name: "many-headers", request: "GET /api/catalog/entities HTTP/1.1\r\n\(host)" + String(repeating: "x-h: 1\r\n", count: 5000) + "Connection: close\r\n\r\n", expect: [0, 200, 400, 431]),
            RawCase(name: "absolute-uri-other-host", request: "GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n", expect: [0, 400, 404]),
            RawCase(name: "authorization-crlf", request: "GET /api/events/topics HTTP/1.1\r\n\(host)Authorization: Bearer \(HostileCorpus.token)\rx\r\nConnection: close\r\n\r\n", expect: [0, 400, 401]),
            RawCase(name: "nul-in-path", request: "GET /api/catalog/entities\u{0}x HTTP/1.1\r\n\(host)Connection: close\r\n\r\n", expect: [0, 400, 404]),
        ]
    }

    @Test func rawRequestsGetA4xxOrAClosedConnectionNeverA5xxOrAnInjectedHeader() async throws {
        let provider = TestProvider(name: "examples")
        try await FakeHTTPServer.with(HostileUpstream.handler) { _, upstream in
            try await LiveServer.with(yaml: HostileCorpus.config(upstreamPort: upstream), providers: [provider]) { server in
                _ = try await provider.apply(.full(EntityFactory.deferred(try Fixtures.exampleEntities())))
                let before = try await HostileInputTests.snapshot(server)
                for item in Self.rawCases() {
                    let answer = try await RawHTTP.send(port: server.port, item.request, closeWrite: item.truncated)
                    #expect(item.expect.contains(answer.status), "\(item): \(answer.head.prefix(300))")
                    #expect(answer.status < 500, "\(item)")
                    let names = answer.head.lowercased().split(separator: "\r\n").dropFirst().map { $0.prefix { $0 != ":" } }
                    #expect(!names.contains("set-cookie"), "\(item): an injected header came back")
                    #expect(!answer.body.contains(HostileCorpus.token), "\(item): the token came back")
                }
                #expect(try await server.get("/.backstage/health/v1/liveness").status == 200)
                let after = try await HostileInputTests.snapshot(server)
                #expect(after.entities == before.entities)
                #expect(after.events == before.events)
            }
        }
    }

    /// Frobs event ids are substituted into `eventUrl` as one percent-encoded path segment, so
    /// no id leaves `/frobs/`; a redirect to the metadata address is refused and the delivery
    /// ends as a dead letter that says so, with nothing in the catalog.
    @Test func frobsEventIdsCannotTraverseOrRedirectTheReader() async throws {
        let ids = ["../../admin", "..", "%2e%2e%2fadmin", "a/b", "@169.254.169.254", "x?y=1#z", "\\..\\..\\win", "redirect-out",
                   "http://169.254.169.254/", "\u{0}", String(repeating: "l", count: 2000)]
        try await FakeHTTPServer.with(HostileUpstream.handler) { fake, upstream in
            try await LiveServer.with(yaml: HostileCorpus.config(upstreamPort: upstream)) { server in
                for (index, id) in ids.enumerated() {
                    let body = JSONValue.object(["type": "add", "id": .string(id)]).canonicalString()
                    let reply = try await server.request(.POST, "/api/events/http/frobs", body: body,
                                                         headers: [("content-type", "application/json"), ("idempotency-key", "frobs-\(index)")])
                    #expect(reply.status == 202)
                }
                let bearer = [("authorization", "Bearer \(HostileCorpus.token)")]
                // Every event fails its two attempts (404 upstream, or refused) and is parked.
                let parked = try await eventually {
                    let letters = try await server.request(.GET, "/api/events/dead-letters?limit=1000", headers: bearer)
                    return (try letters.json().arrayValue?.count ?? 0) >= ids.count
                }
                #expect(parked)
                for request in fake.requests where !request.path.hasPrefix("/envs/") {
                    let rest = request.path.dropFirst("/frobs/".count)
                    #expect(request.path.hasPrefix("/frobs/"), "the reader left /frobs/: \(request.path)")
                    #expect(!rest.contains("/"), "an id became more than one segment: \(request.path)")
                }
                let letters = try await server.request(.GET, "/api/events/dead-letters?limit=1000", headers: bearer).text
                #expect(letters.contains("not allowed"), "the redirect to the metadata address was not refused")
                let entities = try await server.request(.GET, "/api/catalog/entities?filter=spec.type=frob", headers: bearer)
                #expect(try entities.json() == [])
                #expect(try await server.get("/.backstage/health/v1/liveness").status == 200)
            }
        }
    }

    /// A captured signed delivery sent again is acknowledged once: the same event id, marked
    /// duplicate, stored once; its signature on any other body is refused.
    @Test func aReplayedSignedDeliveryIsStoredOnce() async throws {
        try await LiveServer.with(yaml: HostileCorpus.config(upstreamPort: 1)) { server in
            let body = Array(#"{"delivery":{"id":"replay-1"},"n":1}"#.utf8)
            let signature = "sha256=" + HostileCorpus.hmac(body, HostileCorpus.partnerSecrets[1])
            let headers = [("content-type", "application/json"), ("x-signature", signature)]
            let first = try await server.request(.POST, "/api/events/http/partners", bytes: body, headers: headers)
            let second = try await server.request(.POST, "/api/events/http/partners", bytes: body, headers: headers)
            #expect(first.status == 202)
            #expect(second.status == 202)
            #expect(try second.json()["duplicate"] == .bool(true))
            #expect(try first.json()["eventId"] == second.json()["eventId"])
            let other = Array(#"{"delivery":{"id":"replay-2"},"n":1}"#.utf8)
            #expect(try await server.request(.POST, "/api/events/http/partners", bytes: other, headers: headers).status == 403)
            let stored = try await server.request(.GET, "/api/events/events?topic=partners",
                                                  headers: [("authorization", "Bearer \(HostileCorpus.token)")])
            #expect(try stored.json().arrayValue?.count == 1)
        }
    }
}
