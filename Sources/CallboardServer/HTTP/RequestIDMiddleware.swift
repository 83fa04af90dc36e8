import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the client's `x-request-id` when it is sane (1–128 characters of
/// letters, digits and `-_.:`), otherwise a new UUID. The id goes into the request logger's
/// metadata as `request.id` (replacing Hummingbird's own counter) and back to the client in the
/// `x-request-id` response header, errors included. At `debug`, one line per request.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headerName: HTTPField.Name { HTTPField.Name("x-request-id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let id = request.headers[Self.headerName].flatMap(Self.sane) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request.id"] = "\(id)"
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.headerName] = id
        if context.logger.logLevel <= .debug {
            let elapsed = (ContinuousClock.now - started).components
            let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
            context.logger.debug("Request handled", metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)",
                "http.status": "\(response.status.code)", "http.durationMs": "\(Int(milliseconds.rounded()))",
            ])
        }
        return response
    }

    /// The id if a client may choose it: short, and nothing that could forge a log line.
    static func sane(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                    UInt8(ascii: ":"):
                    return true
                default:
                    return false
                }
            })
        else { return nil }
        return value
    }
}
