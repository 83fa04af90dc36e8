import CatalogModel
import Foundation

/// Hides secrets in a configuration tree, for `callboard config print` and for logs.
///
/// A key holds a secret when its name, compared case-insensitively, is one of `token`,
/// `password`, `secret`, `secrets`, `webhookSecret`, `clientSecret`, `privateKey`, or ends with
/// `token`, `tokens`, `password`, `secret`, `secrets`, `privatekey`, `apikey`,
/// `secretaccesskey` or `authorization` (`accessToken`, `clientSecret`, `apiKey`, …). Every scalar
/// below such a key becomes `"<redacted>"` (lists and objects keep their shape, so one can still
/// see how many secrets a rotation list holds). Anywhere in the tree, the password of a URL with
/// credentials (`postgresql://user:pass@host/db`) is replaced too.
public enum ConfigRedaction {
    /// The text that replaces a secret.
    public static let placeholder = "<redacted>"

    private static let secretSuffixes = [
        "token", "tokens", "password", "secret", "secrets", "privatekey", "apikey", "secretaccesskey", "authorization",
    ]

    /// Whether a key with this name holds a secret.
    public static func isSecretKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return secretSuffixes.contains { lower.hasSuffix($0) }
    }

    /// `root` with its secrets replaced by ``placeholder``.
    public static func redacted(_ root: JSONValue) -> JSONValue {
        redact(root, secret: false)
    }

    /// The YAML text of `root` with its secrets redacted; what `callboard config print` shows.
    public static func redactedYAML(_ root: JSONValue) -> String {
        ConfigYAML.render(redacted(root))
    }

    /// `text` with the password of every URL with credentials replaced
    /// (`scheme://user:<redacted>@host`).
    public static func redactingURLPassword(_ text: String) -> String {
        guard urlPasswordRange(in: text) != nil else { return text }
        return text.replacing(#/([A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:]*):[^\s/@]+@/#) { match in
            "\(match.output.1):\(placeholder)@"
        }
    }

    /// True when `text` contains an URL with a password (`scheme://user:password@…`).
    static func containsURLPassword(_ text: String) -> Bool {
        urlPasswordRange(in: text) != nil
    }

    private static func urlPasswordRange(in text: String) -> Range<String.Index>? {
        guard let match = text.firstMatch(of: #/[A-Za-z][A-Za-z0-9+.\-]*://([^\s/@:]*):([^\s/@]+)@/#) else {
            return nil
        }
        return match.output.2.startIndex..<match.output.2.endIndex
    }

    private static func redact(_ value: JSONValue, secret: Bool) -> JSONValue {
        switch value {
        case .null:
            return .null
        case .bool, .int, .double:
            return secret ? .string(placeholder) : value
        case .string(let text):
            return secret ? .string(placeholder) : .string(redactingURLPassword(text))
        case .array(let elements):
            return .array(elements.map { redact($0, secret: secret) })
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                result[key] = redact(member, secret: secret || isSecretKey(key))
            }
            return .object(result)
        }
    }
}
