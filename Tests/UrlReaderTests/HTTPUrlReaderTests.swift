import Foundation
import Hummingbird
import Synchronization
import Testing
import UrlReader

/// SPEC §6 against a real HTTP server on loopback (allowed explicitly by its rule).
@Suite struct HTTPUrlReaderTests {
    /// Runs a small upstream on a free loopback port while `body` runs.
    func withUpstream(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("data") { request, _ -> Response in
            if request.headers[.ifNoneMatch] == "\"v1\"" { return Response(status: .notModified) }
            return Response(status: .ok, headers: [.eTag: "\"v1\"", .lastModified: "Sat, 28 Nov 2026 10:00:00 GMT"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"frobs":[]}"#)))
        }
        router.get("missing") { _, _ -> Response in Response(status: .notFound) }
        router.get("broken") { _, _ -> Response in Response(status: .serviceUnavailable) }
        router.get("big") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x61, count: 4096)))
        }
        router.get("slow") { _, _ -> Response in
            try await Task.sleep(for: .seconds(60))
            return Response(status: .ok)
        }
        router.get("hop") { request, _ -> Response in
            let target = request.uri.queryParameters["to"].map(String.init) ?? "/data"
            return Response(status: .found, headers: [.location: target])
        }
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var bound: Int?
            for _ in 0..<200 {
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try await body(try #require(bound))
            group.cancelAll()
        }
    }

    func reader(_ rules: [ReadingAllowRule], timeout: Duration = .seconds(20), maxBytes: Int = 1024) -> HTTPUrlReader {
        HTTPUrlReader(allowList: ReadingAllowList(rules: rules), timeout: timeout, maxBytes: maxBytes)
    }

    static let loopback = [ReadingAllowRule(pattern: "127.0.0.1:1-65535")!]

    @Test func readsWithEtagAndNotModified() async throws {
        try await withUpstream { port in
            let reader = reader(Self.loopback)
            let first = try await reader.readUrl("http://127.0.0.1:\(port)/data")
            #expect(String(decoding: first.bytes, as: UTF8.self) == #"{"frobs":[]}"#)
            #expect(first.etag == "\"v1\"")
            #expect(first.lastModifiedAt != nil)
            await #expect(throws: UrlReaderError(.notModified, "")) {
                try await reader.readUrl("http://127.0.0.1:\(port)/data", etag: first.etag, lastModifiedAfter: nil)
            }
            try await reader.shutdown()
        }
    }

    @Test func notFoundServerErrorsTooLargeAndTimeout() async throws {
        try await withUpstream { port in
            let reader = reader(Self.loopback)
            await #expect(throws: UrlReaderError(.notFound, "")) { try await reader.readUrl("http://127.0.0.1:\(port)/missing") }
            await #expect(throws: UrlReaderError(.failed, "")) { try await reader.readUrl("http://127.0.0.1:\(port)/broken") }
            await #expect(throws: UrlReaderError(.tooLarge, "")) { try await reader.readUrl("http://127.0.0.1:\(port)/big") }
            try await reader.shutdown()
            // The upstream never answers /slow (it waits a minute), so only the timeout can end it.
            let impatient = self.reader(Self.loopback, timeout: .seconds(1))
            await #expect(throws: UrlReaderError(.timeout, "")) { try await impatient.readUrl("http://127.0.0.1:\(port)/slow") }
            try await impatient.shutdown()
        }
    }

    @Test func redirectsAreFollowedOnlyToAllowedTargets() async throws {
        try await withUpstream { port in
            let reader = reader(Self.loopback)
            let hopped = try await reader.readUrl("http://127.0.0.1:\(port)/hop?to=/data")
            #expect(hopped.etag == "\"v1\"")
            let metadata = "http://169.254.169.254/latest/meta-data/"
            await #expect(throws: UrlReaderError(.notAllowed, "")) {
                try await reader.readUrl("http://127.0.0.1:\(port)/hop?to=\(metadata)")
            }
            try await reader.shutdown()
        }
    }

    @Test(arguments: [
        "http://example.com/data", "file:///etc/passwd", "ftp://127.0.0.1/x", "http://localhost:7007/x",
        "http://169.254.169.254/latest", "http://[::1]:80/", "not a url",
    ])
    func disallowedTargets(url: String) async throws {
        let reader = reader([ReadingAllowRule(pattern: "127.0.0.1:1-65535")!, ReadingAllowRule(pattern: "*.example.org")!])
        await #expect(throws: UrlReaderError(.notAllowed, "")) { try await reader.readUrl(url) }
        try await reader.shutdown()
    }

    @Test func wildcardRulesDoNotReachLoopbackThroughDNS() async throws {
        // `localhost` resolves to loopback: a rule naming it through a pattern is not enough.
        let reader = reader([ReadingAllowRule(host: "*.localhost", ports: 1...65535)])
        await #expect(throws: UrlReaderError(.notAllowed, "")) { try await reader.readUrl("http://api.localhost:8080/x") }
        try await reader.shutdown()
    }

    @Test(arguments: [
        ("example.com", "https://example.com/a", true),
        ("example.com", "https://example.com:8443/a", false),
        ("example.com:443", "https://example.com/a", true),
        ("example.com:8000-9000", "http://example.com:8500/a", true),
        ("example.com:8000-9000", "http://example.com/a", false),
        ("*.example.com", "https://api.example.com/a", true),
        ("*.example.com", "https://example.com/a", false),
        ("*.example.com", "https://evilexample.com/a", false),
    ])
    func allowRules(pattern: String, url: String, allowed: Bool) throws {
        let list = ReadingAllowList(rules: [try #require(ReadingAllowRule(pattern: pattern))])
        #expect((list.rule(for: URL(string: url)!) != nil) == allowed)
    }

    @Test func pathPrefixesUseTheNormalisedPath() {
        let list = ReadingAllowList(rules: [ReadingAllowRule(host: "example.com", paths: ["/data"])])
        #expect(list.rule(for: URL(string: "https://example.com/data/x.json")!) != nil)
        #expect(list.rule(for: URL(string: "https://example.com/data/../secret")!) == nil)
        #expect(list.rule(for: URL(string: "https://example.com/other")!) == nil)
    }

    @Test(arguments: [
        ("42", "42"), ("a/b", "a%2Fb"), ("..", "%2E%2E"), (".", "%2E"), ("x y", "x%20y"), ("é", "%C3%A9"), ("?#", "%3F%23"),
    ])
    func templateValuesArePathSegments(value: String, encoded: String) {
        #expect(URLTemplate.encodeSegment(value) == encoded)
        #expect(URLTemplate.expand("https://frobs-{id}.example.com/data", ["id": value])
            == "https://frobs-\(encoded).example.com/data")
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("[::1]", true), ("169.254.169.254", true),
        ("fe80::1", true), ("0.0.0.0", true), ("::ffff:127.0.0.1", true), ("localhost", true),
        ("10.0.0.1", false), ("93.184.216.34", false), ("2001:db8::1", false),
    ])
    func sensitiveAddresses(address: String, sensitive: Bool) {
        #expect(AddressPolicy.isSensitive(address) == sensitive)
    }
}
