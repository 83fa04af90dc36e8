import Crypto
import Foundation

/// Signs a webhook body the way the validators check it, for senders (`callboard events send`,
/// tests): each function returns the headers to add to the request.
public enum WebhookSigning {
    /// HMAC-SHA256 of `body` with `secret`, hex-encoded after `prefix`, in `header`
    /// (`hmac-sha256` topics; GitHub's `x-hub-signature-256` with prefix `sha256=`).
    public static func hmacSHA256(body: [UInt8], secret: String, header: String, prefix: String) -> [String: String] {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return [header.lowercased(): prefix + code.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()]
    }

    /// GitLab's shared token, sent as it is.
    public static func gitLabToken(secret: String, header: String = "x-gitlab-token") -> [String: String] {
        [header.lowercased(): secret]
    }

    /// Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64>`
    /// over `"\(id).\(timestamp).\(body)"`. Nil when `secret` (optionally `whsec_`-prefixed) is not base64.
    public static func standardWebhooks(body: [UInt8], secret: String, id: String, timestamp: Date = Date())
        -> [String: String]?
    {
        let text = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let key = Data(base64Encoded: text) else { return nil }
        let seconds = String(Int(timestamp.timeIntervalSince1970))
        var signed = Array("\(id).\(seconds).".utf8)
        signed.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return ["webhook-id": id, "webhook-timestamp": seconds, "webhook-signature": "v1," + Data(code).base64EncodedString()]
    }
}
