import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A small HTTP server on loopback for tests: every request goes to one handler, and every
/// request is recorded. Fake upstreams (a file server, GitHub) are built on it.
public final class FakeHTTPServer: Sendable {
    /// A request as the handler sees it.
    public struct Request: Sendable {
        public var method: String
        /// The path, percent-decoding left to the handler.
        public var path: String
        /// The request's `host[:port]` (HTTP/1's `Host`).
        public var authority: String?
        public var query: [String: String]
        /// Header names lower-case.
        public var headers: [String: String]
    }

    /// What the handler answers.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public init(status: Int = 200, headers: [(String, String)] = [], text: String) {
            self.init(status: status, headers: headers, body: Array(text.utf8))
        }
    }

    public typealias Handler = @Sendable (Request) async -> Reply

    private let recorded = Mutex<[Request]>([])

    /// Every request received so far, oldest first.
    public var requests: [Request] { recorded.withLock { $0 } }

    /// Starts a server on a free loopback port, runs `body` with it and its port, and stops it.
    public static func with<T: Sendable>(
        _ handler: @escaping Handler, _ body: (FakeHTTPServer, Int) async throws -> T
    ) async throws -> T {
        let server = FakeHTTPServer()
        let router = Router()
        router.add(middleware: Responder(server: server, handler: handler))
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "fake"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: "fake-http", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task {
            // If the server cannot run, the port never comes: end the wait instead of hanging.
            defer { portContinuation.finish() }
            try await app.runService()
        }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw FakeHTTPServerError()
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(server, port))
        } catch {
            result = .failure(error)
        }
        task.cancel()
        _ = await task.result
        return try result.get()
    }

    fileprivate func record(_ request: Request) {
        recorded.withLock { $0.append(request) }
    }

    private struct Responder: RouterMiddleware {
        typealias Context = BasicRequestContext
        let server: FakeHTTPServer
        let handler: Handler

        func handle(_ input: Hummingbird.Request, context: Context,
                    next: (Hummingbird.Request, Context) async throws -> Response) async throws -> Response {
            var query: [String: String] = [:]
            for (key, value) in input.uri.queryParameters { query[String(key)] = String(value) }
            var headers: [String: String] = [:]
            for field in input.headers { headers[field.name.canonicalName] = field.value }
            let request = Request(method: input.method.rawValue, path: input.uri.path, authority: input.head.authority,
                                  query: query, headers: headers)
            server.record(request)
            let reply = await handler(request)
            var fields = HTTPFields()
            for (name, value) in reply.headers {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            return Response(status: .init(code: reply.status), headers: fields,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
    }
}

/// The fake server could not start.
struct FakeHTTPServerError: Error, CustomStringConvertible {
    var description: String { "the fake HTTP server did not start" }
}

/// A fake file server: serves the files a test puts, with etags, 404 for the rest.
public final class FakeFiles: Sendable {
    private let files = Mutex<[String: String]>([:])

    public init() {}

    /// Serves `content` at `path` (`/a/b.yaml`); nil removes it.
    public func put(_ path: String, _ content: String?) {
        files.withLock { $0[path] = content }
    }

    /// The handler for a ``FakeHTTPServer``.
    public var handler: FakeHTTPServer.Handler {
        { [self] request in
            guard let content = self.files.withLock({ $0[request.path] }) else { return .init(status: 404, text: "not found") }
            return .init(status: 200, headers: [("content-type", "application/yaml")], text: content)
        }
    }
}
