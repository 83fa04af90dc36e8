import CallboardTesting
import Foundation
import Testing

/// Issue 7, faults: `kill -9` during ingest, with the store checked afterwards, on SQLite and on
/// PostgreSQL. The delivery half of this fault (every 202 delivered after a restart) is also
/// ``CrashDurabilityTests`` (SQLite); this run adds the backend's consistency check
/// (``FaultWorkspace/consistencyCheck()``) on what the killed process left, and a second kill,
/// right after the restart, while the router may still be catching up (a kill during recovery).
@Suite(.serialized) struct FaultKillDuringIngestTests {
    @Test(arguments: StoreBackend.available)
    func theStoreIsIntactAfterKillsDuringIngestAndRecovery(store: StoreBackend) async throws {
        let workspace = try await FaultWorkspace.make("events: { modules: { github: {} } }", on: store)
        defer { workspace.remove() }

        let first = try await FaultServer.start(workspace)
        let pid = first.pid
        let acknowledged = await CrashDurabilityTests.bombard(port: first.port, total: 1_500, clients: 16, killAfter: 500) {
            _ = kill(pid, SIGKILL)
        }
        await first.kill()
        #expect(acknowledged.count >= 500)
        try await workspace.expectConsistent("after SIGKILL during ingest")

        // Killed again as soon as it is up: the router may be mid-batch.
        let second = try await FaultServer.start(workspace)
        await second.kill()
        try await workspace.expectConsistent("after SIGKILL during recovery")

        // On PostgreSQL the killed instances' delivery leases (30 s) expire before the router runs.
        let third = try await FaultServer.start(workspace)
        #expect(try await eventually(seconds: 120) { try await third.subscription("GithubEventRouter")?["lag"] == 0 })
        let routed = try await CrashDurabilityTests.routedDeliveries(port: third.port)
        let lost = acknowledged.subtracting(routed)
        #expect(lost.isEmpty, "acknowledged but never delivered: \(lost.count) of \(acknowledged.count)")
        await third.stop()
        try await workspace.expectConsistent("after a clean stop")
    }
}
