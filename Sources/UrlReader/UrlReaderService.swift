import Foundation

/// Reads data from URLs for providers (Backstage's `UrlReaderService.readUrl`).
public protocol UrlReaderService: Sendable {
    /// Reads `url`. With `etag`, an unchanged resource throws ``UrlReaderError/notModified``.
    func readUrl(_ url: String, etag: String?, lastModifiedAfter: Date?) async throws -> ReadUrlResponse
}

extension UrlReaderService {
    /// Reads `url` unconditionally.
    public func readUrl(_ url: String) async throws -> ReadUrlResponse {
        try await readUrl(url, etag: nil, lastModifiedAfter: nil)
    }
}

/// What a read returned.
public struct ReadUrlResponse: Sendable {
    public var bytes: [UInt8]
    /// The response's `ETag`, to pass back as `etag` next time.
    public var etag: String?
    public var lastModifiedAt: Date?

    public init(bytes: [UInt8], etag: String?, lastModifiedAt: Date?) {
        self.bytes = bytes
        self.etag = etag
        self.lastModifiedAt = lastModifiedAt
    }
}

/// Why a read failed. The message names the URL's host and path, never credentials or a body.
public struct UrlReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Unchanged since `etag` / `lastModifiedAfter` (HTTP 304).
        case notModified
        /// HTTP 404.
        case notFound
        /// Not in `backend.reading.allow`, or not http(s), or a forbidden address, or a redirect
        /// that is not followed (a loop, too many hops).
        case notAllowed
        /// Larger than the size cap.
        case tooLarge
        /// No answer within the timeout.
        case timeout
        /// The upstream's rate limit is exhausted (GitHub's `x-ratelimit-remaining: 0`): retryable
        /// once it resets.
        case rateLimited
        /// Any other failure (5xx, connection refused, bad redirect): retryable.
        case failed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (lhs: UrlReaderError, rhs: UrlReaderError) -> Bool { lhs.code == rhs.code }
}

extension UrlReaderError {
    static let notModified = UrlReaderError(.notModified, "not modified")
}

/// Values put into URL templates (`{id}`, `{env}`): percent-encoded as one path segment, so
/// `/`, `..` and other reserved characters cannot change the path.
public enum URLTemplate {
    /// `template` with each `{name}` replaced by the percent-encoded value.
    public static func expand(_ template: String, _ values: [String: String]) -> String {
        var result = template
        for (name, value) in values {
            result = result.replacingOccurrences(of: "{\(name)}", with: encodeSegment(value))
        }
        return result
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters; `.` and `..` alone are
    /// encoded too, so a value can never be a relative path step.
    public static func encodeSegment(_ value: String) -> String {
        if value == "." { return "%2E" }
        if value == ".." { return "%2E%2E" }
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
