import Hummingbird
import Logging
import Synchronization

/// A tiny stand-in for Callboard's ingress on a free loopback port: records each webhook and
/// answers with the scripted statuses in turn (202 once the script runs out).
final class IngressReceiver: Sendable {
    struct Received: Sendable {
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private let state: Mutex<(script: [Int], received: [Received])>

    init(script: [Int] = []) {
        state = Mutex((script, []))
    }

    var received: [Received] { state.withLock { $0.received } }

    /// Runs the receiver while `body` runs; `body` gets the ingress URL.
    static func with<T: Sendable>(
        script: [Int] = [], _ body: @Sendable (IngressReceiver, String) async throws -> T
    ) async throws -> T {
        let receiver = IngressReceiver(script: script)
        let router = Router()
        router.post("api/events/http/frobs") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = receiver.state.withLock { state -> Int in
                state.received.append(Received(headers: headers, body: Array(bytes.readableBytesView)))
                return state.script.isEmpty ? 202 : state.script.removeFirst()
            }
            return Response(status: .init(code: status))
        }
        let port = PortBox()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) },
            // Quiet: cancelling the server at the end logs errors that mean nothing here.
            logger: Logger(label: "ingress.receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            let bound = await port.wait()
            defer { group.cancelAll() }
            return try await body(receiver, "http://127.0.0.1:\(bound)/api/events/http/frobs")
        }
    }
}

/// A port that a server publishes once it listens.
final class PortBox: Sendable {
    private let state = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    func set(_ port: Int) {
        let waiters = state.withLock { state in
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: port) }
    }

    func wait() async -> Int {
        await withCheckedContinuation { continuation in
            let port = state.withLock { state -> Int? in
                if state.port == nil { state.waiters.append(continuation) }
                return state.port
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}
