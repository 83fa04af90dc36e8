import CatalogModel
import Events

/// One webhook topic's ingress settings (from `events.http.topics` or a module).
public struct IngressTopic: Sendable {
    /// Where an idempotency key comes from when the topic names one.
    public enum IdempotencySource: Sendable {
        case header(String)
        case payload(@Sendable (JSONValue) -> String?)
    }

    public var name: String
    public var maxBodyBytes: Int
    public var validator: (any RequestValidator)?
    public var idempotency: IdempotencySource?
    public var rateLimiter: TokenBucket?

    public init(name: String, maxBodyBytes: Int = 5 * 1024 * 1024, validator: (any RequestValidator)? = nil,
                idempotency: IdempotencySource? = nil, rateLimiter: TokenBucket? = nil) {
        self.name = name
        self.maxBodyBytes = maxBodyBytes
        self.validator = validator
        self.idempotency = idempotency
        self.rateLimiter = rateLimiter
    }

    /// Headers that carry secrets anywhere: never stored.
    public static let secretHeaders: Set<String> = [
        "authorization", "cookie", "x-gitlab-token", "x-hub-signature", "x-hub-signature-256", "webhook-signature",
        "proxy-authorization", "set-cookie",
    ]

    /// The request's headers without any that carry secrets (for this topic's validator too).
    public func storableMetadata(_ headers: [String: String]) -> [String: String] {
        let drop = Self.secretHeaders.union(validator?.secretHeaders ?? [])
        return headers.filter { name, _ in !drop.contains(name) && !name.hasPrefix("x-hub-signature") }
    }

    /// The idempotency key (SPEC §3.2 step 4): the topic's own source, else the first present of
    /// `idempotency-key`, `x-github-delivery`, `webhook-id`, `x-request-uuid`, `ce-source`+`ce-id`,
    /// `x-gitlab-event-uuid`.
    public func idempotencyKey(headers: [String: String], metadata: [String: String], payload: JSONValue) -> String? {
        switch idempotency {
        case .header(let name)?:
            return headers[name].flatMap { $0.isEmpty ? nil : $0 }
        case .payload(let extract)?:
            return extract(payload)
        case nil:
            let all = headers.merging(metadata) { header, _ in header }
            for name in ["idempotency-key", "x-github-delivery", "webhook-id", "x-request-uuid"] {
                if let value = all[name], !value.isEmpty { return value }
            }
            if let source = all["ce-source"], let id = all["ce-id"], !source.isEmpty, !id.isEmpty {
                return "\(source) \(id)"
            }
            if let value = all["x-gitlab-event-uuid"], !value.isEmpty { return value }
            return nil
        }
    }
}
