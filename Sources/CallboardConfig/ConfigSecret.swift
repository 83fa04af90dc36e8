/// A secret read from configuration (a token, a webhook secret, a password).
///
/// Its description, debug description and mirror are `<redacted>`, so printing or dumping a
/// configuration value never shows it. Read ``value`` only where the secret is used.
public struct ConfigSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { ConfigRedaction.placeholder }
    public var debugDescription: String { ConfigRedaction.placeholder }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
