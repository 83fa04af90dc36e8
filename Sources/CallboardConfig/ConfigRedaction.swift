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
    /// (`scheme://user:<redacted>@host`). Linear in the length of `text` (it runs on error
    /// messages that echo client input, so no backtracking regex).
    public static func redactingURLPassword(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        let bytes = Array(text.utf8)
        let count = bytes.count
        var out: [UInt8] = []
        out.reserveCapacity(count)
        func ends(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "/") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        }
        var index = 0
        while index < count {
            let startsAuthority = index > 0 && index + 2 < count && bytes[index] == UInt8(ascii: ":")
                && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/")
                && isSchemeByte(bytes[index - 1])
            guard startsAuthority else {
                out.append(bytes[index])
                index += 1
                continue
            }
            let user = index + 3
            out.append(contentsOf: bytes[index..<user])
            // `user:password@`: the scans stop at `/`, so they never run into the next `://`.
            var colon = user
            while colon < count, !ends(bytes[colon]), bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            if colon < count, bytes[colon] == UInt8(ascii: ":") {
                var at = colon + 1
                while at < count, !ends(bytes[at]) { at += 1 }
                if at < count, bytes[at] == UInt8(ascii: "@"), at > colon + 1 {
                    out.append(contentsOf: bytes[user...colon])
                    out.append(contentsOf: placeholder.utf8)
                    out.append(UInt8(ascii: "@"))
                    index = at + 1
                    continue
                }
            }
            index = user
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
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
