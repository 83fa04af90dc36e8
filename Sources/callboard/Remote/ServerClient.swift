import AsyncHTTPClient
import CatalogModel
import Foundation
import NIOCore
import NIOHTTP1

/// A small HTTP client for a running Callboard: sends one request and turns failures into a
/// ``RemoteError`` with one clear line (the server's Backstage error message when it sent one).
struct ServerClient {
    let baseURL: String
    let token: String?

    struct Reply {
        var status: Int
        var body: [UInt8]
        var json: JSONValue? { try? JSONParser.parse(body) }
    }

    /// Sends `method path` and returns any 2xx reply; other statuses and transport errors throw.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [String: String] = [:])
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        if let token { request.headers.replaceOrAdd(name: "authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        // One attempt to connect: a command line should say at once that nothing listens,
        // rather than retry until the request's deadline as a long-running client would.
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(30)))
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result: Result<Reply, any Error>
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
            result = .success(Reply(status: Int(response.status.code), body: Array(bytes.readableBytesView)))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        let reply: Reply
        switch result {
        case .success(let received): reply = received
        case .failure(let error):
            throw RemoteError(.unreachable, "cannot reach Callboard at \(baseURL) (\(Self.reason(error))); is it running? Use --url to point elsewhere")
        }
        guard !(200..<300).contains(reply.status) else { return reply }
        let message = reply.json?["error"]?["message"]?.stringValue
        switch reply.status {
        case 401:
            throw RemoteError(.unauthorized, "the server refused the token (401): pass --token, set CALLBOARD_TOKEN, or configure backend.auth.externalAccess")
        case 403:
            throw RemoteError(.forbidden, "the server refused the request (403): \(message ?? "not allowed")")
        case 404:
            throw RemoteError(.notFound, "not found (404): \(message ?? "\(method.rawValue) \(path)")")
        default:
            throw RemoteError(.failed, "the server answered \(reply.status): \(message ?? "\(method.rawValue) \(path) failed")")
        }
    }

    /// A short reason for a transport error, without NIO's internals.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("refused") { return "connection refused" }
        if text.contains("timeout") || text.contains("timed out") { return "timed out" }
        if text.contains("resolve") || text.contains("dns") || text.contains("lookup") { return "unknown host" }
        if text.contains("tls") || text.contains("ssl") || text.contains("certificate") { return "TLS failed" }
        return "connection failed"
    }
}
