import AsyncHTTPClient
import CatalogModel
import Foundation
import NIOCore
import NIOHTTP1
import UrlReader

/// GitHub's REST API for one integration (SPEC §9): list an organisation's repositories and
/// read files, with the integration's token, honouring etags and rate limits.
///
/// A 403 or 429 with `x-ratelimit-remaining: 0` (or a `retry-after`) waits for the reset when
/// it is near (at most ``maxRateLimitWait``) and tries once more; otherwise it throws a
/// ``UrlReaderError`` with code `rateLimited`, which callers retry later. Error messages name
/// the host and path, never the token.
public final class GitHubClient: Sendable {
    public let integration: GitHubIntegrationConfig
    public let timeout: Duration
    public let maxBytes: Int
    /// The longest wait for a rate limit to reset before giving up on a request.
    public let maxRateLimitWait: Duration
    private let http: HTTPClient

    public init(integration: GitHubIntegrationConfig, timeout: Duration = .seconds(30), maxBytes: Int = 5 * 1024 * 1024,
                maxRateLimitWait: Duration = .seconds(60), http: HTTPClient = .shared) {
        self.integration = integration
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.maxRateLimitWait = maxRateLimitWait
        self.http = http
    }

    /// The organisation's repositories, every page (`Link: rel="next"`).
    public func repositories(organization: String) async throws -> [GitHubRepository] {
        var next: String? = "\(integration.apiBaseUrl)/orgs/\(URLTemplate.encodeSegment(organization))/repos?per_page=100&page=1"
        var repositories: [GitHubRepository] = []
        var pages = 0
        while let url = next, pages < 1000 {
            pages += 1
            let response = try await get(url, accept: "application/vnd.github+json", etag: nil)
            guard response.status == 200 else {
                throw Self.error(status: response.status, url)
            }
            guard case .array(let items) = try? JSONParser.parse(response.body) else {
                throw UrlReaderError(.failed, "\(Self.describe(url)) did not answer a JSON array")
            }
            repositories += items.compactMap(GitHubRepository.init(json:))
            next = Self.nextLink(response.headers.first(name: "link")).flatMap { link in
                // Only ever follow links on the same API: a forged header cannot send the token elsewhere.
                link.hasPrefix(integration.apiBaseUrl + "/") ? link : nil
            }
        }
        return repositories
    }

    /// A file at `ref` (`GET /repos/{owner}/{repo}/contents/{path}?ref=`, raw media type).
    /// With `etag`, an unchanged file throws ``UrlReaderError`` `notModified`.
    public func file(owner: String, repository: String, path: String, ref: String, etag: String?) async throws
        -> ReadUrlResponse
    {
        let segments = path.split(separator: "/").map { URLTemplate.encodeSegment(String($0)) }.joined(separator: "/")
        let url = "\(integration.apiBaseUrl)/repos/\(URLTemplate.encodeSegment(owner))/"
            + "\(URLTemplate.encodeSegment(repository))/contents/\(segments)?ref=\(URLTemplate.encodeSegment(ref))"
        let response = try await get(url, accept: "application/vnd.github.raw", etag: etag)
        switch response.status {
        case 200:
            return ReadUrlResponse(bytes: response.body, etag: response.headers.first(name: "etag"), lastModifiedAt: nil)
        case 304:
            throw UrlReaderError(.notModified, "\(Self.describe(url)) is not modified")
        default:
            throw Self.error(status: response.status, url)
        }
    }

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// One GET with the token, waiting once for a near rate-limit reset.
    func get(_ url: String, accept: String, etag: String?) async throws -> Response {
        var waited = false
        while true {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: accept)
            request.headers.add(name: "User-Agent", value: "Callboard")
            request.headers.add(name: "X-GitHub-Api-Version", value: "2022-11-28")
            if let token = integration.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            if let etag { request.headers.add(name: "If-None-Match", value: etag) }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: .seconds(timeout.components.seconds))
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
                || error == .connectTimeout {
                throw UrlReaderError(.timeout, "Reading \(Self.describe(url)) timed out after \(timeout)")
            } catch {
                throw UrlReaderError(.failed, "Reading \(Self.describe(url)) failed: \(error)")
            }
            let status = Int(response.status.code)
            if let wait = Self.rateLimitWait(status: status, headers: response.headers) {
                guard !waited, wait <= maxRateLimitWait else {
                    let seconds = Int(wait.components.seconds)
                    throw UrlReaderError(.rateLimited, "GitHub's rate limit for \(integration.host) is exhausted; it resets in \(seconds) s")
                }
                waited = true
                try await Task.sleep(for: wait)
                continue
            }
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: maxBytes)
            } catch is NIOTooManyBytesError {
                throw UrlReaderError(.tooLarge, "\(Self.describe(url)) is larger than \(maxBytes) bytes")
            } catch {
                throw UrlReaderError(.failed, "Reading \(Self.describe(url)) failed: \(error)")
            }
            return Response(status: status, headers: response.headers, body: Array(body.readableBytesView))
        }
    }

    /// How long to wait when an answer says the rate limit is exhausted; nil when it does not.
    static func rateLimitWait(status: Int, headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        guard status == 403 || status == 429 else { return nil }
        if let retryAfter = headers.first(name: "retry-after").flatMap(Int.init) {
            return .seconds(max(0, retryAfter))
        }
        guard headers.first(name: "x-ratelimit-remaining") == "0" else { return nil }
        guard let reset = headers.first(name: "x-ratelimit-reset").flatMap(Double.init) else { return .seconds(60) }
        return .milliseconds(Int64(max(0, (reset - now.timeIntervalSince1970) * 1000)))
    }

    /// The `rel="next"` URL of a `Link` header.
    static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count >= 2, pieces.dropFirst().contains(where: { $0 == #"rel="next""# || $0 == "rel=next" }),
                  pieces[0].hasPrefix("<"), pieces[0].hasSuffix(">")
            else { continue }
            return String(pieces[0].dropFirst().dropLast())
        }
        return nil
    }

    static func error(status: Int, _ url: String) -> UrlReaderError {
        switch status {
        case 404: return UrlReaderError(.notFound, "\(describe(url)) was not found (404)")
        case 401, 403: return UrlReaderError(.notAllowed, "\(describe(url)) answered HTTP \(status): check the integration's token")
        default: return UrlReaderError(.failed, "\(describe(url)) answered HTTP \(status)")
        }
    }

    /// Host and path of `url`, for messages: no query, no credentials.
    static func describe(_ url: String) -> String {
        guard let parsed = URL(string: url), let host = parsed.host else { return "a GitHub URL" }
        return "\(host)\(parsed.port.map { ":\($0)" } ?? "")\(parsed.path)"
    }
}
