import CallboardTesting
import CatalogModel
import Foundation
import Synchronization
import Testing
import UrlReader

/// Issue 7, faults: an upstream that accepts the connection and never answers. The Frobs
/// provider's read runs into the URL reader's timeout (SPEC §6), the delivery is retried
/// (SPEC §3.4), and after `maxAttempts` the event is parked as a dead letter with the timeout as
/// its error; other events keep flowing, and a replay once the upstream answers again delivers it.
@Suite struct FaultHangingUpstreamTests {
    /// An upstream that hangs on `/sources/hang/…` until released, and answers everything else.
    final class HangingUpstream: Sendable {
        private let released = Atomic<Bool>(false)

        func release() { released.store(true, ordering: .relaxed) }

        func reply(_ request: FakeHTTPServer.Request) async -> FakeHTTPServer.Reply {
            let parts = request.path.split(separator: "/")
            guard parts.count == 3, parts[0] == "sources", parts[2] == "data" else { return .init(status: 404) }
            if parts[1] == "hang" {
                // Never answers while hanging (bounded, so the fake server can always stop).
                for _ in 0..<6_000 where !released.load(ordering: .relaxed) {
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            return .init(status: 200, headers: [("content-type", "application/json")],
                         text: #"{"frobs":[{"name":"frob-\#(parts[1])","owner":"team-faults"}]}"#)
        }
    }

    @Test func aHangingUpstreamTimesOutIsRetriedThenDeadLettered() async throws {
        let upstream = HangingUpstream()
        try await FakeHTTPServer.with({ await upstream.reply($0) }) { fake, port in
            defer { upstream.release() }
            // The real HTTP URL reader, with a small timeout.
            let reader = HTTPUrlReader(allowList: ReadingAllowList(rules: [ReadingAllowRule(host: "127.0.0.1", ports: port...port)]),
                                       timeout: .milliseconds(200))
            defer { Task { try? await reader.shutdown() } }
            try await LiveServer.with(yaml: FrobsFlowTests.config(simulatorPort: port, maxAttempts: 3), reader: reader) { server in
                let hang = try await server.post("/api/events/http/frobs", body: #"{"type":"add","id":"hang"}"#)
                #expect(hang.status == 202)
                #expect(try await eventually(seconds: 60) {
                    try await server.get("/api/events/dead-letters").json().arrayValue?.count == 1
                })
                let letter = try #require(try await server.get("/api/events/dead-letters").json()[0])
                #expect(letter["subscriber"] == "frobs-test")
                #expect(letter["attempts"] == 3)
                let error = letter["lastError"]?.stringValue ?? ""
                #expect(error.contains("timed out"), "dead letter's error: \(error)")
                // Three attempts; each read that reached the upstream was never answered (on a
                // loaded machine an attempt can time out before its request even arrives).
                let reads = fake.requests.filter { $0.path == "/sources/hang/data" }.count
                #expect((1...3).contains(reads), "reads that reached the upstream: \(reads)")

                // The subscriber moved on: the next event is delivered.
                #expect(try await server.post("/api/events/http/frobs", body: #"{"type":"add","id":"next"}"#).status == 202)
                #expect(try await eventually {
                    try await server.get("/api/catalog/entities/by-name/component/default/frob-next").status == 200
                })

                // The upstream answers again: a replay delivers the parked event.
                upstream.release()
                let id = try #require(letter["id"]).canonicalString()
                #expect(try await server.request(.POST, "/api/events/dead-letters/\(id)/replay").status == 202)
                #expect(try await eventually {
                    try await server.get("/api/catalog/entities/by-name/component/default/frob-hang").status == 200
                })
            }
        }
    }
}
