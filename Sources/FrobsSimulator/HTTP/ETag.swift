import Crypto
import Foundation
import Hummingbird

/// Strong ETags computed from the body served, and `If-None-Match` matching.
enum ETag {
    /// `"<first 16 bytes of SHA-256, hex>"`: equal bodies have equal tags.
    static func of(_ bytes: [UInt8]) -> String {
        "\"" + Hex.encode(SHA256.hash(data: bytes).prefix(16)) + "\""
    }

    /// Whether an `If-None-Match` value (a list of tags, weak or strong, or `*`) matches `etag`.
    static func matches(_ ifNoneMatch: String?, _ etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}
