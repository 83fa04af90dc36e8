import Foundation
import Hummingbird

/// An error answered with Callboard's (Backstage's) error body:
/// `{"error":{"name","message"},"request":{"method","url"},"response":{"statusCode"}}`.
struct HTTPProblem: Error, Sendable {
    var status: HTTPResponse.Status
    var name: String
    var message: String

    static func input(_ message: String) -> HTTPProblem { HTTPProblem(status: .badRequest, name: "InputError", message: message) }
    static func notFound(_ message: String) -> HTTPProblem { HTTPProblem(status: .notFound, name: "NotFoundError", message: message) }
    static func conflict(_ message: String) -> HTTPProblem { HTTPProblem(status: .conflict, name: "ConflictError", message: message) }

    /// The usual Backstage error name for a status.
    static func name(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "InputError"
        case 401: "AuthenticationError"
        case 403, 405: "NotAllowedError"
        case 404: "NotFoundError"
        case 409: "ConflictError"
        case 413: "PayloadTooLargeError"
        case 415: "UnsupportedMediaTypeError"
        case 429: "TooManyRequestsError"
        case 503: "ServiceUnavailableError"
        default: status.code < 500 ? "InputError" : "Error"
        }
    }

    func response(for request: Request) -> Response {
        struct Body: Encodable {
            struct Failure: Encodable { var name: String; var message: String }
            struct Echo: Encodable { var method: String; var url: String }
            struct Status: Encodable { var statusCode: Int }
            var error: Failure
            var request: Echo
            var response: Status
        }
        let body = Body(error: .init(name: name, message: message),
                        request: .init(method: request.method.rawValue, url: request.uri.string),
                        response: .init(statusCode: status.code))
        return JSONCoding.response(body, status: status)
    }
}

/// Turns every error into an ``HTTPProblem`` body; unexpected errors become a 500 that says
/// nothing about internals (the details go to the log).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as HTTPProblem {
            return problem.response(for: request)
        } catch let error as HTTPError {
            let message = error.body ?? (error.status == .notFound ? "Not found: \(request.uri.path)" : error.status.reasonPhrase)
            return HTTPProblem(status: error.status, name: HTTPProblem.name(for: error.status), message: message)
                .response(for: request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("Request failed", metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)",
                "error": "\(String(reflecting: error))",
            ])
            return HTTPProblem(status: .internalServerError, name: "Error", message: "Internal server error")
                .response(for: request)
        }
    }
}
