import Foundation
import Hummingbird
import Synchronization
import Testing
import UrlReader

/// SPEC §6 "checked against the resolved address", against DNS rebinding: the reader resolves a
/// name once, checks every address, and connects to a checked one. The names here are resolved
/// by an injected resolver (no /etc/hosts, no DNS): `.test` names do not resolve on their own,
/// so a read that reaches the loopback upstream through one proves the connection went to the
/// address the check saw.
@Suite struct DNSRebindingTests {
    /// Requests the upstream received, by their `Host` header.
    final class Seen: Sendable {
        private let hosts = Mutex<[String]>([])
        func add(_ host: String) { hosts.withLock { $0.append(host) } }
        var all: [String] { hosts.withLock { $0 } }
    }

    /// A resolver that answers from a script, one answer per call (the last repeats), and
    /// counts its calls.
    final class ScriptedResolver: Sendable {
        private let state: Mutex<(answers: [String: [[String]]], calls: Int)>
        init(_ answers: [String: [[String]]]) { state = Mutex((answers, 0)) }
        var calls: Int { state.withLock { $0.calls } }
        func resolve(_ host: String) -> [String] {
            state.withLock { state in
                let call = state.calls
                state.calls += 1
                guard let answers = state.answers[host], !answers.isEmpty else { return [] }
                return answers[min(call, answers.count - 1)]
            }
        }
    }

    /// Runs an upstream on a free loopback port that answers `/data` and records each request's
    /// `Host`, while `body` runs.
    func withUpstream(_ body: @Sendable (Int, Seen) async throws -> Void) async throws {
        let seen = Seen()
        let router = Router()
        router.get("data") { request, _ -> Response in
            seen.add(request.head.authority ?? "")
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "upstream")))
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
            try await body(try #require(bound), seen)
            group.cancelAll()
        }
    }

    func reader(_ patterns: [String], _ resolver: ScriptedResolver, timeout: Duration = .seconds(20)) -> HTTPUrlReader {
        HTTPUrlReader(allowList: ReadingAllowList(rules: patterns.map { ReadingAllowRule(pattern: $0)! }),
                      timeout: timeout, resolver: { resolver.resolve($0) })
    }

    @Test func aNameResolvingToLoopbackIsRefusedUnlessItsAddressIsAllowedExplicitly() async throws {
        try await withUpstream { port, seen in
            let resolver = ScriptedResolver(["files.inward.test": [["127.0.0.1"]]])
            let url = "http://files.inward.test:\(port)/data"
            // Allowed by name (explicitly, or by a wildcard), but the name points inwards.
            for rules in [["files.inward.test:\(port)"], ["*.inward.test:\(port)"], ["*.inward.test:\(port)", "127.0.0.1:1"]] {
                let reader = reader(rules, resolver)
                await #expect(throws: UrlReaderError(.notAllowed, "")) { try await reader.readUrl(url) }
                try await reader.shutdown()
            }
            #expect(seen.all.isEmpty)

            // With the loopback address itself allowed on that port, the name may point at it,
            // and the reader connects there (the name alone resolves nowhere) with the name as Host.
            let reader = reader(["files.inward.test:\(port)", "127.0.0.1:\(port)"], resolver)
            let read = try await reader.readUrl(url)
            #expect(String(decoding: read.bytes, as: UTF8.self) == "upstream")
            #expect(seen.all == ["files.inward.test:\(port)"])
            try await reader.shutdown()
        }
    }

    @Test func theRealResolverRefusesNumericShorthandsForLoopback() async throws {
        // getaddrinfo turns `127.1` and `2130706433` into 127.0.0.1 with no DNS and no /etc/hosts.
        try await withUpstream { port, seen in
            for host in ["127.1", "2130706433"] {
                let reader = HTTPUrlReader(allowList: ReadingAllowList(rules: [ReadingAllowRule(pattern: "\(host):\(port)")!]))
                await #expect(throws: UrlReaderError(.notAllowed, "")) { try await reader.readUrl("http://\(host):\(port)/data") }
                try await reader.shutdown()
            }
            #expect(seen.all.isEmpty)
        }
    }

    @Test func aNameIsResolvedOnceAndConnectedToTheAddressThatWasChecked() async throws {
        // DNS rebinding: the answer at check time is public (TEST-NET-3, unreachable), every
        // later answer is loopback. `127.1` is used as the name because getaddrinfo (what a
        // second resolution when connecting would use) turns it into 127.0.0.1: a reader that
        // resolved again would reach the loopback upstream.
        try await withUpstream { port, seen in
            let resolver = ScriptedResolver(["127.1": [["203.0.113.7"], ["127.0.0.1"]]])
            let reader = reader(["127.1:\(port)"], resolver, timeout: .seconds(2))
            do {
                _ = try await reader.readUrl("http://127.1:\(port)/data")
                Issue.record("the read reached an upstream")
            } catch let error as UrlReaderError {
                #expect(error.code == .timeout || error.code == .failed, "\(error)")
            }
            #expect(resolver.calls == 1)
            #expect(seen.all.isEmpty, "the connection went to loopback, not to the checked address")
            try await reader.shutdown()
        }
    }
}
