public import HTTPTypes

/// An error that answers with Backstage's error body:
/// `{"error":{"name","message"},"request":{"method","url"},"response":{"statusCode"}}`.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// The Backstage error names and their status codes.
    public struct Name: Sendable, Hashable {
        public let rawValue: String
        public let status: HTTPResponse.Status

        public static let input = Name(rawValue: "InputError", status: .badRequest)
        public static let authentication = Name(rawValue: "AuthenticationError", status: .unauthorized)
        public static let notAllowed = Name(rawValue: "NotAllowedError", status: .forbidden)
        public static let notFound = Name(rawValue: "NotFoundError", status: .notFound)
        public static let methodNotAllowed = Name(rawValue: "NotAllowedError", status: .methodNotAllowed)
        public static let conflict = Name(rawValue: "ConflictError", status: .conflict)
        public static let payloadTooLarge = Name(rawValue: "PayloadTooLargeError", status: .contentTooLarge)
        public static let unsupportedMediaType = Name(rawValue: "UnsupportedMediaTypeError", status: .unsupportedMediaType)
        public static let tooManyRequests = Name(rawValue: "TooManyRequestsError", status: .tooManyRequests)
        public static let serviceUnavailable = Name(rawValue: "ServiceUnavailableError", status: .serviceUnavailable)
        public static let `internal` = Name(rawValue: "Error", status: .internalServerError)
    }

    public var name: Name
    /// Shown to the client: never SQL, stack traces, payloads or secrets.
    public var message: String
    /// Extra response headers (`Retry-After`, …).
    public var headers: HTTPFields

    public init(_ name: Name, _ message: String, headers: HTTPFields = [:]) {
        self.name = name
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(name.rawValue): \(message)" }

    public static func input(_ message: String) -> APIError { APIError(.input, message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
}
