import AsyncHTTPClient
import Foundation
import FrobsSimulator
import Logging
import NIOCore
import NIOHTTP1

/// A running simulator on a free port and an HTTP client to talk to it.
struct Harness: Sendable {
    let simulator: FrobsSimulator
    let port: Int

    /// Starts a simulator (port 0) while `body` runs.
    static func with<T: Sendable>(
        _ configure: (inout FrobsSimulatorConfiguration) -> Void = { _ in },
        _ body: @Sendable (Harness) async throws -> T
    ) async throws -> T {
        var configuration = FrobsSimulatorConfiguration(port: 0)
        configuration.webhookRetry = WebhookRetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(2))
        configure(&configuration)
        var logger = Logger(label: "frobs.simulator.test")
        logger.logLevel = .warning
        let simulator = try FrobsSimulator(configuration: configuration, logger: logger)
        let port = try await simulator.start()
        let harness = Harness(simulator: simulator, port: port)
        do {
            let result = try await body(harness)
            await simulator.shutdown()
            return result
        } catch {
            await simulator.shutdown()
            throw error
        }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                throw ReplyError(message: "not a JSON object: \(text)")
            }
            return object
        }

        /// The body decoded as `T`.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try JSONDecoder().decode(type, from: Data(body))
        }
    }

    struct ReplyError: Error { var message: String }

    func request(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                     body: Array(bytes.readableBytesView))
    }

    /// The frob names a data URL serves, in order.
    func names(_ path: String) async throws -> [String] {
        let reply = try await request(.GET, path)
        guard reply.status == 200 else { throw ReplyError(message: "\(path) answered \(reply.status): \(reply.text)") }
        return try reply.decode(Document.self).frobs.map(\.name)
    }

    struct Document: Decodable { var frobs: [Frob] }
}

/// `{"frobs":[{"name":…,"owner":"team-a"},…]}`.
func frobsBody(_ names: String...) -> String {
    #"{"frobs":["# + names.map { #"{"name":"\#($0)","owner":"team-a"}"# }.joined(separator: ",") + "]}"
}
