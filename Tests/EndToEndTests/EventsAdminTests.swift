import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Events
import Foundation
import NIOCore
import Synchronization
import Testing

/// The events admin routes over HTTP: subscriptions, pause/resume, recent events, dead letters
/// with replay and delete, the live stream.
@Suite struct EventsAdminTests {
    static let config = """
        events:
          http:
            topics: [frobs]
          delivery: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 20ms }
        """

    struct Upstream: Error, CustomStringConvertible {
        var description: String { "frobs upstream answered 503" }
    }

    func post(_ server: LiveServer, _ body: String) async throws -> LiveServer.Reply {
        try await server.request(.POST, "/api/events/http/frobs", body: body, headers: [("content-type", "application/json")])
    }


    @Test func deadLettersCanBeListedReplayedAndDeleted() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let healthy = Atomic<Bool>(false)
            let received = Mutex<[JSONValue]>([])
            try await server.application.events.subscribe(id: "frobs-provider", topics: ["frobs"]) { event in
                guard healthy.load(ordering: .relaxed) else { throw Upstream() }
                received.withLock { $0.append(event.eventPayload) }
            }
            #expect(try await post(server, #"{"id":"1"}"#).status == 202)
            #expect(try await post(server, #"{"id":"2"}"#).status == 202)
            #expect(try await eventually { try await server.get("/api/events/dead-letters").json().arrayValue?.count == 2 })
            let letters = try await server.get("/api/events/dead-letters?subscriber=frobs-provider").json()
            #expect(letters[0]?["lastError"] == "frobs upstream answered 503")
            #expect(letters[0]?["attempts"] == 2)
            let subscriptions = try await server.get("/api/events/subscriptions").json()
            let provider = try #require(subscriptions.arrayValue?.first { $0["id"] == "frobs-provider" })
            #expect(provider["deadLetters"] == 2)
            #expect(provider["lag"] == 0)
            #expect(provider["lastError"] == "frobs upstream answered 503")

            let firstID = try #require(letters[0]?["id"])
            let secondID = try #require(letters[1]?["id"])
            #expect(try await server.request(.DELETE, "/api/events/dead-letters/\(secondID.canonicalString())").status == 204)
            #expect(try await server.request(.DELETE, "/api/events/dead-letters/\(secondID.canonicalString())").status == 404)
            healthy.store(true, ordering: .relaxed)
            let replay = try await server.post("/api/events/dead-letters/\(firstID.canonicalString())/replay", body: "")
            #expect(replay.status == 202)
            #expect(try await eventually { received.withLock { $0.count } == 1 })
            #expect(received.withLock { $0 } == [["id": "1"]])
            #expect(try await eventually { try await server.get("/api/events/dead-letters").json() == [] })
            #expect(try await server.post("/api/events/dead-letters/999/replay", body: "").status == 404)
        }
    }

    @Test func pausingKeepsEventsForLaterAndUnknownSubscribersAre404() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            let received = Mutex<Int>(0)
            try await server.application.events.subscribe(id: "pausable", topics: ["frobs"]) { _ in
                received.withLock { $0 += 1 }
            }
            #expect(try await server.post("/api/events/subscriptions/pausable/pause", body: "").status == 200)
            for index in 0..<3 { _ = try await post(server, "{\"id\":\"\(index)\"}") }
            #expect(try await eventually {
                try await server.get("/api/events/subscriptions").json().arrayValue?.first { $0["id"] == "pausable" }?["lag"] == 3
            })
            #expect(received.withLock { $0 } == 0)
            #expect(try await server.post("/api/events/subscriptions/pausable/resume", body: "").status == 200)
            #expect(try await eventually { received.withLock { $0 } == 3 })
            #expect(try await server.post("/api/events/subscriptions/nobody/pause", body: "").status == 404)
        }
    }

    @Test func recentEventsAndTopicsDescribeTheLog() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            for index in 0..<5 { _ = try await post(server, "{\"id\":\"\(index)\"}") }
            let recent = try await server.get("/api/events/events?topic=frobs&limit=2").json()
            #expect(recent.arrayValue?.count == 2)
            let newest = try #require(recent[0]?["position"]?.canonicalString())
            #expect(recent[0]?["topic"] == "frobs")
            let older = try await server.get("/api/events/events?topic=frobs&limit=10&after=\(newest)").json()
            #expect(older.arrayValue?.count == 4)
            let topics = try await server.get("/api/events/topics").json()
            let frobs = try #require(topics.arrayValue?.first { $0["topic"] == "frobs" })
            #expect(frobs["ingress"] == true)
            #expect(frobs["storedEvents"] == 5)
            #expect(try await server.get("/api/events/events/not-an-id").status == 404)
        }
    }

    @Test func theLiveStreamShowsAppendsAndDeliveries() async throws {
        try await LiveServer.with(yaml: Self.config) { server in
            try await server.application.events.subscribe(id: "watcher", topics: ["frobs"]) { _ in }
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/events/stream")
            let response = try await server.client.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            var text = ""
            var posted = false
            for try await chunk in response.body {
                text += String(buffer: chunk)
                if !posted, text.contains(": connected") {
                    posted = true
                    _ = try await post(server, #"{"id":"live"}"#)
                }
                if text.contains("event: delivered") { break }
            }
            #expect(text.contains("event: appended"))
            #expect(text.contains("\"subscriber\":\"watcher\""))
        }
    }
}
