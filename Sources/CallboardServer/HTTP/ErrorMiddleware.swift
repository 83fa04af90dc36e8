import CallboardConfig
import CatalogModel
import Hummingbird
import Logging

/// Turns every error into Backstage's error body; unexpected errors become a 500 whose body
/// says nothing about internals (the details go to the log).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Self.response(for: error, request: request)
        } catch let error as HTTPError {
            let name: APIError.Name
            switch error.status {
            case .notFound: name = .notFound
            case .methodNotAllowed: name = .methodNotAllowed
            case .contentTooLarge: name = .payloadTooLarge
            case .unsupportedMediaType: name = .unsupportedMediaType
            case .badRequest: name = .input
            case .serviceUnavailable: name = .serviceUnavailable
            default:
                name = error.status.code < 500 ? .input : .internal
            }
            let message = error.body ?? (error.status == .notFound ? "Not found: \(request.uri.path)" : error.status.reasonPhrase)
            return Self.response(for: APIError(name, message, headers: error.headers), request: request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("Request failed", metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)",
                "error": "\(String(reflecting: error))",
            ])
            return Self.response(for: APIError(.internal, "Internal server error"), request: request)
        }
    }

    static func response(for error: APIError, request: Request) -> Response {
        // A URL with a password (a location target, a query parameter) is never echoed whole.
        let message = ConfigRedaction.redactingURLPassword(error.message)
        let url = ConfigRedaction.redactingURLPassword(request.uri.string)
        let body: JSONValue = [
            "error": ["name": .string(error.name.rawValue), "message": .string(message)],
            "request": ["method": .string(request.method.rawValue), "url": .string(url)],
            "response": ["statusCode": .int(Int64(error.name.status.code))],
        ]
        var response = JSONResponse.make(body, status: error.name.status)
        for field in error.headers { response.headers.append(field) }
        return response
    }
}
