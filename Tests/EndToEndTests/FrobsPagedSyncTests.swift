import CallboardTesting
import CatalogModel
import Foundation
import Synchronization
import Testing

/// A Frobs upstream that pages its full-sync data (`"next"`): the provider streams the pages into
/// one full mutation, and a page that fails leaves the catalog as it was.
@Suite(.serialized) struct FrobsPagedSyncTests {
    /// Pages `/page/1` … `/page/{pages}` of `perPage` frobs each; `failing` answers 500.
    final class PagedUpstream: Sendable {
        let pages: Int
        let perPage: Int
        private let failing = Mutex<Int?>(nil)

        init(pages: Int, perPage: Int) {
            self.pages = pages
            self.perPage = perPage
        }

        func fail(page: Int?) { failing.withLock { $0 = page } }

        func reply(_ request: FakeHTTPServer.Request, port: Int) -> FakeHTTPServer.Reply {
            let parts = request.path.split(separator: "/")
            guard parts.count == 2, parts[0] == "page", let page = Int(parts[1]), (1...pages).contains(page) else {
                return .init(status: 404, text: "no such page")
            }
            if failing.withLock({ $0 }) == page { return .init(status: 500, text: "page broken") }
            let frobs = (0..<perPage).map { index in
                #"{"name":"frob-\#(page)-\#(index)","owner":"team-pages"}"#
            }
            let next = page < pages ? #""http://127.0.0.1:\#(port)/page/\#(page + 1)""# : "null"
            return .init(status: 200, headers: [("content-type", "application/json")],
                         text: #"{"frobs":[\#(frobs.joined(separator: ","))],"next":\#(next)}"#)
        }
    }

    static func config(port: Int) -> String {
        """
        backend:
          reading:
            allow: [{ host: '127.0.0.1:\(port)' }]
        catalog:
          providers:
            frobs:
              test:
                url: http://127.0.0.1:\(port)/page/1
                eventUrl: http://127.0.0.1:\(port)/sources/{id}/data
                schedule: { frequency: 1h, timeout: 1m, initialDelay: 1h }
        """
    }

    static func count(_ server: LiveServer) async throws -> Int? {
        guard case .int(let total)? = try await server.get(
            "/api/catalog/entities/by-query?limit=1&filter=spec.owner=team-pages").json()["totalItems"] else { return nil }
        return Int(total)
    }

    static func syncAndWait(_ server: LiveServer) async throws -> JSONValue? {
        let before = try await server.get("/api/catalog/.backstage/scheduler/v1/tasks").json()["tasks"]?[0]?["taskState"]?["lastRunEndedAt"]
        #expect(try await server.request(.POST, "/api/catalog/.backstage/scheduler/v1/tasks/frobs-test/trigger").status == 200)
        var state: JSONValue?
        #expect(try await eventually(seconds: 60) {
            state = try await server.get("/api/catalog/.backstage/scheduler/v1/tasks").json()["tasks"]?[0]?["taskState"]
            return state?["status"] == "idle" && state?["lastRunEndedAt"] != nil && state?["lastRunEndedAt"] != before
        })
        return state
    }

    @Test func everyPageLandsInOneFullMutationAndABrokenPageChangesNothing() async throws {
        let upstream = PagedUpstream(pages: 5, perPage: 700)
        let port = Mutex(0)
        try await FakeHTTPServer.with({ request in upstream.reply(request, port: port.withLock { $0 }) }) { server, bound in
            port.withLock { $0 = bound }
            try await LiveServer.with(yaml: Self.config(port: bound)) { callboard in
                _ = try await Self.syncAndWait(callboard)
                #expect(try await Self.count(callboard) == 3_500)
                #expect(try await callboard.get("/api/catalog/entities/by-name/component/default/frob-5-699").status == 200)
                #expect(server.requests.filter { $0.path.hasPrefix("/page/") }.count == 5)

                // Page 4 breaks: the sync fails as a whole, the 3,500 frobs stay.
                upstream.fail(page: 4)
                let failed = try await Self.syncAndWait(callboard)
                #expect(failed?["lastRunError"] != nil, "the failed page fails the run: \(String(describing: failed))")
                #expect(try await Self.count(callboard) == 3_500)
            }
        }
    }
}
