/// A Frobs source: the upstream unit the guide calls `frobs-{id}`, holding a list of frobs.
/// Webhooks name a source by its `id`; Callboard substitutes it into `eventUrl`.
public struct FrobSource: Sendable, Hashable, Codable {
    /// Letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64 characters
    /// (see ``isValidID(_:)``).
    public var id: String
    public var frobs: [Frob]

    /// A source with its frobs.
    public init(id: String, frobs: [Frob]) {
        self.id = id
        self.frobs = frobs
    }

    /// Whether `id` can name a source: 1–64 characters of `[A-Za-z0-9._-]`, the first a letter
    /// or digit. Such an id needs no escaping in a URL path segment or a JSON string.
    public static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Orders ids as people expect: numeric ids by value first, then the others by their text.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        switch (Int(lhs), Int(rhs)) {
        case let (left?, right?): return left != right ? left < right : lhs < rhs
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return lhs < rhs
        }
    }
}
