import AsyncHTTPClient
import CallboardTesting
import Foundation
import Testing

/// `callboard frobs-simulator` as a user runs it: it serves the sample frobs, and SIGTERM stops it
/// cleanly; bad options are one clear line.
@Suite struct FrobsSimulatorCommandTests {
    @Test func theSubcommandServesFrobsAndStopsOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["frobs-simulator", "--port", "0", "--demo-interval", "0"]
        let log = Pipe()
        process.standardError = log
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Port 0: the simulator logs the port it got.
        let port = try #require(await Self.listeningPort(in: log.fileHandleForReading))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        func data() async -> String? {
            guard let response = try? await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/envs/production/data"), timeout: .seconds(5)),
                response.status == .ok,
                let body = try? await response.body.collect(upTo: 1 << 20)
            else { return nil }
            return String(buffer: body)
        }
        var served: String?
        _ = try await eventually {
            served = await data()
            return served != nil
        }
        try await client.shutdown()
        #expect(served?.contains("frob-alpha") == true)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Reads the simulator's log until `listening on http://host:port`; nil if it ends first.
    static func listeningPort(in handle: FileHandle) async -> Int? {
        var text = ""
        while case let chunk = handle.availableData, !chunk.isEmpty {
            text += String(decoding: chunk, as: UTF8.self)
            if let match = text.firstMatch(of: /listening on http:\/\/[^:\s]+:(\d+)/) { return Int(match.1) }
        }
        return nil
    }

    @Test func aBadPortIsOneClearLine() throws {
        let outcome = try CommandLineTests.run(["frobs-simulator", "--port", "70000"])
        #expect(outcome.status != 0)
        #expect(outcome.error.contains("--port must be from 0 to 65535"))
    }
}
