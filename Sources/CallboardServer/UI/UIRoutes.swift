import Hummingbird
import NIOCore

/// The operator's web UI (SPEC §2, `GET /`): one HTML page, one stylesheet and one script, all
/// compiled into the binary (so `callboard serve` needs no files beside it). The page renders in
/// the browser from the JSON API; the script builds the DOM with `textContent` only.
///
/// Every UI response carries a Content-Security-Policy without `unsafe-inline` (scripts and
/// styles only from this origin, no frames, no plugins), `nosniff` and `no-referrer`.
struct UIRoutes<Context: RequestContext> {
    /// The policy of every UI response.
    static var contentSecurityPolicy: String {
        [
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "connect-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    func register(on router: Router<Context>) {
        let files = [
            ("/", UIAssets.page, "text/html; charset=utf-8"),
            ("ui/app.css", UIAssets.styles, "text/css; charset=utf-8"),
            ("ui/app.js", UIAssets.script, "text/javascript; charset=utf-8"),
        ]
        for (path, text, type) in files {
            router.get(RouterPath(path)) { _, _ in Self.asset(text, type: type) }
            router.head(RouterPath(path)) { _, _ in Self.asset(text, type: type) }
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type,
                .contentSecurityPolicy: contentSecurityPolicy,
                .init("x-content-type-options")!: "nosniff",
                .init("referrer-policy")!: "no-referrer",
                .init("x-frame-options")!: "DENY",
                .cacheControl: "no-cache",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The UI's files, as string constants (one per file, see `UIAssets+*.swift`).
enum UIAssets {
    /// The script: the parts concatenated in order (core first).
    static let script = [scriptCore, scriptCatalog, scriptEntity, scriptEvents, scriptOperations, scriptMain]
        .joined(separator: "\n")
}
