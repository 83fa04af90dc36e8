import UrlReader

/// Why a location could not be read. The message names the location, never a credential.
public struct LocationReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The target does not exist (HTTP 404, no such file).
        case notFound
        /// The target is not allowed (`backend.reading.allow`, forbidden address, type rules).
        case notAllowed
        /// The content is not valid YAML / entities, or a target is malformed.
        case invalid
        /// Anything else (5xx, timeout, rate limit): worth retrying later.
        case failed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The location error for a URL reader error on `key`.
    init(reading key: String, _ error: any Error) {
        guard let error = error as? UrlReaderError else {
            self.init(.failed, "\(key) could not be read: \(error)")
            return
        }
        switch error.code {
        case .notFound: self.init(.notFound, "\(key) was not found")
        case .notAllowed: self.init(.notAllowed, "\(key) may not be read: \(error.message)")
        case .tooLarge: self.init(.invalid, "\(key) cannot be read: \(error.message)")
        default: self.init(.failed, "\(key) could not be read: \(error.message)")
        }
    }
}
