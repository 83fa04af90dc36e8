import CoreMetrics
import Hummingbird
import Synchronization

/// Times every request: `callboard_http_request_duration_seconds{route, method, status}`, where
/// `route` is the matched route pattern (`/api/catalog/entities/by-name/{kind}/{namespace}/{name}`)
/// or `NotFound`, so the label set stays bounded whatever paths clients send. The time runs to
/// the response head; a streamed body (SSE) is not included.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: CallboardMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.requestHandled(
            route: context.endpointPath ?? "NotFound", method: request.method.rawValue, status: response.status.code,
            after: ContinuousClock.now - started)
        return response
    }
}
