/// Parses Backstage's `filter` query parameters.
public enum EntityFilterParser {
    /// A filter statement that is not `a=b`, `a=` or `a`.
    public struct InvalidFilter: Error, Sendable, CustomStringConvertible {
        public var statement: String
        public var description: String {
            "Invalid filter, '\(statement)' is not a valid statement (expected a string on the form a=b or a= or a)"
        }
    }

    /// One filter per parameter; the result matches any of them.
    public static func parse(_ parameters: [String]) throws(InvalidFilter) -> EntityFilter {
        var conjunctions: [EntityFilter.Conjunction] = []
        for parameter in parameters {
            if let conjunction = try parseOne(parameter) { conjunctions.append(conjunction) }
        }
        return EntityFilter(anyOf: conjunctions)
    }

    /// `a=b,c=d,c=e,f` → a = b AND c IN (d, e) AND f exists. An empty parameter restricts nothing.
    static func parseOne(_ parameter: String) throws(InvalidFilter) -> EntityFilter.Conjunction? {
        guard !parameter.trimmingWhitespace().isEmpty else { return nil }
        var order: [String] = []
        var values: [String: [String]] = [:]
        for statement in parameter.split(separator: ",", omittingEmptySubsequences: false) {
            let key: String
            var value: String?
            if let equals = statement.firstIndex(of: "=") {
                key = String(statement[..<equals]).trimmingWhitespace()
                value = String(statement[statement.index(after: equals)...]).trimmingWhitespace()
            } else {
                key = String(statement).trimmingWhitespace()
            }
            guard !key.isEmpty else { throw InvalidFilter(statement: String(statement)) }
            let lowered = key.lowercased()
            if values[lowered] == nil {
                order.append(lowered)
                values[lowered] = []
            }
            if let value { values[lowered]!.append(value) }
        }
        return EntityFilter.Conjunction(conditions: order.map { EntityFilter.Condition(key: $0, values: values[$0]!) })
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
