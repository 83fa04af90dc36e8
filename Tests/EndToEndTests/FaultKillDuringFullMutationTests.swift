import CallboardTesting
import CatalogModel
import Foundation
import Synchronization
import Testing

/// Issue 7, faults: `kill -9` while a large full mutation is being written (SPEC §4.2 "a
/// mutation commits atomically"). A real `callboard serve` process syncs a Frobs provider from a
/// fake upstream; the second sync replaces half of the entities and retitles the rest; the
/// process is killed while the catalog's write transaction is open. After a restart the catalog
/// holds exactly the first or exactly the second set (never a mix), and the store passes the
/// backend's consistency check (``FaultWorkspace/consistencyCheck()``). On SQLite and PostgreSQL.
@Suite(.serialized) struct FaultKillDuringFullMutationTests {
    /// Entities per generation: enough that the write transaction stays open for a while in a
    /// debug build, few enough that the test takes seconds.
    static let count = 4_000

    /// Generation 1: frob-0 ..< count titled g1. Generation 2: frob-(count/2) ..< count*3/2 titled
    /// g2 (half removed, half retitled, half new).
    static func generation(_ number: Int) -> [String: String] {
        let range = number == 1 ? 0..<count : (count / 2)..<(count * 3 / 2)
        return Dictionary(uniqueKeysWithValues: range.map { ("frob-\($0)", "g\(number)") })
    }

    static func body(_ frobs: [String: String]) -> [UInt8] {
        let items = frobs.keys.sorted().map { #"{"name":"\#($0)","owner":"team-faults","title":"\#(frobs[$0]!)"}"# }
        return Array(#"{"frobs":[\#(items.joined(separator: ","))]}"#.utf8)
    }

    /// What the fake upstream serves: 0 = 503 (so a sync cannot change the catalog), 1 or 2.
    final class Upstream: Sendable {
        private let state = Mutex<(serving: Int, served: [Int: Int])>((1, [:]))
        let bodies = [1: FaultKillDuringFullMutationTests.body(generation(1)),
                      2: FaultKillDuringFullMutationTests.body(generation(2))]

        func serve(_ generation: Int) { state.withLock { $0.serving = generation } }
        func served(_ generation: Int) -> Int { state.withLock { $0.served[generation] ?? 0 } }

        func reply(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Reply {
            if request.path == "/sources/after-crash/data" {
                return .init(status: 200, headers: [("content-type", "application/json")],
                             text: #"{"frobs":[{"name":"frob-after-crash","owner":"team-faults"}]}"#)
            }
            guard request.path == "/envs/test/data" else { return .init(status: 404) }
            let generation = state.withLock { state in
                state.served[state.serving, default: 0] += 1
                return state.serving
            }
            guard let body = bodies[generation] else { return .init(status: 503, text: "down") }
            return .init(status: 200, headers: [("content-type", "application/json")], body: body)
        }
    }

    /// Waits until the full-sync task is idle after its first run (a trigger is 409 while it runs).
    static func taskIdle(_ server: FaultServer) async throws -> Bool {
        try await eventually(seconds: 120) {
            let task = try await server.json("/api/catalog/.backstage/scheduler/v1/tasks")["tasks"]?.arrayValue?
                .first { $0["taskId"] == "frobs-test" }
            return task?["taskState"]?["status"] == "idle" && task?["taskState"]?["lastRunEndedAt"] != nil
        }
    }

    @Test(arguments: StoreBackend.available)
    func aKilledFullMutationLeavesTheBeforeOrTheAfterStateNeverAMix(store: StoreBackend) async throws {
        let upstream = Upstream()
        try await FakeHTTPServer.with({ upstream.reply($0) }) { _, port in
            let workspace = try await FaultWorkspace.frobs(port: port, initialDelay: "0s", timeout: "5m", on: store)
            defer { workspace.remove() }
            let before = Self.generation(1)
            let after = Self.generation(2)

            // Generation 1 in by the startup sync.
            let first = try await FaultServer.start(workspace)
            #expect(try await eventually(seconds: 120) { try await first.frobCount() == Self.count })
            #expect(try await first.frobTitles() == before)
            #expect(try await Self.taskIdle(first))

            // Generation 2 by a trigger; kill while the catalog's write transaction is open.
            upstream.serve(2)
            let trigger = try await first.request(.POST, "/api/catalog/.backstage/scheduler/v1/tasks/frobs-test/trigger")
            #expect(trigger.status == 200)
            let probe = workspace.catalogWriteProbe()
            defer { probe.close() }
            var landed = false
            for _ in 0..<60_000 {
                if upstream.served(2) > 0, await probe.held() {
                    landed = true
                    break
                }
                try await Task.sleep(for: .milliseconds(1))
            }
            await first.kill()
            if !landed {
                // The transaction was never seen open: the kill came after the sync.
                print("FaultKillDuringFullMutation(\(store)): the kill did not land inside the write transaction")
            }
            try await workspace.expectConsistent("after SIGKILL")

            // Restart with the upstream down, so no sync can change what the crash left.
            upstream.serve(0)
            let second = try await FaultServer.start(workspace)
            let survived = try await second.frobTitles()
            #expect(survived == before || survived == after,
                    "a half-applied mutation: \(survived.count) entities, \(survived.values.filter { $0 == "g1" }.count) of generation 1")
            print("FaultKillDuringFullMutation(\(store)): the catalog after the kill is generation \(survived == before ? 1 : 2) "
                  + (landed ? "(killed while the write transaction held the lock)" : ""))

            // The catalog takes mutations again: an event's delta lands. (Not the next full sync:
            // the killed run's task lease is held until its timeout, SPEC §5, so the task waits.)
            let webhook = try await second.request(.POST, "/api/events/http/frobs", body: #"{"type":"add","id":"after-crash"}"#)
            #expect(webhook.status == 202)
            // On PostgreSQL its subscribers first wait out the killed instance's delivery leases (30 s).
            #expect(try await eventually(seconds: 120) {
                try await second.request(.GET, "/api/catalog/entities/by-name/component/default/frob-after-crash").status == 200
            })
            await second.stop()
            try await workspace.expectConsistent("after restart")
        }
    }
}
