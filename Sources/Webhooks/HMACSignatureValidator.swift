import Crypto
import Events

/// HMAC-SHA256 of the raw body, hex-encoded, in a header after a prefix (`sha256=` for GitHub's
/// `x-hub-signature-256`). Several secrets may be valid at once, for rotation.
public struct HMACSignatureValidator: RequestValidator {
    public let header: String
    public let prefix: String
    private let keys: [SymmetricKey]

    /// - Parameters:
    ///   - header: the header with the signature (any case).
    ///   - prefix: text before the hex digest.
    ///   - secrets: accepted secrets.
    public init(header: String, prefix: String, secrets: [String]) {
        self.header = header.lowercased()
        self.prefix = prefix
        self.keys = secrets.map { SymmetricKey(data: Array($0.utf8)) }
    }

    /// GitHub's `x-hub-signature-256: sha256=<hex>`.
    public static func github(secrets: [String]) -> HMACSignatureValidator {
        HMACSignatureValidator(header: "x-hub-signature-256", prefix: "sha256=", secrets: secrets)
    }

    public var secretHeaders: Set<String> {
        [header, "x-hub-signature", "x-hub-signature-256"]
    }

    public func rejection(for request: IngressRequest) -> String? {
        guard let value = request.headers[header] else { return "missing signature header \(header)" }
        guard value.hasPrefix(prefix), let given = Hex.decode(value.dropFirst(prefix.count)) else {
            return "malformed signature in \(header)"
        }
        for key in keys {
            let expected = HMAC<SHA256>.authenticationCode(for: request.body, using: key)
            if ConstantTime.equals(Array(expected), given) { return nil }
        }
        return "signature in \(header) does not match the body"
    }
}

/// Hex decoding for signatures.
enum Hex {
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
