import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Reads http(s) URLs allowed by `backend.reading.allow` (SPEC §6), with a timeout, a size cap,
/// conditional requests (`If-None-Match`, `If-Modified-Since`) and redirects followed by hand so
/// that every hop is checked against the allow-list and the address policy again.
///
/// A host name is resolved once per hop, every address it resolves to is checked, and the
/// connection goes to a checked address (the request keeps the name in `Host` and in TLS's SNI
/// and certificate check): a name that resolves to a public address when it is checked and to
/// loopback when it is connected (DNS rebinding) cannot reach loopback.
public final class HTTPUrlReader: UrlReaderService {
    /// Resolves a host name to numeric addresses (`AddressPolicy.resolve`, getaddrinfo, by default).
    public typealias Resolver = @Sendable (String) -> [String]

    public let allowList: ReadingAllowList
    public let timeout: Duration
    public let maxBytes: Int
    public let maxRedirects: Int
    private let resolver: Resolver
    private let client: HTTPClient

    public init(allowList: ReadingAllowList, timeout: Duration = .seconds(30), maxBytes: Int = 32 * 1024 * 1024,
                maxRedirects: Int = 5, resolver: @escaping Resolver = AddressPolicy.resolve) {
        self.allowList = allowList
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.resolver = resolver
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration(pinning: [:]))
    }

    static func configuration(pinning: [String: String]) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.dnsOverride = pinning
        return configuration
    }

    /// Closes the HTTP client's connections.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Describes a URL without credentials or query (for errors and logs).
    static func describe(_ url: URL) -> String {
        "\(url.scheme ?? "?")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
    }

    /// Where a checked URL is connected to.
    enum Destination: Equatable {
        /// As the URL says: an address literal, or a sensitive host its rule names itself.
        case asWritten
        /// This address, checked, for the URL's host name.
        case pinned(String)
    }

    /// Throws unless `url` may be read: http(s), allowed by a rule, and not resolving to a
    /// sensitive address unless the allow-list names that address (or the sensitive host)
    /// explicitly. Returns where to connect.
    func check(_ url: URL) throws -> Destination {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw UrlReaderError(.notAllowed, "Reading from '\(Self.describe(url))' is not allowed: only http and https URLs can be read")
        }
        guard let rule = allowList.rule(for: url), let host = url.host?.lowercased() else {
            throw UrlReaderError(.notAllowed,
                "Reading from '\(Self.describe(url))' is not allowed; add its host to backend.reading.allow")
        }
        // Only a rule that names a sensitive host itself (`127.0.0.1:8000-9000`, `localhost`)
        // allows it; any other host must not resolve to one (DNS pointing inwards) unless the
        // allow-list names that address itself for this port and path.
        if rule.isExplicit && rule.host == host && AddressPolicy.isSensitive(host) { return .asWritten }
        let refused = UrlReaderError(.notAllowed,
            "Reading from '\(Self.describe(url))' is not allowed: it resolves to a loopback, link-local or metadata address; name that host explicitly in backend.reading.allow to allow it")
        if AddressPolicy.isSensitive(host) { throw refused }
        if AddressPolicy.isAddressLiteral(host) { return .asWritten }
        let addresses = resolver(host)
        guard !addresses.isEmpty else {
            throw UrlReaderError(.failed, "Reading '\(Self.describe(url))' failed: its host does not resolve")
        }
        for address in addresses where AddressPolicy.isSensitive(address) {
            guard allowList.namesAddress(address, for: url) else { throw refused }
        }
        // IPv4 first: without happy eyeballs across the checked addresses, the family that
        // works almost everywhere.
        return .pinned(addresses.first { !$0.contains(":") } ?? addresses[0])
    }

    /// What one hop gave: the resource, or where it redirects.
    private enum Hop {
        case read(ReadUrlResponse)
        case redirect(URL)
    }

    public func readUrl(_ url: String, etag: String?, lastModifiedAfter: Date?) async throws -> ReadUrlResponse {
        guard var current = URL(string: url) else {
            throw UrlReaderError(.notAllowed, "'\(url.prefix(200))' is not a valid URL")
        }
        var hops = 0
        while true {
            let destination = try check(current)
            // A pinned hop gets a client of its own whose only name resolves to the checked
            // address, closed after the hop.
            var pinnedClient: HTTPClient?
            if case .pinned(let address) = destination, let host = current.host {
                var pinning = [host: address]
                pinning[host.lowercased()] = address
                pinnedClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.configuration(pinning: pinning))
            }
            let outcome: Result<Hop, any Error>
            do {
                outcome = .success(try await hop(current, client: pinnedClient ?? client, etag: etag,
                                                 lastModifiedAfter: lastModifiedAfter, hops: hops))
            } catch {
                outcome = .failure(error)
            }
            try? await pinnedClient?.shutdown()
            switch try outcome.get() {
            case .read(let response):
                return response
            case .redirect(let next):
                hops += 1
                current = next
            }
        }
    }

    private func hop(_ current: URL, client: HTTPClient, etag: String?, lastModifiedAfter: Date?, hops: Int) async throws -> Hop {
        var request = HTTPClientRequest(url: current.absoluteString)
        request.method = .GET
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModifiedAfter {
            request.headers.add(name: "If-Modified-Since", value: Self.httpDate(lastModifiedAfter))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                + timeout.components.attoseconds / 1_000_000_000))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
            || error == .connectTimeout {
            throw UrlReaderError(.timeout, "Reading '\(Self.describe(current))' timed out after \(timeout)")
        } catch {
            throw UrlReaderError(.failed, "Reading '\(Self.describe(current))' failed: \(error)")
        }
        let status = Int(response.status.code)
        switch status {
        case 304:
            throw UrlReaderError(.notModified, "'\(Self.describe(current))' is not modified")
        case 404:
            throw UrlReaderError(.notFound, "'\(Self.describe(current))' was not found (404)")
        case 300...399:
            guard hops < maxRedirects, let location = response.headers.first(name: "location"),
                let next = URL(string: location, relativeTo: current)?.absoluteURL
            else {
                // A loop, too many hops or no Location: the reader refuses it, as it refuses
                // a disallowed host (retrying cannot help).
                throw UrlReaderError(.notAllowed,
                    "Reading '\(Self.describe(current))' gave a redirect that is not followed (more than \(maxRedirects) hops, or no Location)")
            }
            return .redirect(next)
        case 200...299:
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: maxBytes)
            } catch is NIOTooManyBytesError {
                throw UrlReaderError(.tooLarge, "'\(Self.describe(current))' is larger than \(maxBytes) bytes")
            } catch {
                throw UrlReaderError(.failed, "Reading '\(Self.describe(current))' failed: \(error)")
            }
            return .read(ReadUrlResponse(
                bytes: Array(body.readableBytesView), etag: response.headers.first(name: "etag"),
                lastModifiedAt: response.headers.first(name: "last-modified").flatMap(Self.parseHTTPDate)))
        default:
            throw UrlReaderError(.failed, "Reading '\(Self.describe(current))' answered HTTP \(status)")
        }
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
