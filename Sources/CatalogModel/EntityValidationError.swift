/// Why an entity is invalid: the field (a dotted path such as `metadata.name` or `spec.owner`),
/// the rule it breaks, and a message that names both.
public struct EntityValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Dotted path of the offending field; empty for the entity as a whole.
    public var field: String
    /// A short identifier of the rule (`required`, `type`, `pattern`, `length`, `noForeignRootFields`, …).
    public var rule: String
    /// A human-readable sentence naming the field and the rule.
    public var message: String

    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }

    public var description: String { message }
}
