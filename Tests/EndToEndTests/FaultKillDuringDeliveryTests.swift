import CallboardTesting
import CatalogModel
import Foundation
import Synchronization
import Testing

/// Issue 7, faults: `kill -9` while events are being delivered (SPEC §3.4 at-least-once). A real
/// `callboard serve` process acknowledges Frobs webhooks; the Frobs provider reads a slow fake
/// upstream for each one, and the process is killed while such a read is in flight. After a
/// restart every acknowledged event is delivered (its frob is in the catalog), none is parked,
/// an idempotency key seen before the crash is still a duplicate, and the store passes the
/// backend's consistency check (``FaultWorkspace/consistencyCheck()``). On SQLite and PostgreSQL
/// (where the restarted instance may first wait out the killed one's delivery leases, up to 30 s).
@Suite(.serialized) struct FaultKillDuringDeliveryTests {
    static let events = 40

    /// A Frobs upstream whose per-event reads take a while until `fast` is set; it counts reads
    /// started, finished and in flight.
    final class SlowUpstream: Sendable {
        private let state = Mutex<(started: Int, finished: Int, fast: Bool, ids: Set<String>)>((0, 0, false, []))

        var started: Int { state.withLock { $0.started } }
        var inFlight: Int { state.withLock { $0.started - $0.finished } }
        var idsRead: Set<String> { state.withLock { $0.ids } }
        func goFast() { state.withLock { $0.fast = true } }

        func reply(_ request: FakeHTTPServer.Request) async -> FakeHTTPServer.Reply {
            // `/sources/{id}/data`; the full sync's `/envs/test/data` is down, so it changes nothing.
            let parts = request.path.split(separator: "/")
            guard parts.count == 3, parts[0] == "sources", parts[2] == "data" else {
                return .init(status: 503, text: "down")
            }
            let id = String(parts[1])
            let slow = state.withLock { state -> Bool in
                state.started += 1
                state.ids.insert(id)
                return !state.fast
            }
            // Slow enough for the kill to find a read in flight; not a timing assertion.
            if slow { try? await Task.sleep(for: .milliseconds(100)) }
            state.withLock { $0.finished += 1 }
            return .init(status: 200, headers: [("content-type", "application/json")],
                         text: #"{"frobs":[{"name":"frob-\#(id)","owner":"team-faults"}]}"#)
        }
    }

    static func webhook(_ server: FaultServer, _ id: Int) async throws -> FaultServer.Reply {
        try await server.request(.POST, "/api/events/http/frobs", body: #"{"type":"add","id":"\#(id)"}"#,
                                 headers: [("idempotency-key", "fault-delivery-\(id)")])
    }

    @Test(arguments: StoreBackend.available)
    func everyAcknowledgedEventIsDeliveredAfterAKillDuringDelivery(store: StoreBackend) async throws {
        let upstream = SlowUpstream()
        try await FakeHTTPServer.with({ await upstream.reply($0) }) { _, port in
            let workspace = try await FaultWorkspace.frobs(
                port: port, initialDelay: "1h", timeout: "1m",
                more: "events: { delivery: { maxAttempts: 5, initialBackoff: 10ms, maxBackoff: 50ms } }", on: store)
            defer { workspace.remove() }

            let first = try await FaultServer.start(workspace)
            var acknowledged: [Int: String] = [:]
            for id in 0..<Self.events {
                let reply = try await Self.webhook(first, id)
                if reply.status == 202, let eventID = try reply.json()["eventId"]?.stringValue { acknowledged[id] = eventID }
            }
            #expect(acknowledged.count == Self.events)

            // Kill while the provider is inside a delivery (a read in flight), after a few.
            #expect(try await eventually(seconds: 60) { upstream.started >= 5 && upstream.inFlight > 0 })
            let readBeforeKill = upstream.started
            await first.kill()
            try await workspace.expectConsistent("after SIGKILL")

            upstream.goFast()
            let second = try await FaultServer.start(workspace)
            // Delivered: the router and the provider have passed every event.
            #expect(try await eventually(seconds: 120) {
                let router = try await second.subscription("FrobsEventRouter")?["lag"]
                let provider = try await second.subscription("frobs-test")?["lag"]
                return router == 0 && provider == 0
            })
            let names = Set(try await second.frobTitles().keys)
            let missing = acknowledged.keys.filter { !names.contains("frob-\($0)") }.sorted()
            #expect(missing.isEmpty, "acknowledged but not delivered: \(missing)")
            #expect(try await second.json("/api/events/dead-letters").arrayValue?.isEmpty == true)
            if readBeforeKill >= Self.events {
                print("FaultKillDuringDelivery(\(store)): every event had been read before the kill; only the last delivery was cut")
            }

            // The idempotency key of an event acknowledged before the crash is still known.
            let again = try await Self.webhook(second, 0)
            #expect(again.status == 202)
            #expect(try again.json()["duplicate"] == true)
            #expect(try again.json()["eventId"]?.stringValue == acknowledged[0])

            await second.stop()
            try await workspace.expectConsistent("after restart")
        }
    }
}
