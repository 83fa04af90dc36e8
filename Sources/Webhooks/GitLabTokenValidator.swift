import Events
/// GitLab's shared secret, sent as-is in `x-gitlab-token` (not a signature), compared in
/// constant time against each accepted secret.
public struct GitLabTokenValidator: RequestValidator {
    private let secrets: [[UInt8]]
    public let header: String

    public init(secrets: [String], header: String = "x-gitlab-token") {
        self.secrets = secrets.map { Array($0.utf8) }
        self.header = header.lowercased()
    }

    public var secretHeaders: Set<String> { [header, "x-gitlab-token"] }

    public func rejection(for request: IngressRequest) -> String? {
        guard let token = request.headers[header] else { return "missing token header \(header)" }
        let given = Array(token.utf8)
        var matched = false
        for secret in secrets where ConstantTime.equals(secret, given) { matched = true }
        return matched ? nil : "token in \(header) is not accepted"
    }
}
