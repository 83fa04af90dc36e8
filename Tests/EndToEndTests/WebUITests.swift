import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// The web UI's files and its sign-in cookie, over HTTP (the browser run is `BrowserTests`).
@Suite struct WebUITests {
    static let token = "ui;token=with/semicolons+"

    static func config(protectReads: Bool = true) -> String {
        """
        backend:
          auth:
            externalAccess:
              - type: static
                options: { token: '\(token)', subject: ops }
            protectReads: \(protectReads)
        """
    }

    @Test func theUIIsServedWithAStrictContentSecurityPolicy() async throws {
        try await LiveServer.with { server in
            let page = try await server.get("/")
            #expect(page.status == 200)
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            #expect(page.text.contains(#"<script src="/ui/app.js" defer></script>"#))
            #expect(!page.text.contains("<script>"), "no inline script")
            #expect(!page.text.contains("style="), "no inline style")
            for path in ["/", "/ui/app.js", "/ui/app.css"] {
                let reply = try await server.get(path)
                #expect(reply.status == 200, "\(path)")
                let policy = try #require(reply.header("content-security-policy"), "\(path)")
                #expect(policy.contains("script-src 'self'"))
                #expect(policy.contains("style-src 'self'"))
                #expect(policy.contains("default-src 'none'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                #expect(reply.header("x-content-type-options") == "nosniff")
                #expect(try await server.request(.HEAD, path).status == 200, "HEAD \(path)")
            }
            #expect(try await server.get("/ui/app.js").header("content-type")?.hasPrefix("text/javascript") == true)
            #expect(try await server.get("/ui/app.css").header("content-type")?.hasPrefix("text/css") == true)
        }
    }

    @Test func theScriptNeverParsesDataAsHTML() async throws {
        try await LiveServer.with { server in
            let script = try await server.get("/ui/app.js").text
            #expect(script.contains("document.createTextNode"))
            for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
                #expect(!script.contains(sink), "\(sink)")
            }
        }
    }

    @Test func withoutAuthTheSessionNeedsNoToken() async throws {
        try await LiveServer.with { server in
            let session = try await server.get("/api/auth/session").json()
            #expect(session["authRequired"] == false)
            #expect(session["authenticated"] == true)
            let signIn = try await server.post("/api/auth/cookie", body: #"{"token":"anything"}"#)
            #expect(signIn.status == 200)
            #expect(signIn.header("set-cookie") == nil)
        }
    }

    @Test func theCookieCarriesTheTokenLikeTheBearerHeader() async throws {
        try await LiveServer.with(yaml: Self.config()) { server in
            let anonymous = try await server.get("/api/auth/session").json()
            #expect(anonymous["authRequired"] == true)
            #expect(anonymous["authenticated"] == false)
            // The page itself is open: it asks for the token.
            #expect(try await server.get("/").status == 200)
            #expect(try await server.get("/api/catalog/entities").status == 401)

            let wrong = try await server.post("/api/auth/cookie", body: #"{"token":"nope"}"#)
            #expect(wrong.status == 401)
            #expect(try wrong.json()["error"]?["name"] == "AuthenticationError")
            #expect(wrong.header("set-cookie") == nil)
            let empty = try await server.post("/api/auth/cookie", body: #"{}"#)
            #expect(empty.status == 400)
            #expect(try empty.json()["error"]?["name"] == "InputError")

            let body = JSONValue.object(["token": .string(Self.token)]).canonicalString()
            let signIn = try await server.post("/api/auth/cookie", body: body)
            #expect(signIn.status == 200)
            #expect(!signIn.text.contains(Self.token))
            let setCookie = try #require(signIn.header("set-cookie"))
            let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(attributes.contains("HttpOnly"))
            #expect(attributes.contains("SameSite=Strict"))
            #expect(attributes.contains("Path=/"))
            #expect(!attributes.contains("Secure"))
            let cookie = String(attributes[0])
            #expect(cookie.hasPrefix("callboard_token="))

            let withCookie = [("cookie", "other=1; \(cookie)")]
            #expect(try await server.request(.GET, "/api/catalog/entities", headers: withCookie).status == 200)
            #expect(try await server.request(.GET, "/api/events/topics", headers: withCookie).status == 200)
            let session = try await server.request(.GET, "/api/auth/session", headers: withCookie).json()
            #expect(session["authenticated"] == true)
            #expect(session["subject"] == "ops")

            // A forged or stale cookie is refused like a wrong bearer.
            for forged in ["callboard_token=bm9wZQ", "callboard_token=%%%", "callboard_token="] {
                #expect(try await server.request(.GET, "/api/events/topics", headers: [("cookie", forged)]).status == 401)
            }
            // A wrong bearer header is not rescued by a good cookie.
            let both = [("cookie", cookie), ("authorization", "Bearer wrong")]
            #expect(try await server.request(.GET, "/api/events/topics", headers: both).status == 401)

            let signOut = try await server.request(.DELETE, "/api/auth/cookie", headers: withCookie)
            #expect(signOut.status == 204)
            let cleared = try #require(signOut.header("set-cookie"))
            #expect(cleared.hasPrefix("callboard_token=;"))
            #expect(cleared.contains("Max-Age=0"))

            let behindTLS = try await server.request(.POST, "/api/auth/cookie", body: body,
                                                     headers: [("x-forwarded-proto", "https")])
            #expect(behindTLS.header("set-cookie")?.hasSuffix("; Secure") == true)
        }
    }
}
