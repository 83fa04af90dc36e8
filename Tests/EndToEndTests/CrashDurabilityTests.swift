import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Foundation
import NIOCore
import Synchronization
import Testing

/// SPEC §3.2 "202 means durable": a real `callboard serve` process takes webhooks from
/// concurrent clients and is killed with SIGKILL mid-stream; after a restart, every event that
/// was acknowledged with 202 is delivered (here: routed by the GitHub router, a durable
/// subscriber whose republish commits with its cursor).
@Suite(.serialized) struct CrashDurabilityTests {
    /// A `callboard serve` child process on a free port.
    final class ServerProcess: Sendable {
        let process: Process
        let port: Int
        let logFile: URL

        init(config: String, directory: URL) throws {
            logFile = directory.appendingPathComponent("server-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
            let process = Process()
            process.executableURL = CommandLineTests.executable
            process.arguments = ["serve", "--config", config]
            process.standardError = try FileHandle(forWritingTo: logFile)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            self.process = process
            var found: Int?
            for _ in 0..<300 {
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                if let range = log.range(of: #"http\.port=(\d+)"#, options: .regularExpression) {
                    found = Int(log[range].dropFirst("http.port=".count))
                    break
                }
                if !process.isRunning { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            guard let found else {
                process.terminate()
                throw StartFailed(log: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "")
            }
            port = found
        }

        struct StartFailed: Error, CustomStringConvertible {
            var log: String
            var description: String { "callboard serve did not start:\n\(log)" }
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func body(_ index: Int) -> [UInt8] {
        Array(#"{"ref":"refs/heads/main","callboard_seq":\#(index),"repository":{"full_name":"acme/svc-\#(index)"}}"#.utf8)
    }

    /// Posts events from `clients` concurrent clients until `stop` says so; returns the delivery
    /// ids that were answered 202.
    static func bombard(port: Int, total: Int, clients: Int, killAfter: Int, kill: @escaping @Sendable () -> Void)
        async -> Set<String>
    {
        let tally = Tally()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var index = worker
                    while index < total {
                        let delivery = "delivery-\(index)"
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events/http/github")
                        request.method = .POST
                        request.headers.add(name: "content-type", value: "application/json")
                        request.headers.add(name: "x-github-event", value: "push")
                        request.headers.add(name: "x-github-delivery", value: delivery)
                        request.body = .bytes(ByteBuffer(bytes: body(index)))
                        if let response = try? await client.execute(request, timeout: .seconds(5)),
                            response.status.code == 202
                        {
                            if tally.acknowledge(delivery) >= killAfter, tally.claimKill() {
                                kill()
                            }
                        } else if tally.killed {
                            return
                        }
                        index += clients
                    }
                }
            }
        }
        try? await client.shutdown()
        return tally.acknowledged
    }

    /// What the clients saw: acknowledged deliveries, and whether the kill was done.
    final class Tally: Sendable {
        private let state = Mutex<(acknowledged: Set<String>, killed: Bool)>(([], false))

        /// Records a 202; returns how many there are.
        func acknowledge(_ delivery: String) -> Int {
            state.withLock { state in
                state.acknowledged.insert(delivery)
                return state.acknowledged.count
            }
        }

        /// True for exactly one caller.
        func claimKill() -> Bool {
            state.withLock { state in
                defer { state.killed = true }
                return !state.killed
            }
        }

        var killed: Bool { state.withLock { $0.killed } }
        var acknowledged: Set<String> { state.withLock { $0.acknowledged } }
    }

    /// The `x-github-delivery` of every event the GitHub router republished to `github.push`.
    static func routedDeliveries(port: Int) async throws -> Set<String> {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var seen = Set<String>()
        var after: String?
        while true {
            let path = "/api/events/events?topic=github.push&limit=1000" + (after.map { "&after=\($0)" } ?? "")
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"),
                                                    timeout: .seconds(30))
            let page = try JSONParser.parse(try await response.body.collect(upTo: 64 << 20).readableBytesView)
            let items = page.arrayValue ?? []
            for item in items {
                if let delivery = item["metadata"]?["x-github-delivery"]?.stringValue { seen.insert(delivery) }
            }
            guard items.count == 1000, let last = items.last?["position"] else { break }
            after = last.canonicalString()
        }
        try await client.shutdown()
        return seen
    }

    /// Waits (bounded) until the GitHub router has passed every stored event.
    static func waitForRouter(port: Int) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        for _ in 0..<600 {
            let response = try await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events/subscriptions"), timeout: .seconds(10))
            let list = try JSONParser.parse(try await response.body.collect(upTo: 1 << 20).readableBytesView)
            if list.arrayValue?.first(where: { $0["id"] == "GithubEventRouter" })?["lag"] == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await client.shutdown()
    }

    @Test(arguments: 1...2)
    func everyAcknowledgedEventSurvivesSIGKILL(run: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("app-config.yaml")
        try """
            backend:
              listen: { host: 127.0.0.1, port: 0 }
              database: { client: sqlite, connection: { directory: \(directory.appendingPathComponent("data").path) } }
            events:
              modules:
                github: {}
            """.write(to: config, atomically: true, encoding: .utf8)

        let first = try ServerProcess(config: config.path, directory: directory)
        let acknowledged = await Self.bombard(port: first.port, total: 3_000, clients: 16, killAfter: 1_000 + run * 100) {
            first.kill()
        }
        first.kill()
        #expect(acknowledged.count >= 1_000)

        let second = try ServerProcess(config: config.path, directory: directory)
        defer { second.stop() }
        try await Self.waitForRouter(port: second.port)
        let routed = try await Self.routedDeliveries(port: second.port)
        let lost = acknowledged.subtracting(routed)
        #expect(lost.isEmpty, "acknowledged but never delivered: \(lost.count) of \(acknowledged.count)")
    }
}
