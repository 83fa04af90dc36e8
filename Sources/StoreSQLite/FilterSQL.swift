import Catalog
import GRDB

/// Compiles an ``EntityFilter`` into a SQL condition on the entities table (aliased `e`). Every
/// condition is an index lookup: `search(key, value)` for fields, `relations(target_ref, type)`
/// for `relations.<type>`.
struct FilterSQL {
    var sql: String
    var arguments: StatementArguments

    static let matchAll = FilterSQL(sql: "1", arguments: [])

    init(sql: String, arguments: StatementArguments) {
        self.sql = sql
        self.arguments = arguments
    }

    init(_ filter: EntityFilter) {
        guard !filter.isEmpty else {
            self = .matchAll
            return
        }
        var arguments = StatementArguments()
        var disjuncts: [String] = []
        for conjunction in filter.anyOf {
            var parts: [String] = []
            for condition in conjunction.conditions {
                parts.append(Self.condition(condition, arguments: &arguments))
            }
            disjuncts.append(parts.isEmpty ? "1" : "(" + parts.joined(separator: " AND ") + ")")
        }
        self.init(sql: "(" + disjuncts.joined(separator: " OR ") + ")", arguments: arguments)
    }

    private static func condition(_ condition: EntityFilter.Condition, arguments: inout StatementArguments) -> String {
        let placeholders = Array(repeating: "?", count: condition.values.count).joined(separator: ",")
        if let type = condition.relationType {
            if condition.values.isEmpty {
                arguments += [type]
                return "EXISTS (SELECT 1 FROM relations r WHERE r.source_ref = e.ref AND r.type = ? COLLATE NOCASE)"
            }
            arguments += StatementArguments(condition.values)
            arguments += [type]
            return """
                e.ref IN (SELECT r.source_ref FROM relations r WHERE r.target_ref IN (\(placeholders)) \
                AND r.type = ? COLLATE NOCASE)
                """
        }
        arguments += [condition.key]
        if condition.values.isEmpty {
            return "e.id IN (SELECT s.entity_id FROM search s WHERE s.key = ?)"
        }
        arguments += StatementArguments(condition.values)
        return "e.id IN (SELECT s.entity_id FROM search s WHERE s.key = ? AND s.value IN (\(placeholders)))"
    }

    /// The SQL expression of an entity's sort value for `field` (nil when it has none).
    static func sortValue(_ field: String, arguments: inout StatementArguments) -> String {
        switch field {
        case "metadata.uid": return "e.uid"
        default:
            arguments += [field]
            return """
                (SELECT min(s.value) FROM search s WHERE s.entity_id = e.id AND s.key = ? AND typeof(s.value) = 'text')
                """
        }
    }
}
