import Hummingbird
import NIOCore

/// One Server-Sent Events message.
struct SSEMessage: Sendable {
    var event: String?
    var id: String?
    var data: String

    /// The wire form: `id:`, `event:`, one `data:` line per line of data, then a blank line.
    var bytes: ByteBuffer {
        var text = ""
        if let id { text += "id: \(id)\n" }
        if let event { text += "event: \(event)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { text += "data: \(line)\n" }
        text += "\n"
        return ByteBuffer(string: text)
    }
}

/// Streams messages as `text/event-stream`, with a comment heartbeat every `heartbeat` so proxies
/// keep the connection; the stream ends when `messages` ends.
enum ServerSentEvents {
    static func response(_ messages: AsyncStream<SSEMessage>, heartbeat: Duration = .seconds(15)) -> Response {
        let body = ResponseBody { writer in
            let (merged, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(1024))
            let forward = Task {
                for await message in messages { continuation.yield(message.bytes) }
                continuation.finish()
            }
            let beat = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: heartbeat)
                    continuation.yield(ByteBuffer(string: ": heartbeat\n\n"))
                }
            }
            defer {
                forward.cancel()
                beat.cancel()
            }
            try await writer.write(ByteBuffer(string: ": connected\n\n"))
            for await buffer in merged {
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .connection: "keep-alive"],
            body: body)
    }
}
