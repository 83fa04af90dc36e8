import Foundation

/// One entry of `backend.reading.allow`: a host (exact, or `*.suffix`), optionally with `:port`
/// or `:low-high`, and optional path prefixes (Backstage's rules).
public struct ReadingAllowRule: Sendable, Hashable {
    /// Lower-cased host or `*.suffix` pattern.
    public var host: String
    /// Allowed ports; nil means only URLs without an explicit port.
    public var ports: ClosedRange<Int>?
    /// Path prefixes, matched against the normalised path; empty allows every path.
    public var paths: [String]

    public init(host: String, ports: ClosedRange<Int>? = nil, paths: [String] = []) {
        self.host = host.lowercased()
        self.ports = ports
        self.paths = paths
    }

    /// Parses `host`, `host:port` or `host:low-high`; nil when malformed.
    public init?(pattern: String, paths: [String] = []) {
        var host = Substring(pattern.lowercased())
        var ports: ClosedRange<Int>?
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            let portText = host[host.index(after: colon)...]
            host = host[..<colon]
            let bounds = portText.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.map { (1...65535).contains($0) } ?? false }) else {
                return nil
            }
            let low = bounds[0]!, high = bounds.last!!
            guard low <= high else { return nil }
            ports = low...high
        }
        guard !host.isEmpty else { return nil }
        self.init(host: String(host), ports: ports, paths: paths)
    }

    /// Whether the rule names a host or address itself (no wildcard): only such a rule can allow
    /// loopback, link-local or metadata addresses.
    public var isExplicit: Bool { !host.hasPrefix("*.") }

    func matches(host candidate: String, port: Int?, scheme: String, path: String) -> Bool {
        let hostMatches: Bool
        if host.hasPrefix("*.") {
            hostMatches = candidate.hasSuffix(String(host.dropFirst(1))) && candidate.count > host.count - 1
        } else {
            hostMatches = candidate == host
        }
        guard hostMatches else { return false }
        if let ports {
            let effective = port ?? (scheme == "https" ? 443 : 80)
            guard ports.contains(effective) else { return false }
        } else if port != nil {
            return false
        }
        return paths.isEmpty || paths.contains { path.hasPrefix($0) }
    }
}

/// The allow-list of `backend.reading.allow`.
public struct ReadingAllowList: Sendable {
    public var rules: [ReadingAllowRule]

    public init(rules: [ReadingAllowRule]) {
        self.rules = rules
    }

    /// The rule that allows `url`, if any (scheme must be http or https).
    public func rule(for url: URL) -> ReadingAllowRule? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host?.lowercased(), !host.isEmpty
        else { return nil }
        let path = url.standardized.path.isEmpty ? "/" : url.standardized.path
        return rules.first { $0.matches(host: host, port: url.port, scheme: scheme, path: path) }
    }

    /// Whether an explicit rule names `address` itself (as written, or in brackets for IPv6) and
    /// allows `url`'s port and path on it: then `url`'s host may resolve to that address even if
    /// it is sensitive, since `url` with the address for its host could be read anyway.
    public func namesAddress(_ address: String, for url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        let path = url.standardized.path.isEmpty ? "/" : url.standardized.path
        let address = address.lowercased()
        return [address, "[\(address)]"].contains { form in
            rules.contains { $0.isExplicit && $0.host == form && $0.matches(host: form, port: url.port, scheme: scheme, path: path) }
        }
    }
}

/// Addresses that a reader never reaches unless a rule names them explicitly: loopback,
/// link-local (cloud metadata services live there), unspecified.
public enum AddressPolicy {
    /// True for 127.0.0.0/8, ::1, 0.0.0.0, ::, 169.254.0.0/16, fe80::/10, fd00:ec2::254 and
    /// IPv4-mapped forms of these.
    public static func isSensitive(_ address: String) -> Bool {
        var text = address.lowercased()
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.hasPrefix("::ffff:") { text = String(text.dropFirst(7)) }
        if text == "localhost" || text.hasSuffix(".localhost") { return true }
        let octets = text.split(separator: ".").map { Int($0) }
        if octets.count == 4, octets.allSatisfy({ $0 != nil }) {
            let first = octets[0]!, second = octets[1]!
            return first == 127 || first == 0 || (first == 169 && second == 254)
        }
        if text.contains(":") {
            return text == "::1" || text == "::" || text.hasPrefix("fe8") || text.hasPrefix("fe9")
                || text.hasPrefix("fea") || text.hasPrefix("feb") || text == "fd00:ec2::254"
        }
        return false
    }

    /// Whether `host` is a numeric IPv4 or IPv6 address in its standard form (brackets allowed),
    /// which is connected to without resolving. `127.1` or `2130706433` are not: getaddrinfo
    /// turns them into addresses, so they are resolved and checked like names.
    public static func isAddressLiteral(_ host: String) -> Bool {
        var text = host
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// The addresses `host` resolves to (numeric strings); empty when it does not resolve.
    public static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(result) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                           NI_NUMERICHOST) == 0 {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
