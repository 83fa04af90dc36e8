import Crypto
import Events
import Foundation

/// Standard Webhooks (Svix): `webhook-signature: v1,<base64>` (several, space-separated) over
/// `"\(webhook-id).\(webhook-timestamp).\(body)"` with HMAC-SHA256, a base64 secret
/// (`whsec_` prefix optional), and a timestamp within `tolerance` of now.
public struct StandardWebhooksValidator: RequestValidator {
    private let keys: [SymmetricKey]
    public let tolerance: TimeInterval
    private let now: @Sendable () -> Date

    /// - Returns: nil when a secret is not valid base64.
    public init?(secrets: [String], tolerance: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        var keys: [SymmetricKey] = []
        for secret in secrets {
            let text = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
            guard let data = Data(base64Encoded: text) else { return nil }
            keys.append(SymmetricKey(data: data))
        }
        self.keys = keys
        self.tolerance = tolerance
        self.now = now
    }

    public var secretHeaders: Set<String> { ["webhook-signature"] }

    public func rejection(for request: IngressRequest) -> String? {
        guard let id = request.headers["webhook-id"], let timestamp = request.headers["webhook-timestamp"],
            let signatures = request.headers["webhook-signature"]
        else { return "missing webhook-id, webhook-timestamp or webhook-signature" }
        guard let seconds = TimeInterval(timestamp), abs(now().timeIntervalSince1970 - seconds) <= tolerance else {
            return "webhook-timestamp is missing or too far from the current time"
        }
        var signed = Array("\(id).\(timestamp).".utf8)
        signed.append(contentsOf: request.body)
        let given = signatures.split(separator: " ").compactMap { part -> [UInt8]? in
            guard part.hasPrefix("v1,") else { return nil }
            return Data(base64Encoded: String(part.dropFirst(3))).map { [UInt8]($0) }
        }
        for key in keys {
            let expected = Array(HMAC<SHA256>.authenticationCode(for: signed, using: key))
            for signature in given where ConstantTime.equals(expected, signature) { return nil }
        }
        return "webhook-signature does not match"
    }
}
