/// A webhook request as ingress sees it: lower-cased headers and the raw body bytes.
public struct IngressRequest: Sendable {
    /// Header names lower-cased; repeated headers joined with ", ".
    public var headers: [String: String]
    /// The body exactly as received.
    public var body: [UInt8]

    public init(headers: [String: String], body: [UInt8]) {
        self.headers = headers
        self.body = body
    }

    /// The media type of `content-type` without parameters, lower-cased.
    public var mediaType: String? {
        guard let contentType = headers["content-type"] else { return nil }
        let base = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? contentType
        let trimmed = base.trimming(while: { $0 == " " || $0 == "\t" }).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// Checks a request before anything is stored (Backstage's `RequestValidator`), over the raw
/// bytes as received.
public protocol RequestValidator: Sendable {
    /// Headers that carry secrets for this validator; they never reach stored metadata.
    var secretHeaders: Set<String> { get }
    /// Nil when the request is accepted, otherwise why it was rejected (shown to the sender, so
    /// it must not reveal secrets).
    func rejection(for request: IngressRequest) -> String?
}

extension StringProtocol {
    /// The text without leading and trailing characters that match `predicate`.
    fileprivate func trimming(while predicate: (Character) -> Bool) -> String {
        var slice = Substring(self)
        while let first = slice.first, predicate(first) { slice.removeFirst() }
        while let last = slice.last, predicate(last) { slice.removeLast() }
        return String(slice)
    }
}
