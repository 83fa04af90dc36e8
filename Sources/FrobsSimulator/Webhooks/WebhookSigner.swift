import Crypto

/// Signs a webhook body with HMAC-SHA256: `<prefix><lower-case hex digest>`, computed over the
/// exact bytes sent.
struct WebhookSigner: Sendable {
    let header: String
    let prefix: String
    private let key: SymmetricKey

    init(secret: String, header: String, prefix: String) {
        self.key = SymmetricKey(data: Array(secret.utf8))
        self.header = header
        self.prefix = prefix
    }

    func signature(for body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return prefix + Hex.encode(code)
    }
}

/// Lower-case hexadecimal.
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
