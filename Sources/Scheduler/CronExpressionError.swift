/// Why a cron expression was rejected, with the expression and a one-line reason.
public struct CronExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// What is wrong with it, e.g. `day-of-month value 32 is out of range 1-31`.
    public var reason: String

    public init(expression: String, reason: String) {
        self.expression = expression
        self.reason = reason
    }

    public var description: String { "invalid cron expression '\(expression)': \(reason)" }
}
