import CallboardConfig
import Foundation
import Hummingbird
import Webhooks

/// Matches a presented token against `backend.auth.externalAccess` in constant time, whether it
/// came as `Authorization: Bearer <token>` or in the UI's HttpOnly cookie (SPEC §2).
struct TokenMatcher: Sendable {
    /// The cookie the UI keeps the token in (set by `POST /api/auth/cookie`).
    static let cookieName = "callboard_token"

    private let accesses: [(token: [UInt8], subject: String)]

    init(_ auth: CallboardConfiguration.Auth) {
        accesses = auth.externalAccess.map { (Array($0.token.value.utf8), $0.subject) }
    }

    /// True when no token is configured (every route is open).
    var isEmpty: Bool { accesses.isEmpty }

    /// The subject of the configured token equal to `presented`, if one is.
    func subject(presented: [UInt8]) -> String? {
        var matched: String?
        // Compare with every token, so the time does not tell which one matched.
        for access in accesses where ConstantTime.equals(presented, access.token) {
            matched = matched ?? access.subject
        }
        return matched
    }

    /// The subject of the token the request carries: the bearer header first, else the cookie.
    func subject(of request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return subject(presented: Array(parts[1].utf8))
        }
        guard let cookie = Self.cookieToken(request) else { return nil }
        return subject(presented: cookie)
    }

    /// The token in the UI's cookie, decoded (it is stored base64url-encoded, so any token is a
    /// valid cookie value).
    static func cookieToken(_ request: Request) -> [UInt8]? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName else { continue }
                return decodeCookieValue(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    /// base64url without padding, as the cookie value carries the token.
    static func encodeCookieValue(_ token: [UInt8]) -> String {
        Data(token).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCookieValue(_ value: String) -> [UInt8]? {
        var text = value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text).map(Array.init)
    }
}
