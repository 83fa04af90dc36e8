import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// Issue 7, faults: the event log's disk fills up (SPEC §3.2 "if the store cannot commit → 503
/// and nothing is acknowledged").
///
/// The disk is filled with a file size limit (RLIMIT_FSIZE) on the running `callboard serve`
/// process, set and lifted from outside with util-linux's `prlimit --pid`: it needs no mount, no
/// loop device and no root, so it runs in any CI container, and lifting it is "space returns".
/// A write past the limit fails with EFBIG, as a full disk fails with ENOSPC; SQLite reports both
/// as a failed write and rolls the transaction back.
@Suite(.serialized) struct FaultDiskFullTests {
    static func prlimit(_ pid: Int32, _ limit: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["prlimit", "--pid", "\(pid)", "--fsize=\(limit)"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A 16 KiB webhook body.
    static func body(_ index: Int) -> String {
        #"{"n":\#(index),"fill":"\#(String(repeating: "x", count: 16 * 1024))"}"#
    }

    @Test func aFullDiskAnswers503LogsOnceKeepsTheDatabaseIntactAndRecovers() async throws {
        let workspace = try FaultWorkspace("events: { http: { topics: [faults] } }")
        defer { workspace.remove() }
        let server = try await FaultServer.start(workspace)
        var acknowledged: [String] = []
        var refused: [FaultServer.Reply] = []

        // Room for about 1 MiB more in each file the process writes, then none.
        let files = try FileManager.default.contentsOfDirectory(at: workspace.data, includingPropertiesForKeys: [.fileSizeKey])
        let largest = try files.map { try $0.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0 }.max() ?? 0
        #expect(try Self.prlimit(server.pid, "\(largest + (1 << 20)):unlimited") == 0)
        for index in 0..<1_000 where refused.count < 3 {
            let reply = try await server.request(.POST, "/api/events/http/faults", body: Self.body(index))
            if reply.status == 202, let id = try reply.json()["eventId"]?.stringValue {
                acknowledged.append(id)
            } else {
                refused.append(reply)
            }
        }
        #expect(!acknowledged.isEmpty)
        #expect(refused.count == 3, "the limit was never reached")
        for reply in refused {
            #expect(reply.status == 503)
            let error = try reply.json()
            #expect(error["error"]?["name"] == "ServiceUnavailableError")
            let message = error["error"]?["message"]?.stringValue ?? ""
            #expect(!message.contains("SQL") && !message.contains("INSERT"), "internals in the answer: \(message)")
        }
        // Still alive, and reads still work while writes fail.
        #expect(try await server.request(.GET, "/api/events/topics").status == 200)

        // One clear error line for the outage, however many requests were refused.
        let outageLines = server.log.split(separator: "\n").filter { $0.contains("Event log cannot write") }
        #expect(outageLines.count == 1, "outage lines: \(outageLines)")

        // Space returns: the next webhooks are acknowledged again, and the recovery is logged.
        #expect(try Self.prlimit(server.pid, "unlimited:unlimited") == 0)
        #expect(try await eventually(seconds: 30) {
            let reply = try await server.request(.POST, "/api/events/http/faults", body: Self.body(-1))
            guard reply.status == 202, let id = try reply.json()["eventId"]?.stringValue else { return false }
            acknowledged.append(id)
            return true
        })
        #expect(server.log.contains("Event log writes again"))

        await server.stop()
        for (name, result) in try workspace.integrityCheck() {
            #expect(result == "ok", "integrity_check of \(name).sqlite after the disk was full: \(result)")
        }
        // Every acknowledged event is stored, and only those.
        let stored = Set(try FaultWorkspace.sqlite(workspace.database("events"),
                                                   "SELECT id FROM events WHERE topic = 'faults'").split(separator: "\n").map(String.init))
        #expect(stored == Set(acknowledged))
    }
}
