import CallboardConfig
import CatalogModel
import HTTPTypes
import Hummingbird

/// The UI's sign-in (SPEC §2: "the UI asks for the token once and keeps it in an HttpOnly,
/// SameSite=Strict cookie"):
/// - `GET /api/auth/session` says whether a token is needed and whether the request carries a
///   valid one (bearer or cookie);
/// - `POST /api/auth/cookie` with `{"token": "…"}` checks the token in constant time, as the
///   bearer is checked, and sets the cookie (401 AuthenticationError for a wrong token);
/// - `DELETE /api/auth/cookie` clears it.
/// The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's request carries
/// it), scoped to `/`, and Secure when the request came over HTTPS (`x-forwarded-proto`).
struct AuthCookieRoutes<Context: RequestContext> {
    let tokens: TokenMatcher
    /// How long the browser keeps the cookie.
    static var maxAgeSeconds: Int { 12 * 60 * 60 }

    init(_ auth: CallboardConfiguration.Auth) {
        tokens = TokenMatcher(auth)
    }

    func register(on router: Router<Context>) {
        let group = router.group("api/auth")
        group.get("session", use: session)
        group.post("cookie", use: signIn)
        group.delete("cookie", use: signOut)
    }

    @Sendable func session(_ request: Request, context: Context) async throws -> Response {
        let subject = tokens.isEmpty ? nil : tokens.subject(of: request)
        return noStore(JSONResponse.make([
            "authRequired": .bool(!tokens.isEmpty),
            "authenticated": .bool(tokens.isEmpty || subject != nil),
            "subject": subject.map(JSONValue.string) ?? .null,
        ]))
    }

    @Sendable func signIn(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSONBody(limit: 64 * 1024)
        guard case .string(let token)? = body["token"], !token.isEmpty else {
            throw APIError.input("Request body must be an object with a non-empty 'token' string")
        }
        guard !tokens.isEmpty else {
            // Nothing to protect: no cookie is needed (and none is set).
            return noStore(JSONResponse.make(["authRequired": .bool(false), "authenticated": .bool(true)]))
        }
        let presented = Array(token.utf8)
        guard let subject = tokens.subject(presented: presented) else {
            context.logger.warning("UI sign-in refused: wrong token")
            throw APIError(.authentication, "The token is not valid")
        }
        context.logger.info("UI sign-in", metadata: ["auth.subject": "\(subject)"])
        var response = noStore(JSONResponse.make(["authRequired": .bool(true), "authenticated": .bool(true), "subject": .string(subject)]))
        response.headers.append(HTTPField(name: .setCookie, value: cookie(
            value: TokenMatcher.encodeCookieValue(presented), maxAge: Self.maxAgeSeconds, request: request)))
        return response
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        var response = Response(status: .noContent)
        response.headers[.cacheControl] = "no-store"
        response.headers.append(HTTPField(name: .setCookie, value: cookie(value: "", maxAge: 0, request: request)))
        return response
    }

    private func cookie(value: String, maxAge: Int, request: Request) -> String {
        var cookie = "\(TokenMatcher.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
        if request.headers[.init("x-forwarded-proto")!]?.lowercased() == "https" { cookie += "; Secure" }
        return cookie
    }

    private func noStore(_ response: Response) -> Response {
        var response = response
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
