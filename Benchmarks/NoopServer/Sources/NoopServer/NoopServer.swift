import Foundation
import Hummingbird

/// `POST /api/events/http/{topic}`: collect the body, decode it as JSON, answer 202. No storage.
@main
struct NoopServer {
    static func main() async throws {
        let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 7100
        let router = Router()
        router.post("api/events/http/:topic") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 5 * 1024 * 1024)
            _ = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            return Response(
                status: .accepted, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"accepted"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
