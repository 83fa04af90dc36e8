import CallboardConfig
import Foundation
import Webhooks

/// The headers a topic's configured validator checks, made with its first secret.
enum WebhookSignature {
    static func headers(for validator: CallboardConfiguration.Validator, body: [UInt8], topic: String) throws
        -> [String: String]
    {
        guard let secret = validator.secrets.first?.value else { return [:] }
        switch validator.kind {
        case .hmacSHA256, .github:
            return WebhookSigning.hmacSHA256(body: body, secret: secret, header: validator.header, prefix: validator.prefix)
        case .gitlab:
            return WebhookSigning.gitLabToken(secret: secret, header: validator.header)
        case .standardWebhooks:
            guard let headers = WebhookSigning.standardWebhooks(body: body, secret: secret, id: "msg_\(UUID().uuidString)")
            else { throw RemoteError(.local, "the standard-webhooks secret of topic '\(topic)' is not base64") }
            return headers
        }
    }
}
