import CallboardTesting
import Foundation
import Testing

/// Issue 7, faults: `kill -9` during ingest, with the databases checked afterwards. The
/// delivery half of this fault (every 202 delivered after a restart) is
/// ``CrashDurabilityTests``; this run adds `PRAGMA integrity_check` on the files the killed
/// process left, and a second kill, right after the restart, while the router is still
/// catching up (a kill during recovery).
@Suite(.serialized) struct FaultKillDuringIngestTests {
    @Test func theDatabasesAreIntactAfterKillsDuringIngestAndRecovery() async throws {
        let workspace = try FaultWorkspace("events: { modules: { github: {} } }")
        defer { workspace.remove() }

        let first = try await FaultServer.start(workspace)
        let pid = first.pid
        let acknowledged = await CrashDurabilityTests.bombard(port: first.port, total: 1_500, clients: 16, killAfter: 500) {
            _ = kill(pid, SIGKILL)
        }
        await first.kill()
        #expect(acknowledged.count >= 500)
        for (name, result) in try workspace.integrityCheck() {
            #expect(result == "ok", "integrity_check of \(name).sqlite after SIGKILL during ingest: \(result)")
        }

        // Killed again as soon as it is up: the router may be mid-batch.
        let second = try await FaultServer.start(workspace)
        await second.kill()
        for (name, result) in try workspace.integrityCheck() {
            #expect(result == "ok", "integrity_check of \(name).sqlite after SIGKILL during recovery: \(result)")
        }

        let third = try await FaultServer.start(workspace)
        try await CrashDurabilityTests.waitForRouter(port: third.port)
        let routed = try await CrashDurabilityTests.routedDeliveries(port: third.port)
        let lost = acknowledged.subtracting(routed)
        #expect(lost.isEmpty, "acknowledged but never delivered: \(lost.count) of \(acknowledged.count)")
        await third.stop()
        for (name, result) in try workspace.integrityCheck() {
            #expect(result == "ok", "integrity_check of \(name).sqlite after a clean stop: \(result)")
        }
    }
}
