import CallboardConfig
import Hummingbird
import Logging
import Webhooks

/// `backend.auth.externalAccess` (SPEC §2): the events admin routes, catalog writes, scheduler
/// triggers and `/metrics` (and, with `protectReads`, catalog reads) need
/// `Authorization: Bearer <token>` (or the UI's cookie, see ``TokenMatcher``) matching a configured
/// static token. A missing or wrong token is a 401 AuthenticationError. Tokens are compared in constant time; the subject of the matching
/// token goes into the request's log metadata, the token itself never reaches a log or a body.
/// Webhook ingress and health stay open (ingress is checked by each topic's validator).
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// What a request needs.
    enum Requirement: Equatable {
        case open
        case token
    }

    private let tokens: TokenMatcher
    private let protectReads: Bool

    init(_ auth: CallboardConfiguration.Auth) {
        tokens = TokenMatcher(auth)
        protectReads = auth.protectReads
    }

    /// Which routes need a token (the table in SPEC §2).
    static func requirement(method: HTTPRequest.Method, path: String, protectReads: Bool) -> Requirement {
        // The router ignores empty segments (`//api//events/topics` reaches the events routes), so
        // the check must see the path the same way.
        let path = "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        if path == "/metrics" { return .token }
        if path.hasPrefix("/api/events/") || path == "/api/events" {
            return path.hasPrefix("/api/events/http/") ? .open : .token
        }
        if path.hasPrefix("/api/catalog/") || path == "/api/catalog" {
            if protectReads { return .token }
            if path.hasPrefix("/api/catalog/.backstage/scheduler/") && method == .post { return .token }
            switch method {
            case .get, .head, .options:
                return .open
            case .post where path == "/api/catalog/entities/by-refs" || path == "/api/catalog/validate-entity":
                return .open  // reads that take a body
            default:
                return .token  // DELETE /entities/by-uid, POST /refresh, location writes, …
            }
        }
        return .open
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard !tokens.isEmpty,
            Self.requirement(method: request.method, path: request.uri.path, protectReads: protectReads) == .token
        else { return try await next(request, context) }
        guard let subject = tokens.subject(of: request) else {
            context.logger.warning("Request refused: missing or wrong bearer token", metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)",
            ])
            throw APIError(.authentication, "Missing or invalid bearer token; send Authorization: Bearer <token>",
                           headers: [.wwwAuthenticate: "Bearer"])
        }
        var context = context
        context.logger[metadataKey: "auth.subject"] = "\(subject)"
        if request.method != .get && request.method != .head {
            context.logger.info("Authenticated request", metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.uri.path)",
            ])
        }
        return try await next(request, context)
    }
}
