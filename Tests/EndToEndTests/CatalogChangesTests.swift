import AsyncHTTPClient
import CallboardTesting
import Catalog
import CatalogModel
import Events
import Synchronization
import Testing

/// SPEC §4.5: committed changes stream over SSE (resumable with Last-Event-ID) and are published
/// on the `catalog.entity.changed` topic.
@Suite struct CatalogChangesTests {
    typealias F = EntityFactory

    /// Reads SSE text from `path` until `done` says the text is complete.
    func read(_ server: LiveServer, _ path: String, headers: [(String, String)] = [],
              after start: @Sendable () async throws -> Void, until done: (String) -> Bool) async throws -> String {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await server.client.execute(request, timeout: .seconds(30))
        #expect(response.status.code == 200)
        var text = ""
        var started = false
        for try await chunk in response.body {
            text += String(buffer: chunk)
            if !started, text.contains(": connected") {
                started = true
                try await start()
            }
            if done(text) { break }
        }
        return text
    }

    @Test func changesStreamLiveAndResumeAfterLastEventID() async throws {
        let provider = TestProvider(name: "p")
        try await LiveServer.with(providers: [provider]) { server in
            let live = try await read(server, "/api/catalog/changes", after: {
                try await provider.apply(.full(F.deferred([F.group("team-a"), F.component("svc", owner: "team-a")])))
            }, until: { $0.components(separatedBy: "event: added").count - 1 >= 2 })
            #expect(live.contains("component:default/svc"))
            #expect(live.contains("group:default/team-a"))
            #expect(live.contains("id: 1"))

            let resumed = try await read(server, "/api/catalog/changes", headers: [("Last-Event-ID", "2")], after: {
                try await provider.apply(.full(F.deferred([F.group("team-a")])))
            }, until: { $0.contains("event: removed") && $0.contains("event: updated") })
            #expect(!resumed.contains("event: added"))
            #expect(resumed.contains("\"type\":\"removed\""))
            #expect(resumed.contains("component:default/svc"))

            let bad = try await server.get("/api/catalog/changes?after=minus-one")
            #expect(bad.status == 400)
        }
    }

    @Test func changesArePublishedAsEvents() async throws {
        let provider = TestProvider(name: "p")
        try await LiveServer.with(providers: [provider]) { server in
            let seen = Mutex<[JSONValue]>([])
            try await server.application.events.subscribe(id: "test-changes", topics: ["catalog.entity.changed"]) { event in
                seen.withLock { $0.append(event.eventPayload) }
            }
            try await provider.apply(.delta(added: F.deferred([F.component("a")]), removed: []))
            for _ in 0..<1000 where seen.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
            let first = try #require(seen.withLock { $0.first })
            #expect(first["type"] == "added")
            #expect(first["entityRef"] == "component:default/a")
            #expect(first["provider"] == "p")
        }
    }

    /// A provider that syncs as soon as it is connected (as Backstage's do) commits before the
    /// server's services run: its changes are still published.
    @Test func changesCommittedWhileStartingArePublished() async throws {
        let provider = SyncsOnConnect(name: "eager", entities: F.deferred([F.component("early")]))
        try await LiveServer.with(providers: [provider]) { server in
            var published: [JSONValue] = []
            for _ in 0..<1000 {
                published = try await server.application.events.log
                    .recentEvents(topic: "catalog.entity.changed", before: nil, limit: 10)
                    .map { try JSONParser.parse($0.payload) }
                if !published.isEmpty { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(published.map { $0["entityRef"] } == ["component:default/early"])
            #expect(published.first?["provider"] == "eager")
        }
    }
}

/// Applies a full mutation inside `connect`, before the server's services start.
private struct SyncsOnConnect: EntityProvider {
    let name: String
    let entities: [DeferredEntity]

    func connect(_ connection: any EntityProviderConnection) async throws {
        try await connection.applyMutation(.full(entities))
    }
}
