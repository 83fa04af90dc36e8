/// A Backstage entity filter: any of several conjunctions (repeated `filter` parameters are OR),
/// each a list of conditions that must all hold (commas inside one `filter` are AND).
///
/// An empty filter matches everything.
public struct EntityFilter: Sendable, Hashable, Codable {
    public var anyOf: [Conjunction]

    public init(anyOf: [Conjunction] = []) {
        self.anyOf = anyOf
    }

    /// True when the filter restricts nothing.
    public var isEmpty: Bool { anyOf.isEmpty }

    /// Conditions that must all hold.
    public struct Conjunction: Sendable, Hashable, Codable {
        public var conditions: [Condition]

        public init(conditions: [Condition]) {
            self.conditions = conditions
        }
    }

    /// One key: it exists (`values` empty) or equals any of `values`. Key and values are
    /// lower-case; arrays match on any element; `relations.<type>` matches relation targets.
    public struct Condition: Sendable, Hashable, Codable {
        public var key: String
        public var values: [String]

        public init(key: String, values: [String] = []) {
            self.key = key.lowercased()
            self.values = values.map { $0.lowercased() }
        }

        /// The relation type when the key is `relations.<type>`.
        public var relationType: String? {
            key.hasPrefix("relations.") ? String(key.dropFirst("relations.".count)) : nil
        }
    }
}
