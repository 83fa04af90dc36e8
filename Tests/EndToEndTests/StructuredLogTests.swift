import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Foundation
import NIOCore
import Testing

/// `callboard serve` with `backend.logging.format: json`, as an operator runs it: every line is
/// a JSON object, and a request's lines carry its `x-request-id`.
@Suite struct StructuredLogTests {
    static let config = """
        backend:
          listen: { host: 127.0.0.1, port: 0 }
          database: { client: sqlite, connection: ':memory:' }
          logging: { format: json, level: info }
        events:
          http:
            topics:
              - topic: signed
                validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [a-secret-key] }
        """

    static func object(_ line: String) -> JSONValue? {
        guard let value = try? JSONParser.parse(Array(line.utf8)), value.objectValue != nil else { return nil }
        return value
    }

    @Test func jsonLinesCarryTheRequestID() async throws {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["serve", "--config", try CommandLineTests.temporaryFile(Self.config)]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "LOG_LEVEL")
        environment.removeValue(forKey: "CALLBOARD_LOG_FORMAT")
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let log = LogTail(stderr.fileHandleForReading)

        let listening = try #require(try await log.first { Self.object($0)?["message"] == "Callboard is listening" })
        let port = try #require(Self.object(listening)?["http.port"]?.stringValue)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events/http/signed")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "x-signature", value: "sha256=00")
        request.headers.add(name: "x-request-id", value: "json-log-test-1")
        request.body = .bytes(ByteBuffer(string: "{}"))
        let rejected = try await client.execute(request, timeout: .seconds(10))
        let generated = try await client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/.backstage/health/v1/liveness"), timeout: .seconds(10))
        try await client.shutdown()
        #expect(rejected.status.code == 403)
        #expect(rejected.headers.first(name: "x-request-id") == "json-log-test-1")
        #expect(generated.headers.first(name: "x-request-id")?.count == 36)

        let rejection = try await log.first { Self.object($0)?["request.id"] == "json-log-test-1" }
        let line = try #require(rejection.flatMap(Self.object))
        #expect(line["level"] == "warning")
        #expect(line["event.topic"] == "signed")
        #expect(line["message"]?.stringValue?.contains("rejected") == true)

        kill(process.processIdentifier, SIGTERM)
        _ = try await eventually { !process.isRunning }
        #expect(process.terminationStatus == 0)
        _ = try await eventually { log.isFinished }
        let lines = log.all.filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        for text in lines {
            let parsed = Self.object(text)
            #expect(parsed != nil, "not a JSON object: \(text)")
            #expect(parsed?["time"]?.stringValue != nil && parsed?["level"] != nil && parsed?["message"] != nil, "\(text)")
        }
        let summary = lines.compactMap(Self.object).first { $0["message"] == "Callboard configured" }
        #expect(summary?["topics"] == "signed")
        #expect(!lines.contains { $0.contains("a-secret-key") })
    }

    @Test func anUnknownLogSettingInTheEnvironmentIsOneClearLine() throws {
        let outcome = try CommandLineTests.run(
            ["serve", "--config", try CommandLineTests.temporaryFile(Self.config)],
            environment: ["CALLBOARD_LOG_FORMAT": "xml"])
        #expect(outcome.status != 0)
        #expect(outcome.error.split(separator: "\n").count == 1)
        #expect(outcome.error.contains("CALLBOARD_LOG_FORMAT: expected one of text, json, got 'xml'"))
    }
}
