import Crypto

/// Stable content hashes: SHA-256 over canonical JSON, as lower-case hex.
public enum ContentHash {
    /// Hex digits of the hash that are kept (160 bits, the width of Backstage's SHA-1 hashes).
    static let hexLength = 40

    /// The hash of a sequence of byte chunks, each length-prefixed so that chunk boundaries count.
    public static func of(_ chunks: [[UInt8]]) -> String {
        var hasher = SHA256()
        for chunk in chunks {
            var length = UInt64(chunk.count).littleEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hex(_ digest: SHA256.Digest) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(hexLength)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
            if out.count >= hexLength { break }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
