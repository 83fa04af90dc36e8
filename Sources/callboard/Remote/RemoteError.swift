/// Why a command that talks to a running Callboard failed: printed as one line
/// (`Error: callboard: …`), exit status 1, no stack trace.
struct RemoteError: Error, CustomStringConvertible {
    enum Code: String {
        /// No connection (nothing listening, wrong host, timeout).
        case unreachable
        /// 401: no token, or a token the server does not accept.
        case unauthorized
        /// 403: the server refused the request (a webhook's signature, …).
        case forbidden
        /// 404: no such topic, dead letter or entity.
        case notFound
        /// Another error status.
        case failed
        /// A problem on this side: a file, the configuration, an argument.
        case local
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "callboard: \(message)" }
}
