import AsyncHTTPClient
import CallboardConfig
import CallboardServer
import Catalog
import Events
import CatalogModel
import Foundation
import Logging
import ModuleAPI
import UrlReader
import NIOCore
@_exported import enum NIOHTTP1.HTTPMethod

/// A real Callboard server on a free port, in memory, with test providers; for end-to-end tests.
public struct LiveServer: Sendable {
    public let application: CallboardApplication
    public let port: Int
    public let client: HTTPClient

    /// Starts a server, runs `body` against it, and stops it.
    /// - Parameters:
    ///   - yaml: configuration (app-config YAML) to start from; listen and database are overridden.
    ///   - modules: the modules to register (the built-in ones by default).
    ///   - eventLog: replaces the event log (to inject faults).
    ///   - reader: replaces the URL reader built from `backend.reading`.
    public static func with<T: Sendable>(
        yaml: String = "{}",
        modules: [any CallboardModule] = BuiltInModules.all,
        providers: [any EntityProvider] = [],
        eventLog: (any EventLog)? = nil,
        reader: (any UrlReaderService)? = nil,
        configure: (inout CallboardConfiguration) -> Void = { _ in },
        _ body: (LiveServer) async throws -> T
    ) async throws -> T {
        var configuration = try CallboardConfiguration(root: ConfigYAML.parse(yaml, file: "test-config.yaml"))
        configuration.backend.listen = .init(host: "127.0.0.1", port: 0)
        configuration.backend.database = .sqlite(.inMemory)
        configure(&configuration)
        var logger = Logger(label: "callboard.test")
        logger.logLevel = .warning
        let application = try await buildApplication(
            configuration: configuration, modules: modules, providers: providers, eventLog: eventLog,
            reader: reader, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run(signals: []) }
            let port = await application.port()
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let server = LiveServer(application: application, port: port, client: client)
            let result: Result<T, any Error>
            do {
                result = .success(try await body(server))
            } catch {
                result = .failure(error)
            }
            try? await client.shutdown()
            await application.shutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    /// A response: status, headers and body.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as JSON.
        public func json() throws -> JSONValue { try JSONParser.parse(body) }

        /// The first header with this name (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// Sends a request to `path` (which includes any query string).
    public func request(_ method: HTTPMethod, _ path: String, body: String? = nil,
                        headers: [(String, String)] = []) async throws -> Reply {
        try await request(method, path, bytes: body.map { Array($0.utf8) }, headers: headers)
    }

    /// Sends raw body bytes (exactly these bytes: signatures are computed over them).
    public func request(_ method: HTTPMethod, _ path: String, bytes body: [UInt8]?,
                        headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "content-type", value: "application/json")
            }
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                     body: Array(bytes.readableBytesView))
    }

    /// Percent-encodes a query parameter value.
    public static func encode(_ value: String) -> String {
        URLTemplate.encodeSegment(value)
    }

    /// The target of a `link: <…>; rel="next"` header.
    public static func nextLink(_ header: String) -> String? {
        for part in header.split(separator: ",") where part.contains("rel=\"next\"") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">") else { continue }
            return String(part[part.index(after: open)..<close])
        }
        return nil
    }

    public func get(_ path: String) async throws -> Reply { try await request(.GET, path) }
    public func post(_ path: String, body: String) async throws -> Reply { try await request(.POST, path, body: body) }
}
