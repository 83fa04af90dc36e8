/// A configuration problem found while loading or reading the configuration.
///
/// The ``message`` is a single line meant for the operator, usually `"<key path>: <problem>"`,
/// for example `backend.listen.port: expected an integer from 0 to 65535, got 70000`.
/// Messages never contain secret values.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is.
    public enum Code: String, Sendable, Hashable {
        /// A configuration file (or a `$file` / `$include` target) does not exist or cannot be read.
        case missingFile
        /// A configuration file is not valid YAML, or its top level is not a mapping.
        case syntax
        /// A `${VAR}` reference names an environment variable that is not set.
        case missingVariable
        /// A key that is not allowed at this place (usually a typo).
        case unknownKey
        /// A required key is absent (or null).
        case missingKey
        /// A value of the wrong type or outside its allowed range.
        case invalidValue
    }

    /// What kind of problem this is.
    public var code: Code
    /// One line describing the problem, naming the file or the full key path.
    public var message: String
    /// The full key path the problem is about (`events.http.topics[1].validator`), when there is one.
    public var keyPath: String?

    /// Creates an error.
    public init(code: Code, message: String, keyPath: String? = nil) {
        self.code = code
        self.message = message
        self.keyPath = keyPath
    }

    /// Creates an error about the value at `keyPath`; the message becomes `"<keyPath>: <problem>"`.
    public init(code: Code, keyPath: String, problem: String) {
        self.code = code
        self.keyPath = keyPath
        self.message = keyPath.isEmpty ? problem : "\(keyPath): \(problem)"
    }

    /// The message.
    public var description: String { message }
}
